package web

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/storetest"
)

func withStore(t *testing.T, limits store.Limits) (*testServer, store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "messages.db")
	st := storetest.Open(t, store.Options{SQLitePath: path, Limits: limits})
	return start(t, testConfig(), WithMessages(st)), st, path
}

func post(t *testing.T, ts *testServer, form url.Values, header ...string) (reply, string) {
	t.Helper()
	resp, body := do(t, http.MethodPost, ts.url+"/message", strings.NewReader(form.Encode()),
		append([]string{"Content-Type", "application/x-www-form-urlencoded", "User-Agent", browserUA}, header...)...)
	return resp, string(body)
}

var receiptRE = regexp.MustCompile(`<code class="id">([^<]+)</code>`)

// TestMessageSent: the form's post is stored, with what the server knows
// of the visitor, and the receipt names its id; the message is on disk
// when the visitor reads that (a new connection to the database sees it).
func TestMessageSent(t *testing.T) {
	ts, st, path := withStore(t, store.DefaultLimits)
	_, page := get(t, ts.url+"/", "User-Agent", browserUA)
	if !strings.Contains(string(page), `<form class="form" method="post" action="/message">`) {
		t.Fatal("the page has no contact form")
	}
	if resp, body := get(t, ts.url+"/message", "User-Agent", browserUA); resp.StatusCode != 200 || !strings.Contains(string(body), `name="contact"`) {
		t.Fatalf("GET /message: %d", resp.StatusCode)
	}
	resp, body := post(t, ts, url.Values{"name": {"Jane Roe"}, "contact": {"jane@example.com"}, "message": {"Hello!\r\nShall we talk?"}})
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, Cache-Control %q:\n%s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
	checkSecurityHeaders(t, "receipt", resp)
	m := receiptRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no message id on the receipt:\n%s", body)
	}
	got, err := st.Get(context.Background(), m[1])
	if err != nil {
		t.Fatalf("the receipt's id %q is not in the store: %v", m[1], err)
	}
	if got.Name != "Jane Roe" || got.Contact != "jane@example.com" || !strings.Contains(got.Body, "Shall we talk?") ||
		got.Meta.Via != "web" || got.Meta.RemoteAddr != "127.0.0.1" || got.Meta.ClientVersion != browserUA {
		t.Errorf("stored %+v", got)
	}
	again := storetest.Open(t, store.Options{SQLitePath: path})
	if _, err := again.Get(context.Background(), m[1]); err != nil {
		t.Errorf("another connection to the database does not see the message: %v", err)
	}
}

// TestMessageRefused: invalid text shows the form again with what was
// typed (escaped) and why; over the rate, 429 with Retry-After; nothing
// stored.
func TestMessageRefused(t *testing.T) {
	ts, st, _ := withStore(t, store.Limits{PerAddressPerHour: 1})
	resp, body := post(t, ts, url.Values{"name": {"<script>alert(1)</script>"}, "contact": {"not a contact"}, "message": {"hi"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "contact") {
		t.Fatalf("invalid contact: %d\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("what the visitor typed is not shown back escaped")
	}
	good := url.Values{"name": {"Jane"}, "contact": {"jane@example.com"}, "message": {"one"}}
	if resp, _ := post(t, ts, good); resp.StatusCode != 200 {
		t.Fatalf("first message: %d", resp.StatusCode)
	}
	resp, body = post(t, ts, good)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "too many messages") {
		t.Errorf("over the rate: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if msgs, err := st.List(context.Background(), 0); err != nil || len(msgs) != 1 {
		t.Errorf("%d messages stored (%v), want 1", len(msgs), err)
	}
}

// TestMessageCSRF: a post from another site's page is refused, and
// nothing is stored.
func TestMessageCSRF(t *testing.T) {
	ts, st, _ := withStore(t, store.DefaultLimits)
	form := url.Values{"name": {"Jane"}, "contact": {"jane@example.com"}, "message": {"forged"}}
	for name, h := range map[string][]string{
		"Sec-Fetch-Site": {"Sec-Fetch-Site", "cross-site"},
		"Origin":         {"Origin", "https://evil.example"},
	} {
		resp, _ := post(t, ts, form, h...)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, resp.StatusCode)
		}
	}
	if resp, _ := post(t, ts, form, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != 200 {
		t.Errorf("a same-origin post: %d", resp.StatusCode)
	}
	if msgs, _ := st.List(context.Background(), 0); len(msgs) != 1 {
		t.Errorf("%d messages stored, want only the same-origin one", len(msgs))
	}
}

func TestMessageTooLarge(t *testing.T) {
	ts, st, _ := withStore(t, store.DefaultLimits)
	// The server answers 413 and closes while the 100 KB are still on
	// their way, so the body is written beside the reading, and a write
	// the closed connection refuses is expected, not a failure (an HTTP
	// client would report it instead of the answer).
	body := url.Values{"name": {"Jane"}, "contact": {"jane@example.com"}, "message": {strings.Repeat("x", 100<<10)}}.Encode()
	c := dial(t, ts)
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		_, _ = io.WriteString(c, "POST /message HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
	}()
	resp, err := readReply(bufio.NewReader(c))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 100 KB form: %d, want 413", resp.StatusCode)
	}
	checkSecurityHeaders(t, "413", resp)
	if msgs, _ := st.List(context.Background(), 0); len(msgs) != 0 {
		t.Errorf("%d messages stored from a form over the limit", len(msgs))
	}
}

// TestNoStoreNoForm: without a store there is no form and no route.
func TestNoStoreNoForm(t *testing.T) {
	ts := start(t, testConfig())
	_, page := get(t, ts.url+"/", "User-Agent", browserUA)
	if strings.Contains(string(page), "<form") {
		t.Error("a form without a store")
	}
	if resp, _ := get(t, ts.url+"/message"); resp.StatusCode != 404 {
		t.Errorf("GET /message: %d", resp.StatusCode)
	}
	if resp, _ := post(t, ts, url.Values{}); resp.StatusCode != 405 {
		t.Errorf("POST /message: %d", resp.StatusCode)
	}
}

// TestMessageEncoding: the form is read when sent urlencoded, however
// the media type is spelt (it is case-insensitive, and may carry
// parameters); any other body (multipart, as curl -F sends, text, none)
// is 415 saying what to send, not a form reported empty; nothing is
// stored from it.
func TestMessageEncoding(t *testing.T) {
	ts, st, _ := withStore(t, store.DefaultLimits)
	form := url.Values{"name": {"Jane"}, "contact": {"jane@example.com"}, "message": {"hello"}}.Encode()
	cases := []struct {
		typ    string
		status int
	}{
		{"application/x-www-form-urlencoded", 200},
		{"application/x-www-form-urlencoded; charset=UTF-8", 200},
		{"Application/X-WWW-Form-URLEncoded", 200},
		{" application/x-www-form-urlencoded ;charset=utf-8", 200},
		{"application/x-www-form-urlencodedjunk", http.StatusUnsupportedMediaType},
		{"multipart/form-data; boundary=x", http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"", http.StatusUnsupportedMediaType},
	}
	stored := 0
	for _, c := range cases {
		h := []string{"User-Agent", browserUA}
		if c.typ != "" {
			h = append(h, "Content-Type", c.typ)
		}
		resp, body := do(t, http.MethodPost, ts.url+"/message", strings.NewReader(form), h...)
		if resp.StatusCode != c.status {
			t.Errorf("Content-Type %q: %d, want %d\n%.200s", c.typ, resp.StatusCode, c.status, body)
		}
		if c.status == 200 {
			stored++
		} else if !strings.Contains(string(body), "application/x-www-form-urlencoded") {
			t.Errorf("Content-Type %q: the refusal does not say what to send: %.120q", c.typ, body)
		}
		checkSecurityHeaders(t, "Content-Type "+c.typ, resp)
	}
	if msgs, _ := st.List(context.Background(), 0); len(msgs) != stored {
		t.Errorf("%d messages stored, want %d", len(msgs), stored)
	}
}

// TestMessageHostileInput: invalid UTF-8 is refused naming the field;
// bad percent-escapes are kept as typed; a repeated field counts once
// (the first); controls and terminal escapes never reach the store.
func TestMessageHostileInput(t *testing.T) {
	ts, st, _ := withStore(t, store.Limits{})
	send := func(raw string) (int, string) {
		resp, body := do(t, http.MethodPost, ts.url+"/message", strings.NewReader(raw),
			"Content-Type", "application/x-www-form-urlencoded", "User-Agent", browserUA)
		return resp.StatusCode, string(body)
	}
	if code, body := send("name=%ff%fe&contact=a%40example.com&message=hi"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "The name is not valid UTF-8 text.") {
		t.Errorf("invalid UTF-8: %d", code)
	}
	for _, c := range []struct{ raw, name, body string }{
		{"name=H%zz&contact=h%40example.com&message=100%", "H%zz", "100%"},
		{"name=I&name=J&contact=i%40example.com&message=one&message=two", "I", "one"},
		{"name=K%00x%07&contact=k%40example.com&message=a%1b%5b31mred%1b]0;title%07", "Kx", "ared"},
		{"name=L+M&contact=l%40example.com&message=a+b", "L M", "a b"},
	} {
		code, body := send(c.raw)
		m := receiptRE.FindStringSubmatch(body)
		if code != 200 || m == nil {
			t.Errorf("%s: %d", c.raw, code)
			continue
		}
		got, err := st.Get(context.Background(), m[1])
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != c.name || !strings.HasPrefix(got.Body, c.body) || strings.ContainsAny(got.Name+got.Body, "\x00\x07\x1b") {
			t.Errorf("%s: stored %q %q, want %q %q", c.raw, got.Name, got.Body, c.name, c.body)
		}
	}
}

// TestMessageCSRFCases: Go's CrossOriginProtection as the form meets it:
// a browser's same-origin post (Sec-Fetch-Site, or an Origin naming this
// host) and a client that is not a browser (neither header) get through;
// same-site, cross-site, an opaque origin and another host's origin are
// 403.
func TestMessageCSRFCases(t *testing.T) {
	ts, _, _ := withStore(t, store.Limits{})
	form := url.Values{"name": {"Jane"}, "contact": {"jane@example.com"}, "message": {"hi"}}
	for _, c := range []struct {
		header []string
		status int
	}{
		{nil, 200},
		{[]string{"Sec-Fetch-Site", "same-origin"}, 200},
		{[]string{"Sec-Fetch-Site", "none"}, 200},
		{[]string{"Origin", ts.url}, 200},
		{[]string{"Sec-Fetch-Site", "same-origin", "Origin", "https://evil.example"}, 200}, // the browser's word wins
		{[]string{"Sec-Fetch-Site", "same-site"}, 403},
		{[]string{"Sec-Fetch-Site", "cross-site", "Origin", ts.url}, 403},
		{[]string{"Origin", "null"}, 403},
		{[]string{"Origin", "http://127.0.0.1:1"}, 403},
	} {
		resp, _ := post(t, ts, form, c.header...)
		if resp.StatusCode != c.status {
			t.Errorf("%q: %d, want %d", c.header, resp.StatusCode, c.status)
		}
	}
}

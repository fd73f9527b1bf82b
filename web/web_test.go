package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/render/html"
	"github.com/laphets/resume/render/text"
)

// testServer is a web server on 127.0.0.1:0 serving whatever cur holds.
type testServer struct {
	*Server
	url string
	cur atomic.Pointer[content.Resume]
	log *testutil.Buffer
}

func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.PublicURL = "https://resume.example.com"
	cfg.SSH = html.SSHInfo{Command: "ssh -p 2222 resume.example.com", Fingerprint: "SHA256:test"}
	cfg.RatePerIP = 0
	return cfg
}

func start(t *testing.T, cfg Config, opts ...Option) *testServer {
	t.Helper()
	ts := &testServer{log: &testutil.Buffer{}}
	ts.cur.Store(content.Default())
	logger := slog.New(slog.NewJSONHandler(ts.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(cfg, logger, ts.cur.Load, prometheus.NewRegistry(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts.Server = s
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.url = "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ts
}

// client never decompresses on its own, so the tests see the encoding.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 10 * time.Second}

// reply is what a test reads of a response, its body read and closed.
type reply struct {
	StatusCode    int
	Header        http.Header
	ContentLength int64
}

func get(t *testing.T, url string, header ...string) (reply, []byte) {
	t.Helper()
	return do(t, http.MethodGet, url, nil, header...)
}

func do(t *testing.T, method, url string, body io.Reader, header ...string) (reply, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, resp.ContentLength}, b
}

const (
	browserUA     = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)

func TestRoutes(t *testing.T) {
	ts := start(t, testConfig())
	r := content.Default()
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		header     []string
		status     int
		typ        string
		body       string // a substring of the body; "=" prefix: the whole body
	}{
		{"browser", "/", []string{"User-Agent", browserUA, "Accept", browserAccept}, 200, typeHTML, "<h1>Wenging Luo</h1>"},
		{"curl", "/", []string{"User-Agent", "curl/8.5.0", "Accept", "*/*"}, 200, typeText, "=" + text.Render(r, 80)},
		{"wget", "/", []string{"User-Agent", "Wget/1.21.4"}, 200, typeText, "Wenging Luo\n═══"},
		{"httpie", "/", []string{"User-Agent", "HTTPie/3.2.2", "Accept", "*/*"}, 200, typeText, "EXPERIENCE"},
		{"powershell", "/", []string{"User-Agent", "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506"}, 200, typeText, "EXPERIENCE"},
		{"accept text", "/", []string{"User-Agent", browserUA, "Accept", "text/plain"}, 200, typeText, "EXPERIENCE"},
		{"accept json", "/", []string{"User-Agent", "curl/8.5.0", "Accept", "application/json"}, 200, typeJSON, "=" + string(js)},
		{"curl asking for html", "/", []string{"User-Agent", "curl/8.5.0", "Accept", "text/html"}, 200, typeHTML, "<!doctype html>"},
		{"unknown client", "/", []string{"User-Agent", "SomeBot/1.0"}, 200, typeHTML, "<!doctype html>"},
		{"text", "/resume.txt", nil, 200, typeText, "=" + text.Render(r, 80)},
		{"text 40", "/resume.txt?width=40", nil, 200, typeText, "=" + text.Render(r, 40)},
		{"text too narrow", "/resume.txt?width=19", nil, 400, "text/plain; charset=utf-8", "from 20 to 1000"},
		{"text not a number", "/resume.txt?width=wide", nil, 400, "text/plain; charset=utf-8", "/resume.txt?width=100"},
		{"markdown", "/resume.md", nil, 200, typeMarkdown, "# Wenging Luo"},
		{"json", "/resume.json", nil, 200, typeJSON, "=" + string(js)},
		{"ssh", "/ssh", []string{"User-Agent", browserUA}, 200, typeHTML, "SHA256:test"},
		{"robots", "/robots.txt", nil, 200, "text/plain; charset=utf-8", "User-agent: *"},
		{"favicon", "/favicon.svg", nil, 200, typeSVG, "<svg"},
		{"favicon.ico", "/favicon.ico", nil, 200, typeSVG, "<svg"},
		{"404 browser", "/nope", []string{"User-Agent", browserUA, "Accept", browserAccept}, 404, typeHTML, "Not found"},
		{"404 curl", "/nope", []string{"User-Agent", "curl/8.5.0"}, 404, "text/plain; charset=utf-8", "404 not found"},
		{"404 under a route", "/resume.json/x", nil, 404, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := get(t, ts.url+c.path, c.header...)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			if c.typ != "" && resp.Header.Get("Content-Type") != c.typ {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), c.typ)
			}
			if whole, ok := strings.CutPrefix(c.body, "="); ok {
				if string(body) != whole {
					t.Errorf("body differs from the renderer's output:\n%.300s", body)
				}
			} else if !strings.Contains(string(body), c.body) {
				t.Errorf("body lacks %q:\n%.300s", c.body, body)
			}
		})
	}
}

func TestIndexVaries(t *testing.T) {
	ts := start(t, testConfig())
	resp, _ := get(t, ts.url+"/", "User-Agent", browserUA, "Accept-Encoding", "gzip")
	vary := strings.Join(resp.Header.Values("Vary"), ", ")
	for _, want := range []string{"Accept", "User-Agent", "Accept-Encoding"} {
		if !strings.Contains(vary, want) {
			t.Errorf("Vary %q lacks %s", vary, want)
		}
	}
}

func TestMethods(t *testing.T) {
	ts := start(t, testConfig())
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, "BREW"} {
		for _, path := range []string{"/", "/resume.json", "/nope"} {
			resp, _ := do(t, m, ts.url+path, nil)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, path, resp.StatusCode)
			}
			checkSecurityHeaders(t, m+" "+path, resp)
		}
	}
	resp, body := do(t, http.MethodHead, ts.url+"/resume.json", nil)
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength <= 0 {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %d", resp.StatusCode, len(body), resp.ContentLength)
	}
}

func checkSecurityHeaders(t *testing.T, what string, resp reply) {
	t.Helper()
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	if csp != html.ContentSecurityPolicy || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP %q", what, csp)
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	} {
		if h.Get(k) != want {
			t.Errorf("%s: %s %q, want %q", what, k, h.Get(k), want)
		}
	}
	if !strings.Contains(h.Get("Permissions-Policy"), "camera=()") {
		t.Errorf("%s: Permissions-Policy %q", what, h.Get("Permissions-Policy"))
	}
	if h.Get("Strict-Transport-Security") != "" {
		t.Errorf("%s: HSTS over plain HTTP", what)
	}
	if h.Get("Server") != "" {
		t.Errorf("%s: a Server header, %q", what, h.Get("Server"))
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	ts := start(t, testConfig())
	for _, path := range []string{"/", "/resume.txt", "/resume.txt?width=5", "/resume.md", "/resume.json", "/ssh", "/robots.txt", "/favicon.svg", "/nope"} {
		resp, _ := get(t, ts.url+path, "User-Agent", browserUA)
		checkSecurityHeaders(t, path, resp)
		resp, _ = get(t, ts.url+path, "User-Agent", browserUA, "If-None-Match", resp.Header.Get("ETag"))
		checkSecurityHeaders(t, path+" revalidated", resp)
	}
}

func TestConditional(t *testing.T) {
	ts := start(t, testConfig())
	for _, enc := range []string{"", "gzip", "br"} {
		t.Run("encoding "+enc, func(t *testing.T) {
			resp, body := get(t, ts.url+"/resume.json", "Accept-Encoding", enc)
			etag, mod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
			if etag == "" || mod == "" || len(body) == 0 || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age") {
				t.Fatalf("validators: ETag %q, Last-Modified %q, Cache-Control %q", etag, mod, resp.Header.Get("Cache-Control"))
			}
			for _, h := range [][]string{
				{"If-None-Match", etag},
				{"If-None-Match", `"other", ` + etag},
				{"If-None-Match", "W/" + etag},
				{"If-Modified-Since", mod},
			} {
				resp, body := get(t, ts.url+"/resume.json", "Accept-Encoding", enc, h[0], h[1])
				if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
					t.Errorf("%s: %s: %d with %d bytes, want 304", h[0], h[1], resp.StatusCode, len(body))
				}
				if resp.Header.Get("ETag") != etag {
					t.Errorf("304 ETag %q, want %q", resp.Header.Get("ETag"), etag)
				}
			}
			resp, _ = get(t, ts.url+"/resume.json", "If-None-Match", `"stale"`, "If-Modified-Since", mod)
			if resp.StatusCode != 200 {
				t.Errorf("a stale ETag with a current date: %d, want 200 (If-None-Match wins)", resp.StatusCode)
			}
		})
	}
}

func decode(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	default:
		return b
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCompression(t *testing.T) {
	ts := start(t, testConfig())
	_, plain := get(t, ts.url+"/", "User-Agent", browserUA)
	cases := []struct{ accept, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br, zstd", "br"},
		{"br;q=0, gzip", "gzip"},
		{"gzip;q=0.5, br;q=0.4", "gzip"},
		{"*", "br"},
		{"identity", ""},
		{"gzip;q=0", ""},
	}
	for _, c := range cases {
		t.Run(c.accept, func(t *testing.T) {
			resp, body := get(t, ts.url+"/", "User-Agent", browserUA, "Accept-Encoding", c.accept)
			if got := resp.Header.Get("Content-Encoding"); got != c.want {
				t.Fatalf("Content-Encoding %q, want %q", got, c.want)
			}
			if !bytes.Equal(decode(t, c.want, body), plain) {
				t.Error("decoded body differs from the plain one")
			}
			if c.want == "br" && len(body) > 30<<10 {
				t.Errorf("compressed page is %d bytes, over 30 KB", len(body))
			}
		})
	}
}

// TestJSONRoundTrips: /resume.json loads back (valid against the schema,
// which loading checks) into the same document.
func TestJSONRoundTrips(t *testing.T) {
	sample, err := content.Load(testutil.SamplePath())
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*content.Resume{"default": content.Default(), "sample": sample} {
		t.Run(name, func(t *testing.T) {
			ts := start(t, testConfig())
			ts.cur.Store(r)
			_, body := get(t, ts.url+"/resume.json")
			back, err := content.Parse("resume.json", body)
			if err != nil {
				t.Fatalf("served JSON does not load: %v", err)
			}
			again, err := back.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			if json.Unmarshal(body, &a) != nil || json.Unmarshal(again, &b) != nil {
				t.Fatal("not JSON")
			}
			if !jsonEqual(a, b) {
				t.Error("the document changed on a round trip")
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestReloadRendersAgain: a new résumé from the source is served at once,
// with a new ETag; the old one revalidates no more.
func TestReloadRendersAgain(t *testing.T) {
	ts := start(t, testConfig())
	resp, _ := get(t, ts.url+"/resume.txt")
	old := resp.Header.Get("ETag")
	r, err := content.Parse("new.json", []byte(`{"basics": {"name": "Ada Lovelace"}}`))
	if err != nil {
		t.Fatal(err)
	}
	ts.cur.Store(r)
	resp, body := get(t, ts.url+"/resume.txt", "If-None-Match", old)
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "Ada Lovelace") || resp.Header.Get("ETag") == old {
		t.Errorf("after a reload: %d, ETag %q (was %q), body %.40q", resp.StatusCode, resp.Header.Get("ETag"), old, body)
	}
	_, page := get(t, ts.url+"/", "User-Agent", browserUA)
	if !strings.Contains(string(page), "<h1>Ada Lovelace</h1>") {
		t.Error("the page was not rendered again")
	}
}

// TestSlowloris: a client sending its headers a byte at a time is cut off
// at the header timeout, long before it finishes.
func TestSlowloris(t *testing.T) {
	cfg := testConfig()
	cfg.ReadHeaderTimeout = time.Second
	ts := start(t, cfg)
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	req := "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: " + strings.Repeat("a", 100) + "\r\n\r\n"
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		_, _ = io.Copy(io.Discard, c) // returns when the server closes
		closed <- time.Since(start)
	}()
	tick := time.NewTicker(100 * time.Millisecond) // ten times faster than a byte a second, still cut off
	defer tick.Stop()
	for i := 0; i < len(req); i++ {
		select {
		case d := <-closed:
			if d > 3*time.Second {
				t.Errorf("closed after %v, want about the 1s header timeout", d)
			}
			return
		case <-tick.C:
		}
		if _, err := c.Write([]byte{req[i]}); err != nil {
			return // closed under us: cut off
		}
	}
	t.Fatal("the whole request was sent a byte at a time without being cut off")
}

// TestHugeBody: a 10 MB body is refused without being read: the server
// answers and closes the connection while the client is still sending.
func TestHugeBody(t *testing.T) {
	ts := start(t, testConfig())
	for _, method := range []string{"POST", "GET"} {
		t.Run(method, func(t *testing.T) {
			c, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = c.Close() }()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			const size = 10 << 20
			head := method + " /resume.json HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n"
			if _, err := io.WriteString(c, head); err != nil {
				t.Fatal(err)
			}
			got := make(chan *http.Response, 1)
			go func() {
				resp, err := http.ReadResponse(bufio.NewReader(c), nil)
				if err == nil {
					_ = resp.Body.Close()
				}
				got <- resp
			}()
			sent := 0
			chunk := make([]byte, 64<<10)
			for sent < size {
				n, err := c.Write(chunk)
				sent += n
				if err != nil {
					break
				}
			}
			resp := <-got
			if resp == nil {
				t.Fatal("no response")
			}
			if method == "POST" && resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("status %d", resp.StatusCode)
			}
			if sent >= size {
				// The server may have read what the socket buffers held;
				// it must still not keep the connection for more.
				if _, err := c.Write(chunk); err == nil {
					if _, err := c.Read(make([]byte, 1)); err == nil {
						t.Error("the connection stayed open after a 10 MB body")
					}
				}
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	cfg := testConfig()
	cfg.RatePerIP, cfg.BurstPerIP = 0.001, 5
	ts := start(t, cfg)
	for i := 0; i < 5; i++ {
		if resp, _ := get(t, ts.url+"/resume.txt"); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	resp, _ := get(t, ts.url+"/resume.txt")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("over the burst: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	checkSecurityHeaders(t, "429", resp)
}

func TestConnectionsPerIP(t *testing.T) {
	cfg := testConfig()
	cfg.MaxConnsPerIP = 2
	ts := start(t, cfg)
	addr := strings.TrimPrefix(ts.url, "http://")
	var held []net.Conn
	defer func() {
		for _, c := range held {
			_ = c.Close()
		}
	}()
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	// The first two are admitted (a request on each is answered); a third
	// is closed at once.
	for _, c := range held {
		if _, err := io.WriteString(c, "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("held connection: %v", err)
		}
		_ = resp.Body.Close()
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c, "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a third connection from one address was served: %v", err)
	}
}

func TestClientAddr(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	cases := []struct {
		name, remote string
		header       []string
		want         string
	}{
		{"direct", "192.0.2.7:5000", nil, "192.0.2.7"},
		{"direct ignores headers", "192.0.2.7:5000", []string{"X-Forwarded-For", "198.51.100.1"}, "192.0.2.7"},
		{"trusted proxy", "10.0.0.2:5000", []string{"X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"spoofed first hop", "10.0.0.2:5000", []string{"X-Forwarded-For", "1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"two proxies", "10.0.0.2:5000", []string{"X-Forwarded-For", "198.51.100.1, 10.0.0.9"}, "198.51.100.1"},
		{"forwarded", "10.0.0.2:5000", []string{"Forwarded", `for="[2001:db8::1]:4711";proto=https`}, "2001:db8::1"},
		{"forwarded wins", "10.0.0.2:5000", []string{"Forwarded", "for=198.51.100.2", "X-Forwarded-For", "198.51.100.3"}, "198.51.100.2"},
		{"garbage", "10.0.0.2:5000", []string{"X-Forwarded-For", "not-an-address"}, "10.0.0.2"},
		{"no header", "10.0.0.2:5000", nil, "10.0.0.2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var req fasthttp.Request
			req.SetRequestURI("/")
			for i := 0; i+1 < len(c.header); i += 2 {
				req.Header.Set(c.header[i], c.header[i+1])
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, net.TCPAddrFromAddrPort(netip.MustParseAddrPort(c.remote)), nil)
			if got := s.clientAddr(&ctx).String(); got != c.want {
				t.Errorf("clientAddr = %s, want %s", got, c.want)
			}
		})
	}
}

// TestAccessLogIsInert: what a visitor puts in the path or User-Agent
// reaches the log as inert text, with the request's facts.
func TestAccessLogIsInert(t *testing.T) {
	ts := start(t, testConfig())
	_, _ = get(t, ts.url+"/%1b%5d0;pwned%07", "User-Agent", "evil\u202e\u2067x\u200b")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(ts.log.String(), `"status":404`) {
		if time.Now().After(deadline) {
			t.Fatalf("no access log line:\n%s", ts.log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	var line map[string]any
	for _, l := range strings.Split(ts.log.String(), "\n") {
		if strings.Contains(l, `"http request"`) {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, k := range []string{"path", "user_agent"} {
		s, _ := line[k].(string)
		testutil.CheckInert(t, k, s)
	}
	if line["remote"] != "127.0.0.1" || line["method"] != "GET" {
		t.Errorf("log line: %v", line)
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := New(testConfig(), slog.New(slog.DiscardHandler), content.Default, reg); err != nil {
		t.Fatal(err)
	}
	if _, err := New(testConfig(), slog.New(slog.DiscardHandler), content.Default, reg); err == nil {
		t.Error("a second server registered the same metrics in one registry")
	}
}

func TestConfigValidate(t *testing.T) {
	cases := map[string]func(*Config){
		"relative public URL": func(c *Config) { c.PublicURL = "resume.example.com" },
		"ftp public URL":      func(c *Config) { c.PublicURL = "ftp://resume.example.com" },
		"cert without key":    func(c *Config) { c.TLSCert = "cert.pem" },
		"no conns":            func(c *Config) { c.MaxConns = 0 },
		"negative rate":       func(c *Config) { c.RatePerIP = -1 },
		"zero burst":          func(c *Config) { c.BurstPerIP = 0 },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			c := testConfig()
			c.RatePerIP = 1
			f(&c)
			if err := c.Validate(); err == nil {
				t.Error("accepted")
			}
		})
	}
	c := testConfig()
	c.PublicURL = "https://resume.example.com/"
	if err := c.Validate(); err != nil || c.PublicURL != "https://resume.example.com" {
		t.Errorf("trailing slash: %v, %q", err, c.PublicURL)
	}
}

// TestHeadersTooLarge: headers over the limit get 431, with the headers
// every response carries, and the connection is closed.
func TestHeadersTooLarge(t *testing.T) {
	ts := start(t, testConfig())
	resp, body := get(t, ts.url+"/", "X-Filler", strings.Repeat("a", DefaultMaxHeaderBytes))
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("%d bytes of headers: %d %q, want 431", DefaultMaxHeaderBytes, resp.StatusCode, body)
	}
	checkSecurityHeaders(t, "431", resp)
	// Just under the limit is served.
	if resp, _ := get(t, ts.url+"/", "X-Filler", strings.Repeat("a", DefaultMaxHeaderBytes/2)); resp.StatusCode != 200 {
		t.Errorf("%d bytes of headers: %d", DefaultMaxHeaderBytes/2, resp.StatusCode)
	}
}

// TestHeadMatchesGet: HEAD gives GET's headers, its length included, and
// no body.
func TestHeadMatchesGet(t *testing.T) {
	ts := start(t, testConfig())
	for _, path := range []string{"/", "/resume.txt", "/resume.pdf", "/nope"} {
		g, body := get(t, ts.url+path, "User-Agent", browserUA, "Accept-Encoding", "gzip")
		h, hb := do(t, http.MethodHead, ts.url+path, nil, "User-Agent", browserUA, "Accept-Encoding", "gzip")
		if h.StatusCode != g.StatusCode || len(hb) != 0 || h.ContentLength != int64(len(body)) ||
			h.Header.Get("ETag") != g.Header.Get("ETag") || h.Header.Get("Content-Encoding") != g.Header.Get("Content-Encoding") {
			t.Errorf("HEAD %s: %d, %d bytes, length %d, ETag %q; GET: %d, %d bytes, ETag %q", path,
				h.StatusCode, len(hb), h.ContentLength, h.Header.Get("ETag"), g.StatusCode, len(body), g.Header.Get("ETag"))
		}
	}
}

// TestShutdownClosesWhatIsLeft: a shutdown waits for requests in flight
// only until its context ends, then closes every connection, even one
// still sending its headers with a long header timeout left.
func TestShutdownClosesWhatIsLeft(t *testing.T) {
	cfg := testConfig()
	cfg.ReadHeaderTimeout = time.Minute
	ts := &testServer{log: &testutil.Buffer{}}
	ts.cur.Store(content.Default())
	s, err := New(cfg, slog.New(slog.DiscardHandler), ts.cur.Load, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	// A whole request first, so the connection is surely being served,
	// then half of the next one.
	if _, err := io.WriteString(c, "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	began := time.Now()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Errorf("shutdown took %v with a minute's header timeout left", d)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := br.ReadByte(); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the connection is still open after the shutdown: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	// Serving again after a shutdown returns at once.
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(ln2); err != nil {
		t.Errorf("serve after shutdown: %v", err)
	}
}

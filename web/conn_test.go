package web

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/storetest"
)

// closedWithin waits for the server to close c and returns how long that
// took from start; it fails the test if c is still open after limit.
func closedWithin(t *testing.T, c net.Conn, start time.Time, limit time.Duration) time.Duration {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(limit))
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("still open after %v", limit)
	}
	return time.Since(start)
}

func dial(t *testing.T, ts *testServer) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// roundTrip sends one request on c and reads its response.
func roundTrip(t *testing.T, c net.Conn, br *bufio.Reader, req string) reply {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	_ = c.SetDeadline(time.Time{})
	return reply{resp.StatusCode, resp.Header, resp.ContentLength}
}

// readReply reads one response from br, its body closed.
func readReply(br *bufio.Reader) (reply, error) {
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return reply{}, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return reply{resp.StatusCode, resp.Header, resp.ContentLength}, nil
}

// TestSlowlorisSecondRequest: the header timeout bounds a keep-alive
// connection's next request too, from its first byte, however slowly the
// rest trickles in.
func TestSlowlorisSecondRequest(t *testing.T) {
	cfg := testConfig()
	cfg.ReadHeaderTimeout = time.Second
	ts := start(t, cfg)
	c := dial(t, ts)
	br := bufio.NewReader(c)
	if resp := roundTrip(t, c, br, "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"); resp.StatusCode != 200 {
		t.Fatalf("first request: %d", resp.StatusCode)
	}
	began := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, b := range []byte("GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: " + strings.Repeat("a", 100)) {
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
			select {
			case <-time.After(100 * time.Millisecond):
			case <-done:
				return
			}
		}
	}()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := readReply(br)
	if err != nil || resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("want 408, got %d %v", resp.StatusCode, err)
	}
	checkSecurityHeaders(t, "408", resp)
	if d := closedWithin(t, c, began, 5*time.Second); d > 4*time.Second {
		t.Errorf("cut off after %v, want about the 1s header timeout", d)
	}
	<-done
}

// TestSlowBody: once the headers are in, the body gets the read timeout
// and no more; a form posted a byte at a time is cut off, and nothing is
// stored.
func TestSlowBody(t *testing.T) {
	cfg := testConfig()
	cfg.ReadTimeout = time.Second
	path := t.TempDir() + "/messages.db"
	st := openStore(t, path)
	ts := start(t, cfg, WithMessages(st))
	c := dial(t, ts)
	form := url.Values{"name": {"Jane"}, "contact": {"jane@example.com"}, "message": {strings.Repeat("slow ", 40)}}.Encode()
	head := "POST /message HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
		strconv.Itoa(len(form)) + "\r\n\r\n"
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 0; i < len(form); i++ {
			if _, err := c.Write([]byte{form[i]}); err != nil {
				return
			}
			select {
			case <-time.After(100 * time.Millisecond):
			case <-stop:
				return
			}
		}
	}()
	if d := closedWithin(t, c, began, 10*time.Second); d > 4*time.Second {
		t.Errorf("cut off after %v, want about the 1s read timeout", d)
	}
	if msgs, err := st.List(context.Background(), 0); err != nil || len(msgs) != 0 {
		t.Errorf("%d messages stored (%v)", len(msgs), err)
	}
}

// TestNeverReads: a client that sends requests and never reads the
// answers fills its socket, then is cut off at the write timeout.
func TestNeverReads(t *testing.T) {
	cfg := testConfig()
	cfg.WriteTimeout = time.Second
	ts := start(t, cfg)
	c := dial(t, ts)
	tc := c.(*net.TCPConn)
	_ = tc.SetReadBuffer(4 << 10)
	// Requests for the uncompressed page (21 KB each), pipelined, until
	// the server stops taking them (it blocks writing) or closes.
	req := []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0\r\n\r\n", 50))
	began := time.Now()
	for time.Since(began) < 20*time.Second {
		_ = c.SetWriteDeadline(time.Now().Add(3 * time.Second))
		if _, err := c.Write(req); err != nil {
			break
		}
	}
	// Now read: what the socket held, then the end.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the connection is still open after the write timeout")
	}
	if d := time.Since(began); d > 20*time.Second {
		t.Errorf("closed after %v", d)
	}
}

// TestTLSHandshakeStalls: a TLS client that connects and never finishes
// the handshake (silent, or half a ClientHello) is cut off at the header
// timeout.
func TestTLSHandshakeStalls(t *testing.T) {
	cfg := testConfig()
	cfg.ReadHeaderTimeout = time.Second
	cfg.TLSCert, cfg.TLSKey = selfSigned(t)
	ts := start(t, cfg)
	for name, send := range map[string][]byte{
		"silent":         nil,
		"half a hello":   {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03},
		"plain HTTP too": []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			c := dial(t, ts)
			began := time.Now()
			if _, err := c.Write(send); err != nil {
				t.Fatal(err)
			}
			if d := closedWithin(t, c, began, 10*time.Second); d > 4*time.Second {
				t.Errorf("cut off after %v, want about the 1s header timeout", d)
			}
		})
	}
	// A real client still gets through.
	tc, err := tls.Dial("tcp", strings.TrimPrefix(ts.url, "http://"), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // the test's own certificate
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tc.Close() }()
	if resp := roundTrip(t, tc, bufio.NewReader(tc), "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"); resp.StatusCode != 200 ||
		resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("over TLS: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
}

// blockingStore holds every Submit until release is closed.
type blockingStore struct {
	store.Store
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *blockingStore) Submit(ctx context.Context, s store.Submission) (string, error) {
	b.once.Do(func() { close(b.entered) })
	<-b.release
	return b.Store.Submit(ctx, s)
}

// TestShutdownLetsInFlightFinish: a shutdown waits for a request being
// handled (a message on its way to the store) and the visitor gets the
// receipt; an idle keep-alive connection is closed at once; nothing new
// is accepted.
func TestShutdownLetsInFlightFinish(t *testing.T) {
	st := &blockingStore{Store: openStore(t, t.TempDir()+"/messages.db"), entered: make(chan struct{}), release: make(chan struct{})}
	s, err := New(testConfig(), slog.New(slog.DiscardHandler), content.Default, prometheus.NewRegistry(), WithMessages(st))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	addr := ln.Addr().String()

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = idle.Close() }()
	roundTrip(t, idle, bufio.NewReader(idle), "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")

	busy, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = busy.Close() }()
	form := url.Values{"name": {"Jane"}, "contact": {"jane@example.com"}, "message": {"in flight"}}.Encode()
	_, _ = io.WriteString(busy, "POST /message HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "+
		strconv.Itoa(len(form))+"\r\n\r\n"+form)
	select {
	case <-st.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the message never reached the store")
	}

	shut := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() { shut <- s.Shutdown(ctx) }()
	closedWithin(t, idle, time.Now(), 5*time.Second)
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.WriteString(c, "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
		if n, _ := c.Read(make([]byte, 1)); n > 0 {
			t.Error("a new connection was served during the shutdown")
		}
		_ = c.Close()
	}
	select {
	case err := <-shut:
		t.Fatalf("the shutdown returned (%v) with a request in flight", err)
	default:
	}
	close(st.release)
	_ = busy.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := readReply(bufio.NewReader(busy))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the request in flight: %d %v", resp.StatusCode, err)
	}
	if err := <-shut; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// TestTrustedProxyConnections: a trusted proxy's connections count only
// toward the global cap (they carry many visitors), and the visitors
// behind it each get their own request rate.
func TestTrustedProxyConnections(t *testing.T) {
	cfg := testConfig()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	cfg.MaxConnsPerIP, cfg.MaxConns = 1, 3
	cfg.RatePerIP, cfg.BurstPerIP = 0.001, 1
	ts := start(t, cfg)
	var held []net.Conn
	for i := 0; i < 3; i++ {
		c := dial(t, ts)
		resp := roundTrip(t, c, bufio.NewReader(c), "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2."+strconv.Itoa(i+1)+"\r\n\r\n")
		if resp.StatusCode != 200 {
			t.Fatalf("visitor %d behind the proxy: %d", i, resp.StatusCode)
		}
		held = append(held, c)
	}
	// Over the global cap: closed at accept.
	c := dial(t, ts)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c, "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	if n, err := c.Read(make([]byte, 1)); n > 0 || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a fourth connection was served over the global cap of 3: %v", err)
	}
	// The first visitor is over its rate; the next one is not.
	if resp := roundTrip(t, held[0], bufio.NewReader(held[0]), "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.1\r\n\r\n"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a visitor over its rate: %d", resp.StatusCode)
	}
	if resp := roundTrip(t, held[0], bufio.NewReader(held[0]), "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.9\r\n\r\n"); resp.StatusCode != 200 {
		t.Errorf("another visitor on the same proxy connection: %d", resp.StatusCode)
	}
}

// TestIdleConnectionsAreCheap: a keep-alive connection waiting for its
// next request holds no buffers (they go back to the pools after each
// response): the heap grows by a few KB per idle connection, not by the
// 8 KiB read and 32 KiB write buffers a request uses.
func TestIdleConnectionsAreCheap(t *testing.T) {
	cfg := testConfig()
	cfg.MaxConnsPerIP, cfg.MaxConns = 1000, 1000
	ts := start(t, cfg)
	// Warm the pools and the page's renderings.
	for i := 0; i < 3; i++ {
		_, _ = get(t, ts.url+"/", "User-Agent", browserUA, "Accept-Encoding", "br")
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	const n = 200
	before := heap()
	conns := make([]net.Conn, 0, n)
	for i := 0; i < n; i++ {
		c := dial(t, ts)
		roundTrip(t, c, bufio.NewReader(c), "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: "+browserUA+"\r\nAccept: text/html\r\n\r\n")
		conns = append(conns, c)
	}
	after := heap()
	per := (int64(after) - int64(before)) / n
	t.Logf("heap per idle keep-alive connection: %d bytes (both ends, this process)", per)
	if per > 16<<10 {
		t.Errorf("an idle keep-alive connection holds %d bytes of heap, want under 16 KiB", per)
	}
	runtime.KeepAlive(conns)
}

func openStore(t *testing.T, path string) store.Store {
	t.Helper()
	return storetest.Open(t, store.Options{SQLitePath: path, Limits: store.DefaultLimits})
}

// TestRequestBytesDoNotOutliveRequest: the handlers read header bytes in
// place (view, unsafe.String); fasthttp reuses those bytes for the next
// request, on this connection or, from the pools, on another. What is
// kept of a request (the stored message, its log lines) must be copies:
// after many requests with other bytes at the same places, they still
// read as sent.
func TestRequestBytesDoNotOutliveRequest(t *testing.T) {
	cfg := testConfig()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	st := openStore(t, t.TempDir()+"/messages.db")
	ts := start(t, cfg, WithMessages(st))
	ua := "Agent/" + strings.Repeat("A", 64)
	form := url.Values{"name": {"Jane"}, "contact": {"jane@example.com"}, "message": {"kept"}}.Encode()
	c := dial(t, ts)
	br := bufio.NewReader(c)
	resp := roundTrip(t, c, br, "POST /message HTTP/1.1\r\nHost: x\r\nUser-Agent: "+ua+"\r\nX-Forwarded-For: 198.51.100.77\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "+strconv.Itoa(len(form))+"\r\n\r\n"+form)
	if resp.StatusCode != 200 {
		t.Fatalf("post: %d", resp.StatusCode)
	}
	// The same header bytes at the same offsets, other values, on this
	// connection and on others at once.
	other := "Agent/" + strings.Repeat("B", 64)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			oc, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { _ = oc.Close() }()
			obr := bufio.NewReader(oc)
			for i := 0; i < 50; i++ {
				_, _ = io.WriteString(oc, "GET /resume.txt?width=40 HTTP/1.1\r\nHost: x\r\nUser-Agent: "+other+"\r\nX-Forwarded-For: 203.0.113.99\r\n\r\n")
				if _, err := readReply(obr); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; i < 50; i++ {
		roundTrip(t, c, br, "GET /resume.json HTTP/1.1\r\nHost: x\r\nUser-Agent: "+other+"\r\nX-Forwarded-For: 203.0.113.99\r\n\r\n")
	}
	wg.Wait()
	msgs, err := st.List(context.Background(), 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("%d messages (%v)", len(msgs), err)
	}
	if m := msgs[0]; m.Meta.ClientVersion != ua || m.Meta.RemoteAddr != "198.51.100.77" || m.Name != "Jane" || m.Body != "kept" {
		t.Errorf("the stored message changed: %+v", m)
	}
	posts := 0
	for _, l := range strings.Split(ts.log.String(), "\n") {
		if strings.Contains(l, `"method":"POST"`) {
			posts++
			if !strings.Contains(l, `"user_agent":"`+ua+`"`) || !strings.Contains(l, `"remote":"198.51.100.77"`) || !strings.Contains(l, `"path":"/message"`) {
				t.Errorf("the post's log line changed: %s", l)
			}
		}
	}
	if posts != 1 {
		t.Errorf("%d log lines of the post", posts)
	}
}

// TestPanicIs500: a handler that panics answers 500 with the headers
// every response carries, is counted and logged with its stack, and the
// server goes on serving.
func TestPanicIs500(t *testing.T) {
	var boom atomic.Bool
	logs := &testutil.Buffer{}
	source := func() *content.Resume {
		if boom.Load() {
			panic("boom")
		}
		return content.Default()
	}
	s, err := New(testConfig(), slog.New(slog.NewJSONHandler(logs, nil)), source, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	boom.Store(true)
	resp, body := get(t, base+"/resume.json")
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(string(body), "boom") {
		t.Errorf("a panic: %d %q", resp.StatusCode, body)
	}
	checkSecurityHeaders(t, "500", resp)
	if !strings.Contains(logs.String(), `"msg":"http handler panic"`) || !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
	boom.Store(false)
	if resp, _ := get(t, base+"/resume.json"); resp.StatusCode != 200 {
		t.Errorf("after a panic: %d", resp.StatusCode)
	}
}

// TestConnectionCapIsExact: at the connection cap, a client that sees
// its connection end and opens the next at once is served: the slot is
// free before the socket closes, and fasthttp's own worker cap never
// refuses what the listener admitted (its 503 lacks every header).
func TestConnectionCapIsExact(t *testing.T) {
	cfg := testConfig()
	cfg.MaxConns, cfg.MaxConnsPerIP = 1, 1
	ts := start(t, cfg)
	addr := strings.TrimPrefix(ts.url, "http://")
	refused := 0
	for i := 0; i < 300; i++ {
		resps, _, _ := exchange(t, addr, "GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false)
		if len(resps) != 1 || resps[0].StatusCode != 200 {
			refused++
			continue
		}
		checkSecurityHeaders(t, "at the cap", resps[0])
	}
	if refused > 0 {
		t.Errorf("%d of 300 connections, one at a time at a cap of one, were refused", refused)
	}
}

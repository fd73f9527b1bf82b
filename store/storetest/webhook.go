package storetest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/store"
)

// FlakyHook is a webhook receiver that answers 500 to the first Fail
// requests and 200 after, recording every payload it took. One request
// may be held (Hold): it is counted when it arrives and answered only
// once released, so that a test can stop the sender while that delivery
// is in flight, instead of racing the sender's retry clock.
type FlakyHook struct {
	*httptest.Server
	mu       sync.Mutex
	fail     int
	calls    int
	accepted []store.WebhookPayload
	hold     int           // the request to hold (counting from 1); 0: none
	arrived  chan struct{} // closed when request hold arrives
	release  chan struct{} // closed by Release
}

// NewFlakyHook starts a receiver on 127.0.0.1 that fails the first fail
// requests; it is closed when t ends.
func NewFlakyHook(t testing.TB, fail int) *FlakyHook {
	h := &FlakyHook{fail: fail, arrived: make(chan struct{}), release: make(chan struct{})}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		h.mu.Lock()
		h.calls++
		n, held := h.calls, h.calls == h.hold
		h.mu.Unlock()
		if held {
			close(h.arrived)
			select {
			case <-h.release:
			case <-r.Context().Done(): // the sender gave up or died
			}
		}
		if n <= h.fail {
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		var p store.WebhookPayload
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &p) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.accepted = append(h.accepted, p)
		h.mu.Unlock()
	}))
	t.Cleanup(func() {
		h.Release()
		h.Close()
	})
	return h
}

// Hold makes request n (counting from 1) wait for its answer until
// Release, and returns a channel closed when it arrives. Call it before
// the first request, once.
func (h *FlakyHook) Hold(n int) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hold = n
	return h.arrived
}

// Release lets the held request be answered.
func (h *FlakyHook) Release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.release:
	default:
		close(h.release)
	}
}

// Calls is how many requests arrived; Accepted the payloads answered 200.
func (h *FlakyHook) Calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

// Accepted returns the payloads answered 200.
func (h *FlakyHook) Accepted() []store.WebhookPayload {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]store.WebhookPayload(nil), h.accepted...)
}

// testWebhook: 500 twice, a restart that cuts the third request short,
// 500 once more, then 200: the message arrives exactly once.
func testWebhook(t *testing.T, e Engine) {
	hook := NewFlakyHook(t, 4)
	// The third request is held until the restart: otherwise a slow test
	// can see its two failures only after the sender has already
	// delivered, and the restart proves nothing.
	third := hook.Hold(3)
	o := e.Fresh(t)
	o.Outbox = true
	st := Open(t, o)
	id, err := st.Submit(context.Background(), Sample("192.0.2.1"))
	if err != nil {
		t.Fatal(err)
	}
	w := &store.Webhook{
		URL: hook.URL, Retry: 20 * time.Millisecond, Poll: 10 * time.Millisecond,
		Log: slog.New(slog.DiscardHandler),
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx, st); close(done) }()
	select {
	case <-third:
	case <-time.After(10 * time.Second):
		t.Fatalf("no third request within 10s; %d calls", hook.Calls())
	}
	cancel()
	<-done
	_ = st.Close()

	st2 := Open(t, o) // the restart
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go w.Run(ctx2, st2)
	testutil.Eventually(t, 10*time.Second, "the delivery", func() bool { return len(hook.Accepted()) >= 1 })
	testutil.Eventually(t, 10*time.Second, "the outbox to empty", func() bool {
		_, ok, err := st2.NextDelivery(context.Background(), time.Now().Add(24*time.Hour), 0)
		return err == nil && !ok
	})
	got := hook.Accepted()
	if len(got) != 1 || got[0].ID != id || got[0].From != "Jane Roe" || got[0].Contact != "jane@example.com" ||
		got[0].Message != Sample("").Body || got[0].Text == "" || got[0].Received.IsZero() {
		t.Fatalf("accepted %+v, want message %s once with every field", got, id)
	}
	if hook.Calls() != 5 {
		t.Errorf("%d calls, want 2 failures, the one cut short, 1 more failure and the success", hook.Calls())
	}
}

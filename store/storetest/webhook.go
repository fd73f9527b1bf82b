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
// requests and 200 after, recording every payload it took.
type FlakyHook struct {
	*httptest.Server
	mu       sync.Mutex
	fail     int
	calls    int
	accepted []store.WebhookPayload
}

// NewFlakyHook starts a receiver on 127.0.0.1 that fails the first fail
// requests; it is closed when t ends.
func NewFlakyHook(t testing.TB, fail int) *FlakyHook {
	h := &FlakyHook{fail: fail}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		h.mu.Lock()
		defer h.mu.Unlock()
		h.calls++
		if h.calls <= h.fail {
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		var p store.WebhookPayload
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &p) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		h.accepted = append(h.accepted, p)
	}))
	t.Cleanup(h.Close)
	return h
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

// testWebhook: 500 twice, a restart, 500 once more, then 200: the
// message arrives exactly once.
func testWebhook(t *testing.T, e Engine) {
	hook := NewFlakyHook(t, 3)
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
	testutil.Eventually(t, 10*time.Second, "two failed deliveries", func() bool { return hook.Calls() >= 2 })
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
	if hook.Calls() < 4 {
		t.Errorf("%d calls, want 3 failures and the success", hook.Calls())
	}
}

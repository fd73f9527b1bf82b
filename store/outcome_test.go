package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/storetest"
)

func TestOutcome(t *testing.T) {
	inv := &store.InvalidError{Field: "name", Reason: "is empty"}
	rl := &store.RateLimitError{Scope: "address", RetryAt: time.Now().Add(time.Hour), RetryAfter: time.Hour}
	for _, tc := range []struct {
		name string
		err  error
		want store.SubmitResult
	}{
		{"nil", nil, store.SubmitResult{Result: store.ResultAccepted}},
		{"invalid", inv, store.SubmitResult{Result: store.ResultInvalid, Invalid: inv}},
		{"wrapped invalid", fmt.Errorf("web: %w", inv), store.SubmitResult{Result: store.ResultInvalid, Invalid: inv}},
		{"rate limited", rl, store.SubmitResult{Result: store.ResultRateLimited, RateLimit: rl}},
		{"wrapped rate limited", fmt.Errorf("submit: %w", rl), store.SubmitResult{Result: store.ResultRateLimited, RateLimit: rl}},
		{"store failed", errors.New("submit: commit: disk full"), store.SubmitResult{Result: store.ResultError}},
		{"timed out", context.DeadlineExceeded, store.SubmitResult{Result: store.ResultError}},
	} {
		if got := store.Outcome(tc.err); got != tc.want {
			t.Errorf("%s: Outcome = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestOutcomeOfSubmit reads what a real store's Submit returns: accepted,
// an empty name, and a second message from one address in an hour that allows one.
func TestOutcomeOfSubmit(t *testing.T) {
	o := storetest.SQLite.Fresh(t)
	o.Limits = store.Limits{PerAddressPerHour: 1}
	st, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	sub := store.Submission{Name: "Jane Roe", Contact: "jane@example.com", Body: "Hello", Meta: store.Meta{Via: "ssh", RemoteAddr: "192.0.2.1"}}
	submit := func(s store.Submission) store.SubmitResult {
		_, err := st.Submit(context.Background(), s)
		return store.Outcome(err)
	}
	if got := submit(sub); got.Result != store.ResultAccepted {
		t.Errorf("a good message: %+v", got)
	}
	bad := sub
	bad.Name = ""
	if got := submit(bad); got.Result != store.ResultInvalid || got.Invalid == nil || got.Invalid.Field != "name" {
		t.Errorf("an empty name: %+v", got)
	}
	if got := submit(sub); got.Result != store.ResultRateLimited || got.RateLimit == nil || got.RateLimit.Scope != "address" {
		t.Errorf("over the address's limit: %+v", got)
	}
}

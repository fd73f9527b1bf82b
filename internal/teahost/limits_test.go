package teahost

import (
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/internal/testutil"
)

// TestLimitBytes: a flood passes its burst and what the rate refills while
// it lasts; the rest is read and dropped, not kept waiting.
func TestLimitBytes(t *testing.T) {
	var dropped atomic.Int64
	in := strings.Repeat("j", 4*inputBurst)
	start := time.Now()
	got, err := io.ReadAll(limitBytes(strings.NewReader(in), &dropped))
	if err != nil {
		t.Fatal(err)
	}
	allowed := inputBurst + int(inputRate*time.Since(start).Seconds()) + 1
	if len(got) < inputBurst || len(got) > allowed {
		t.Errorf("%d bytes passed of %d; burst %d, allowed %d", len(got), len(in), inputBurst, allowed)
	}
	if int(dropped.Load()) != len(in)-len(got) {
		t.Errorf("dropped %d, want %d", dropped.Load(), len(in)-len(got))
	}
}

// TestLimitEvents: events beyond the burst are dropped at once, and a
// moment later the next passes.
func TestLimitEvents(t *testing.T) {
	var passed []tea.Msg
	var dropped atomic.Int64
	send := limitEvents(func(m tea.Msg) { passed = append(passed, m) }, &dropped)
	for range 3 * inputEventBurst {
		send(tea.KeyPressMsg{Code: 'j'})
	}
	if n := len(passed); n < inputEventBurst || n > inputEventBurst+5 {
		t.Errorf("%d of %d events at once passed; burst %d", n, 3*inputEventBurst, inputEventBurst)
	}
	if int(dropped.Load()) != 3*inputEventBurst-len(passed) {
		t.Errorf("dropped %d", dropped.Load())
	}
	before := len(passed)
	testutil.Eventually(t, time.Second, "an event a moment later passes", func() bool {
		send(tea.KeyPressMsg{Code: 'q'})
		return len(passed) > before
	})
}

// TestSizeReportsDropped: window sizes typed into the input never become
// events; other input around them does.
func TestSizeReportsDropped(t *testing.T) {
	var got []string
	in := inputDecoder{send: func(m tea.Msg) {
		if s, ok := m.(interface{ String() string }); ok {
			got = append(got, s.String())
		} else {
			got = append(got, "?")
		}
	}}
	in.feed([]byte("a\x1b[8;1000;1000t\x1b[48;900;900;0;0t\x1b[4;2000;2000t\x1b[6;20;10tb"), true)
	if strings.Join(got, "|") != "a|b" {
		t.Errorf("events %q, want a and b only", got)
	}
}

package teahost

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/time/rate"
)

const (
	// inputWait is how long input that ends in a bare ESC, or in the start
	// of a sequence, waits for the rest before it is taken as it is (a
	// lone ESC is the Esc key). Bubble Tea waits as long.
	inputWait = 50 * time.Millisecond
	// maxPending bounds input held while a sequence is incomplete; more is
	// garbage and is dropped.
	maxPending = 4 << 10
	// maxPaste bounds one bracketed paste; the rest is dropped.
	maxPaste = 64 << 10
	// inputRate bounds the bytes of a visitor's input decoded a second,
	// inputBurst of them at once (a paste of maxPaste fits): a person
	// types a few bytes a second, and a drag of the mouse sends some
	// hundreds.
	inputRate  = 8 << 10
	inputBurst = maxPaste
	// inputEventRate bounds the events a visitor's input reaches the
	// program with, inputEventBurst of them at once: each costs an Update
	// and a frame drawn. A held key repeats about 30 times a second, a
	// fast trackpad scroll sends some 60 wheel events.
	inputEventRate  = 60
	inputEventBurst = 120
)

// readInput decodes a TUI visitor's input (keys, mouse, pastes and the
// terminal's replies) and sends each event to the program until r ends or
// ctx is done. It stands in for Bubble Tea's input reader, which builds a
// key table of about 100 KB for every program: 70% of a held session's
// heap. The decoder alone knows the sequences terminals send.
func readInput(ctx context.Context, r io.Reader, send func(tea.Msg)) {
	readInputWaiting(ctx, r, send, inputWait)
}

// readInputWaiting is readInput with input that may continue waiting
// patience for the rest (inputWait in production).
func readInputWaiting(ctx context.Context, r io.Reader, send func(tea.Msg), patience time.Duration) {
	chunks := make(chan []byte)
	go func() {
		defer close(chunks)
		for {
			b := make([]byte, 512)
			n, err := r.Read(b)
			if n > 0 {
				select {
				case chunks <- b[:n]:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	in := inputDecoder{send: send}
	var pending []byte
	var wait <-chan time.Time
	for {
		expired := false
		select {
		case <-ctx.Done():
			return
		case c, ok := <-chunks:
			if !ok {
				return
			}
			pending = append(pending, c...)
			if len(pending) > maxPending {
				pending = pending[len(pending)-maxPending:]
			}
		case <-wait:
			expired = true
		}
		pending = in.feed(pending, expired)
		wait = nil
		if len(pending) > 0 {
			wait = time.After(patience)
		} else {
			pending = nil
		}
	}
}

// inputDecoder turns bytes into events, gathering bracketed pastes.
type inputDecoder struct {
	dec     uv.EventDecoder
	send    func(tea.Msg)
	pasting bool
	paste   []byte
}

// feed decodes b and returns what is left of it: the start of a sequence
// that may continue in the next read, unless expired.
func (in *inputDecoder) feed(b []byte, expired bool) []byte {
	for len(b) > 0 {
		n, ev := in.dec.Decode(b)
		if n <= 0 {
			return nil
		}
		_, unknown := ev.(uv.UnknownEvent)
		if !expired && n == len(b) && (unknown || b[0] == ansi.ESC && n <= 2) {
			return b // maybe incomplete: wait for more
		}
		in.handle(ev, b[:n])
		b = b[n:]
	}
	return b
}

func (in *inputDecoder) handle(ev uv.Event, raw []byte) {
	switch e := ev.(type) {
	case uv.MultiEvent:
		for _, ev := range e {
			in.handle(ev, nil)
		}
	case uv.PasteStartEvent:
		in.pasting, in.paste = true, nil
	case uv.PasteEndEvent:
		if in.pasting {
			in.send(uv.PasteEvent{Content: string(in.paste)})
		}
		in.pasting, in.paste = false, nil
	case uv.UnknownEvent:
		// Garbage or a reply nothing asked for.
	case uv.WindowSizeEvent, uv.PixelSizeEvent, uv.CellSizeEvent:
		// A size report typed into the input (CSI 8;h;w t, CSI 48;...t):
		// Bubble Tea would take it up to 4096x4096 cells. The window's size
		// comes from the session's window-change requests alone, clamped.
	case uv.KeyPressEvent:
		if !in.pasting {
			in.send(e)
			return
		}
		text := []byte(e.Text)
		if len(text) == 0 {
			text = raw // Enter, Tab: the pasted bytes themselves
		}
		if len(in.paste)+len(text) <= maxPaste {
			in.paste = append(in.paste, text...)
		}
	default:
		if !in.pasting {
			in.send(ev)
		}
	}
}

// limitEvents passes events on to send at no more than inputEventRate a
// second, inputEventBurst at once, and counts the rest in dropped. Dropped
// as they are decoded, a flood never queues for the program: the next key
// after it is answered at once.
func limitEvents(send func(tea.Msg), dropped *atomic.Int64) func(tea.Msg) {
	budget := rate.NewLimiter(inputEventRate, inputEventBurst)
	return func(m tea.Msg) {
		if !budget.Allow() {
			dropped.Add(1)
			return
		}
		send(m)
	}
}

// limitBytes reads r and passes on no more than inputRate bytes a second,
// inputBurst at once, counting the rest in dropped. Input over the budget
// is read and dropped rather than left waiting: a flood costs the server
// no decoding, and builds no backlog the visitor would wait behind.
func limitBytes(r io.Reader, dropped *atomic.Int64) io.Reader {
	return &byteBudget{r: r, budget: rate.NewLimiter(inputRate, inputBurst), dropped: dropped}
}

type byteBudget struct {
	r       io.Reader
	budget  *rate.Limiter
	dropped *atomic.Int64
}

func (b *byteBudget) Read(p []byte) (int, error) {
	for {
		n, err := b.r.Read(p)
		now := time.Now()
		keep := min(n, int(b.budget.TokensAt(now)))
		b.budget.AllowN(now, keep)
		if keep < n {
			b.dropped.Add(int64(n - keep))
		}
		if keep > 0 || err != nil {
			return keep, err
		}
	}
}

package teahost

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// chunkReader returns its chunks one Read at a time, as packets arrive.
type chunkReader struct {
	mu     sync.Mutex
	chunks []string
	more   chan struct{}
}

func (c *chunkReader) Read(b []byte) (int, error) {
	for {
		c.mu.Lock()
		if len(c.chunks) > 0 {
			n := copy(b, c.chunks[0])
			c.chunks[0] = c.chunks[0][n:]
			if c.chunks[0] == "" {
				c.chunks = c.chunks[1:]
			}
			c.mu.Unlock()
			return n, nil
		}
		c.mu.Unlock()
		if _, ok := <-c.more; !ok {
			return 0, io.EOF
		}
	}
}

func TestReadInput(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   []string // events as tea messages print
	}{
		{"keys", []string{"ab\t"}, []string{"a", "b", "tab"}},
		{"a sequence split across reads", []string{"\x1b[", "A", "\x1bO", "B"}, []string{"up", "down"}},
		{"a lone escape is the Esc key", []string{"\x1b"}, []string{"esc"}},
		{"alt and a key", []string{"\x1bx"}, []string{"alt+x"}},
		{"mouse", []string{"\x1b[<0;10;5M"}, []string{"left"}},
		{"the terminal's background reply, split", []string{"\x1b]11;rgb:ffff/", "ffff/ffff\x1b\\"}, []string{"#ffffff"}},
		{"paste", []string{"\x1b[200~he", "llo\r\x1b[201~q"}, []string{"paste:hello\r", "q"}},
		{"an unknown sequence does not swallow the next key", []string{"\x1b[999;999;999;999Zq"}, []string{"?", "q"}},
		{"a split UTF-8 character", []string{"\xc3", "\xa9"}, []string{"é"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &chunkReader{more: make(chan struct{})}
			var mu sync.Mutex
			var got []string
			send := func(m tea.Msg) {
				mu.Lock()
				defer mu.Unlock()
				switch m := m.(type) {
				case uv.PasteEvent:
					got = append(got, "paste:"+m.Content)
				case uv.KeyPressEvent:
					got = append(got, m.String())
				case uv.MouseClickEvent:
					got = append(got, m.Button.String())
				case uv.BackgroundColorEvent:
					got = append(got, m.String())
				default:
					got = append(got, "?")
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan struct{})
			// A second of patience: the chunks of a split sequence
			// arrive as fast as a loaded machine schedules the test,
			// and the cases that wait for nothing more still end.
			go func() { readInputWaiting(ctx, r, send, time.Second); close(done) }()
			for _, c := range tt.chunks {
				r.mu.Lock()
				r.chunks = append(r.chunks, c)
				r.mu.Unlock()
				r.more <- struct{}{}
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				mu.Lock()
				n := len(got)
				mu.Unlock()
				if n >= len(tt.want) || time.Now().After(deadline) {
					break
				}
				time.Sleep(time.Millisecond)
			}
			close(r.more)
			<-done
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("events %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadInputBoundsPaste(t *testing.T) {
	var got []string
	in := inputDecoder{send: func(m tea.Msg) {
		if p, ok := m.(uv.PasteEvent); ok {
			got = append(got, p.Content)
		}
	}}
	in.feed([]byte("\x1b[200~"+strings.Repeat("x", 2*maxPaste)+"\x1b[201~"), false)
	if len(got) != 1 || len(got[0]) != maxPaste {
		t.Fatalf("paste of %d bytes not cut to %d: got %d events", 2*maxPaste, maxPaste, len(got))
	}
}

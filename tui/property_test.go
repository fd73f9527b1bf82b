package tui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/laphets/resume/content"
)

// wideResume has wide characters (counted as two cells), combining marks,
// emoji, long unbroken words, a ranking and links in every part the TUI
// draws, to test that no row ever outgrows the window.
func wideResume() *content.Resume {
	long := strings.Repeat("Überlänge", 12)
	return &content.Resume{
		Basics: content.Basics{
			Name: "李小龍 Bruce Lee 🥋", Label: "武術家 · Martial artist and philosopher of extraordinary length",
			Email: "bruce@例え.jp", Phone: "+81 90 1234 5678", URL: "https://例え.jp/" + long,
			Summary:  "水のようになれ、友よ。Be water, my friend.\n\nEmpty your mind; be formless, shapeless — like water. " + long,
			Location: &content.Location{City: "香港", CountryCode: "HK"},
			Profiles: []content.Profile{{Network: "ГитХаб", Username: "ブルース", URL: "https://github.com/bruce"}},
		},
		Work: []content.Work{{
			Name: "截拳道 Jeet Kune Do 학교", Position: "創始者 Founder", Location: "ロサンゼルス", StartDate: "1967-02",
			URL: "https://jkd.example/" + long, Keywords: []string{"功夫", "哲学", long},
			Highlights: []string{"Taught 生徒 " + long, "e\u0301e\u0301 combining marks, 👩‍👩‍👧 family emoji, ＦＵＬＬＷＩＤＴＨ"},
		}},
		Skills: []content.Skill{{Name: "言語 Languages", Keywords: []string{"日本語", "中文", "English"}, Ranking: "中文 > English = 日本語 > " + long}},
		Awards: []content.Award{{Title: "🏆 " + long, Awarder: "世界", Summary: "一"}},
	}
}

// event decodes one visitor action from b, returning it and the bytes
// used. Every byte string decodes to something, so fuzzing explores freely.
func event(b []byte) (tea.Msg, int) {
	if len(b) == 0 {
		return nil, 0
	}
	arg := func(i int) int {
		if i < len(b) {
			return int(b[i])
		}
		return 0
	}
	switch b[0] % 10 {
	case 0, 1, 2:
		names := []string{
			"tab", "shift+tab", "left", "right", "h", "l", "up", "down", "j", "k",
			"pgup", "pgdown", "space", "ctrl+u", "ctrl+d", "g", "G", "home", "end", "/", "n", "N",
			"enter", "esc", "?", "c", "L", "m", "t", "1", "3", "7", "9", "backspace", "ctrl+v", "q",
		}
		n := names[arg(1)%len(names)]
		return mustPress(n), 2
	case 3:
		runes := []rune("aeoglnZ+ 中é😀-")
		r := runes[arg(1)%len(runes)]
		return tea.KeyPressMsg{Code: r, Text: string(r)}, 2
	case 4:
		sizes := []int{0, 1, 2, 10, 11, 12, 39, 40, 41, 79, 80, 95, 96, 99, 100, 101, 120, 200, 1000}
		return tea.WindowSizeMsg{Width: sizes[arg(1)%len(sizes)], Height: sizes[arg(2)%len(sizes)]}, 3
	case 5:
		btn := tea.MouseWheelDown
		if arg(1)%2 == 1 {
			btn = tea.MouseWheelUp
		}
		return tea.MouseWheelMsg{Button: btn, X: arg(2), Y: arg(3)}, 4
	case 6:
		return tea.MouseClickMsg{Button: tea.MouseButton(arg(1) % 4), X: arg(2), Y: arg(3)}, 4
	case 7:
		return tea.PasteMsg{Content: strings.Repeat("ab中\t\x1b[31m", arg(1)%40)}, 2
	case 8:
		return bgMsg(arg(1)%2 == 0), 2
	default:
		return tea.ColorProfileMsg{Profile: colorprofile.Profile(arg(1) % 6)}, 2
	}
}

var pressCache = map[string]tea.KeyPressMsg{}

func mustPress(name string) tea.KeyPressMsg {
	if k, ok := pressCache[name]; ok {
		return k
	}
	k := press(panicTB{}, name)
	pressCache[name] = k
	return k
}

// panicTB lets press run outside a test; its checks are exercised by the
// key map tests.
type panicTB struct{ testing.TB }

func (panicTB) Helper()                   {}
func (panicTB) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }

// runEvents drives a model through the events in data, checking after each
// that it fits the window and asked for nothing but quitting or the
// visitor's clipboard.
func runEvents(t *testing.T, r *content.Resume, w, h int, data []byte) {
	t.Helper()
	m := New(r, Options{Width: w, Height: h, Profile: colorprofile.TrueColor})
	checkFits(t, m, w, h, "start")
	for i := 0; len(data) > 0; i++ {
		msg, n := event(data)
		data = data[min(n, len(data)):]
		if ws, ok := msg.(tea.WindowSizeMsg); ok {
			w, h = ws.Width, ws.Height
		}
		_, cmd := m.Update(msg)
		if cmd != nil && !isQuit(cmd) {
			if _, ok := clipboardText(cmd); !ok {
				t.Fatalf("event %d (%#v) returned a command producing %T", i, msg, cmdMsg(cmd))
			}
		}
		checkFits(t, m, w, h, fmt.Sprintf("after event %d (%#v)", i, msg))
	}
}

// TestRandomVisitors throws random keys, mouse events and resizes at the
// model (the sizes include 0x0, 1x1 and 1000x1000): it must never panic,
// draw a row wider than the window, or start anything in the background.
func TestRandomVisitors(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	resumes := []*content.Resume{content.Default(), wideResume(), {}}
	runs := 120
	if testing.Short() {
		runs = 20
	}
	for run := range runs {
		data := make([]byte, 120)
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		r := resumes[run%len(resumes)]
		t.Run(fmt.Sprint(run), func(t *testing.T) { runEvents(t, r, 80, 24, data) })
	}
}

func TestExtremeSizes(t *testing.T) {
	for _, r := range []*content.Resume{content.Default(), wideResume()} {
		for _, sz := range [][2]int{{0, 0}, {1, 1}, {0, 24}, {80, 0}, {40, 12}, {41, 13}, {1000, 1000}, {1000, 12}, {40, 1000}} {
			m := New(r, Options{Width: sz[0], Height: sz[1]})
			for _, k := range []string{"", "tab", "tab", "tab", "G", "/", "a", "enter", "?", "L"} {
				if k != "" {
					keys(t, m, k)
				}
				checkFits(t, m, sz[0], sz[1], fmt.Sprintf("%dx%d after %q", sz[0], sz[1], k))
			}
		}
	}
}

// FuzzModel decodes the fuzzer's bytes into a visitor's session (see
// event). The seed corpus is in testdata/fuzz/FuzzModel; run it longer with
//
//	go test ./tui -run '^$' -fuzz FuzzModel -fuzztime 1m
func FuzzModel(f *testing.F) {
	f.Add(uint16(80), uint16(24), false, []byte{0, 0, 0, 19, 3, 6, 4, 0, 0, 1, 1})
	f.Add(uint16(40), uint16(12), true, []byte{4, 18, 18, 0, 9, 0, 21, 3, 2, 0, 22, 5, 1, 0, 0})
	f.Add(uint16(1), uint16(1), false, []byte{6, 0, 3, 5, 4, 15, 11, 6, 0, 40, 7})
	f.Fuzz(func(t *testing.T, w, h uint16, wide bool, data []byte) {
		if len(data) > 400 {
			data = data[:400]
		}
		r := content.Default()
		if wide {
			r = wideResume()
		}
		runEvents(t, r, fuzzSize(w), fuzzSize(h), data)
	})
}

// fuzzSize maps the fuzzer's number to a window size: mostly up to 255
// (where layouts change), sometimes 1000.
func fuzzSize(v uint16) int {
	if v >= 0xff00 {
		return 1000
	}
	return int(v % 256)
}

func TestEventDecoderIsTotal(t *testing.T) {
	// Every byte string decodes without panicking and makes progress.
	for i := range 256 {
		for _, b := range [][]byte{{byte(i)}, {byte(i), 255, 255, 255}} {
			if _, n := event(b); n < 1 {
				t.Fatalf("event(%v) used %d bytes", b, n)
			}
		}
	}
}

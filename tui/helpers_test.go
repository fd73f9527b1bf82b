package tui

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
)

var namedKeys = map[string]rune{
	"tab": tea.KeyTab, "left": tea.KeyLeft, "right": tea.KeyRight, "up": tea.KeyUp,
	"down": tea.KeyDown, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome,
	"end": tea.KeyEnd, "esc": tea.KeyEscape, "enter": tea.KeyEnter, "space": tea.KeySpace,
	"backspace": tea.KeyBackspace,
}

// press builds the key press a terminal sends for name, as Bubble Tea
// spells it ("tab", "shift+tab", "ctrl+d", "G", "é").
func press(tb testing.TB, name string) tea.KeyPressMsg {
	tb.Helper()
	var k tea.KeyPressMsg
	rest := name
	for {
		switch {
		case strings.HasPrefix(rest, "ctrl+") && len(rest) > 5:
			k.Mod |= tea.ModCtrl
			rest = rest[5:]
			continue
		case strings.HasPrefix(rest, "shift+") && len(rest) > 6:
			k.Mod |= tea.ModShift
			rest = rest[6:]
			continue
		}
		break
	}
	if code, ok := namedKeys[rest]; ok {
		k.Code = code
		if code == tea.KeySpace {
			k.Text = " "
		}
	} else {
		r, size := utf8.DecodeRuneInString(rest)
		if size != len(rest) {
			tb.Fatalf("press(%q): unknown key", name)
		}
		k.Code = r
		if k.Mod == 0 {
			k.Text = rest
		}
	}
	if got := k.String(); got != name {
		tb.Fatalf("press(%q) builds a key that reads %q", name, got)
	}
	return k
}

// send delivers msgs to m in order and returns the last command.
func send(m *Model, msgs ...tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	for _, msg := range msgs {
		_, cmd = m.Update(msg)
	}
	return cmd
}

// keys presses each named key in turn.
func keys(tb testing.TB, m *Model, names ...string) tea.Cmd {
	tb.Helper()
	var cmd tea.Cmd
	for _, n := range names {
		cmd = send(m, press(tb, n))
	}
	return cmd
}

// cmdMsg runs cmd and returns its message, or nil for no command.
func cmdMsg(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	return cmd()
}

func isQuit(cmd tea.Cmd) bool {
	_, ok := cmdMsg(cmd).(tea.QuitMsg)
	return ok
}

// clipboardText returns what cmd puts on the visitor's clipboard (OSC 52),
// and whether it does. Bubble Tea's message type is unexported; it is a
// string type named setClipboardMsg.
func clipboardText(cmd tea.Cmd) (string, bool) {
	msg := cmdMsg(cmd)
	if msg == nil {
		return "", false
	}
	v := reflect.ValueOf(msg)
	if v.Type().Name() != "setClipboardMsg" || v.Kind() != reflect.String {
		return "", false
	}
	return v.String(), true
}

func newModel(tb testing.TB, section string, w, h int) *Model {
	tb.Helper()
	return New(content.Default(), Options{Section: section, Width: w, Height: h, Profile: colorprofile.TrueColor})
}

// plainView is the screen as text, without escape sequences.
func plainView(m *Model) string { return ansi.Strip(m.View().Content) }

// checkFits fails unless every row of the view fits a w×h window, counting
// wide characters as two cells by both width methods terminals use.
func checkFits(tb testing.TB, m *Model, w, h int, context string) {
	tb.Helper()
	view := m.View().Content
	if view == "" {
		return
	}
	rows := strings.Split(view, "\n")
	if len(rows) > max(h, 0) {
		tb.Fatalf("%s: %d rows in a %dx%d window", context, len(rows), w, h)
	}
	for i, r := range rows {
		if len(r) <= w {
			continue // a UTF-8 string never takes more cells than bytes
		}
		if gw, wc := ansi.StringWidth(r), ansi.StringWidthWc(r); gw > w || wc > w {
			tb.Fatalf("%s: row %d is %d (wcwidth %d) cells wide in a %dx%d window:\n%q", context, i, gw, wc, w, h, r)
		}
	}
}

// cutCells returns the cells [start, end) of a plain line.
func cutCells(s string, start, end int) string { return ansi.Cut(s, start, end) }

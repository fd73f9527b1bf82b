package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every key the interactive résumé answers to, with the help
// text the footer and the help screen show. There is one keymap: the
// footer, the help screen and Update all read it, and the help's key
// labels are made from the bindings' keys (keyLabel), so the help cannot
// drift from what the keys do (TestHelpCoversEveryBinding).
type KeyMap struct {
	Next, Prev, Jump                     key.Binding
	Up, Down, PageUp, PageDown           key.Binding
	HalfUp, HalfDown, Top, Bottom        key.Binding
	Search, NextMatch, PrevMatch, Accept key.Binding
	// MatchDown and MatchUp step through matches while a search is typed,
	// when letters are text.
	MatchDown, MatchUp               key.Binding
	Copy, Links, Mouse, Theme, Write key.Binding
	// Interrupt quits from anywhere, a search being typed or a form too;
	// Quit where letters are not text.
	Help, Close, Quit, Interrupt key.Binding
}

// DefaultKeyMap returns the key map. It is built once and shared: key
// bindings are read-only after construction.
func DefaultKeyMap() *KeyMap { return defaultKeys }

// binding is a key binding whose help label is made from its keys.
func binding(desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keyLabel(keys), desc))
}

var defaultKeys = &KeyMap{
	Next:      binding("next section", "tab", "right", "l"),
	Prev:      binding("previous section", "shift+tab", "left", "h"),
	Jump:      binding("go to section", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
	Up:        binding("scroll up", "up", "k"),
	Down:      binding("scroll down", "down", "j"),
	PageUp:    binding("page up", "pgup", "b"),
	PageDown:  binding("page down", "pgdown", "space", "f"),
	HalfUp:    binding("half page up", "ctrl+u"),
	HalfDown:  binding("half page down", "ctrl+d"),
	Top:       binding("top", "g", "home"),
	Bottom:    binding("bottom", "G", "end"),
	Search:    binding("search", "/"),
	NextMatch: binding("next match", "n"),
	PrevMatch: binding("previous match", "N"),
	Accept:    binding("done", "enter"),
	MatchDown: binding("next match, while typing", "down", "ctrl+n"),
	MatchUp:   binding("previous match, while typing", "up", "ctrl+p"),
	Copy:      binding("copy e-mail", "c"),
	Links:     binding("links…", "L"),
	Mouse:     binding("mouse on, off", "m"),
	Theme:     binding("light, dark", "t"),
	Write:     binding("write a message", "w"),
	Help:      binding("keys", "?"),
	Close:     binding("close, clear", "esc"),
	Quit:      binding("quit", "q"),
	Interrupt: binding("quit, from anywhere", "ctrl+c"),
}

// keyNames are how the help writes a key.
var keyNames = map[string]string{
	"tab": "tab", "shift+tab": "⇧tab", "right": "→", "left": "←", "up": "↑", "down": "↓",
	"pgup": "pgup", "pgdown": "pgdn", "space": "space", "enter": "enter", "esc": "esc",
	"home": "home", "end": "end", "delete": "del",
}

// keyName is how the help writes one key.
func keyName(k string) string {
	if n, ok := keyNames[k]; ok {
		return n
	}
	return k
}

// keyLabel is the help label of a binding's keys: each key's name, a run
// of digits as a range ("1–9").
func keyLabel(keys []string) string {
	var parts []string
	for i := 0; i < len(keys); i++ {
		j := i
		for j+1 < len(keys) && len(keys[j]) == 1 && len(keys[j+1]) == 1 &&
			keys[j][0] >= '0' && keys[j][0] <= '9' && keys[j+1][0] == keys[j][0]+1 {
			j++
		}
		if j > i+1 {
			parts = append(parts, keys[i]+"–"+keys[j])
			i = j
			continue
		}
		parts = append(parts, keyName(keys[i]))
	}
	return strings.Join(parts, " ")
}

// shortLabel is a footer label for bindings: one key of each, its arrow
// if it has one, arrows run together ("←→"), others apart ("n/N").
func shortLabel(bs ...key.Binding) string {
	names := make([]string, 0, len(bs))
	arrows := true
	for _, b := range bs {
		n := keyName(b.Keys()[0])
		for _, k := range b.Keys() {
			if isArrow(keyName(k)) {
				n = keyName(k)
				break
			}
		}
		names = append(names, n)
		arrows = arrows && isArrow(n)
	}
	if arrows {
		return strings.Join(names, "")
	}
	return strings.Join(names, "/")
}

func isArrow(name string) bool {
	return name == "←" || name == "→" || name == "↑" || name == "↓"
}

// short is a footer entry for bs, which share desc.
func short(desc string, bs ...key.Binding) key.Binding {
	var keys []string
	for _, b := range bs {
		keys = append(keys, b.Keys()...)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(shortLabel(bs...), desc))
}

// ShortHelp is the footer's bindings where nothing is open.
func (k *KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit, short("sections", k.Prev, k.Next), k.Search, k.Copy}
}

// FullHelp groups the bindings into the help screen's columns.
func (k *KeyMap) FullHelp() [][]key.Binding { return k.fullHelp(9, true) }

// fullHelp is FullHelp for a résumé of n sections: the section keys say
// 1–n, and w (Write) is there only with a Contact section.
func (k *KeyMap) fullHelp(n int, contact bool) [][]key.Binding {
	jump := k.Jump
	if keys := jump.Keys(); n >= 1 && n < len(keys) {
		jump = binding(jump.Help().Desc, keys[:n]...)
	}
	// The scrolling and search columns are those components' own.
	p, sr := pager{keys: k}, searchState{keys: k}
	other := []key.Binding{k.Write, k.Theme, k.Help, k.Quit, k.Interrupt}
	if !contact {
		other = other[1:]
	}
	return [][]key.Binding{
		{k.Next, k.Prev, jump},
		p.FullHelp()[0],
		sr.FullHelp()[0],
		{k.Copy, k.Links, k.Mouse},
		other,
	}
}

// helpGroupTitles name FullHelp's columns on the help screen.
var helpGroupTitles = [...]string{"Sections", "Scrolling", "Search", "Copy and mouse", "Other"}

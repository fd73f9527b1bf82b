package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the interactive résumé answers to, with the help
// text the footer and the help screen show. There is one keymap: the
// footer, the help screen and Update all read it.
type KeyMap struct {
	Next, Prev, Jump                     key.Binding
	Up, Down, PageUp, PageDown           key.Binding
	HalfUp, HalfDown, Top, Bottom        key.Binding
	Search, NextMatch, PrevMatch, Accept key.Binding
	Copy, Links, Mouse, Theme, Write     key.Binding
	Help, Close, Quit                    key.Binding
}

// DefaultKeyMap returns the key map. It is built once and shared: key
// bindings are read-only after construction.
func DefaultKeyMap() *KeyMap { return defaultKeys }

var defaultKeys = &KeyMap{
	Next:      key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab →", "next section")),
	Prev:      key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("⇧tab ←", "previous section")),
	Jump:      key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1–9", "go to section")),
	Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
	Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
	PageUp:    key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
	PageDown:  key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("pgdn/space", "page down")),
	HalfUp:    key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half page up")),
	HalfDown:  key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half page down")),
	Top:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
	Bottom:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
	Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
	NextMatch: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
	PrevMatch: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
	Accept:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
	Copy:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy e-mail")),
	Links:     key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "links…")),
	Mouse:     key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mouse on, off")),
	Theme:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "light, dark")),
	Write:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write a message")),
	Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "keys")),
	Close:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close, clear")),
	Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
}

// FullHelp groups the bindings into the help screen's columns. Bindings
// that come in pairs (up and down, next and previous) share a line.
func (k *KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Prev, k.Jump},
		{
			helpPair(k.Up, k.Down, "↑↓ j k", "scroll"),
			helpPair(k.PageUp, k.PageDown, "pgup pgdn", "page"),
			helpPair(k.HalfUp, k.HalfDown, "ctrl+u/d", "half page"),
			helpPair(k.Top, k.Bottom, "g G", "top, bottom"),
		},
		{k.Search, helpPair(k.NextMatch, k.PrevMatch, "n N", "next, previous"), k.Close},
		{k.Copy, k.Links, k.Mouse},
		{k.Write, k.Theme, k.Help, k.Quit},
	}
}

// helpGroupTitles name FullHelp's columns on the help screen.
var helpGroupTitles = [...]string{"Sections", "Scrolling", "Search", "Copy and mouse", "Other"}

// helpPair is one help line for two bindings.
func helpPair(a, b key.Binding, keys, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(keys, desc))
}

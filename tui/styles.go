package tui

import (
	"image/color"
	"strconv"
	"strings"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Theme is the set of inputs the look depends on: how many colours the
// visitor's terminal shows and whether its background is dark.
type Theme struct {
	Profile colorprofile.Profile
	Dark    bool
}

// themeKey is a Theme reduced to what changes the styles, so sessions whose
// terminals differ only in ways the styles ignore share one rendering:
// true colour and 256 colours use the same palette (Bubble Tea converts it
// for 256-colour terminals), and without colour the background is moot.
type themeKey uint8

const (
	themeFullDark themeKey = iota
	themeFullLight
	themeANSIDark
	themeANSILight
	themeMono
	themeCount
)

func (t Theme) key() themeKey {
	switch {
	case t.Profile == colorprofile.ANSI && t.Dark:
		return themeANSIDark
	case t.Profile == colorprofile.ANSI:
		return themeANSILight
	case t.Profile == colorprofile.ASCII || t.Profile == colorprofile.NoTTY:
		return themeMono
	case t.Dark:
		return themeFullDark
	}
	// Unknown is treated as true colour: the renderer converts colours to
	// whatever the terminal turns out to support.
	return themeFullLight
}

// themeProfile and themeDark give back a Theme with the given key.
func themeProfile(k themeKey) colorprofile.Profile {
	switch k {
	case themeANSIDark, themeANSILight:
		return colorprofile.ANSI
	case themeMono:
		return colorprofile.ASCII
	default:
		return colorprofile.TrueColor
	}
}

func themeDark(k themeKey) bool { return k == themeFullDark || k == themeANSIDark || k == themeMono }

// LightFromEnv reads the background from COLORFGBG, which some terminals
// set (rxvt, Konsole, iTerm2) and OpenSSH passes with SendEnv: "15;0" or
// "0;default;15" name the foreground and background among the 16 ANSI
// colours. It reports whether the background is light, and whether the
// variable said (a background of "default" says nothing).
func LightFromEnv(env []string) (light, ok bool) {
	var v string
	for _, kv := range env {
		if rest, found := strings.CutPrefix(kv, "COLORFGBG="); found {
			v = rest // the last one wins, as in a shell
		}
	}
	if v == "" {
		return false, false
	}
	parts := strings.Split(v, ";")
	bg, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil || bg < 0 || bg > 15 {
		return false, false
	}
	// 7 (white) and the bright colours but bright black (8) are light.
	return bg == 7 || bg >= 9, true
}

// palette holds a theme's colours; nil means the terminal's default.
type palette struct {
	accent, accent2, tag, muted, faint, rule color.Color
	line                                     color.Color // the timeline: quieter than text, plainer than a rule
	matchFg, matchBg, curFg, curBg           color.Color
	nameFg                                   color.Color
}

var palettes = [themeCount]palette{
	themeFullDark: {
		accent: lipgloss.Color("#89B4FA"), accent2: lipgloss.Color("#CBA6F7"),
		tag: lipgloss.Color("#94E2D5"), muted: lipgloss.Color("#A6ADC8"),
		faint: lipgloss.Color("#7F849C"), rule: lipgloss.Color("#45475A"), line: lipgloss.Color("#6C7086"),
		matchFg: lipgloss.Color("#1E1E2E"), matchBg: lipgloss.Color("#F9E2AF"),
		curFg: lipgloss.Color("#1E1E2E"), curBg: lipgloss.Color("#FAB387"),
		nameFg: lipgloss.Color("#1E1E2E"),
	},
	themeFullLight: {
		accent: lipgloss.Color("#1E66F5"), accent2: lipgloss.Color("#8839EF"),
		tag: lipgloss.Color("#0F7B74"), muted: lipgloss.Color("#5C5F77"),
		faint: lipgloss.Color("#7C7F93"), rule: lipgloss.Color("#BCC0CC"), line: lipgloss.Color("#9CA0B0"),
		matchFg: lipgloss.Color("#4C4F69"), matchBg: lipgloss.Color("#FBE3A1"),
		curFg: lipgloss.Color("#FFFFFF"), curBg: lipgloss.Color("#D7620B"),
		nameFg: lipgloss.Color("#FFFFFF"),
	},
	// In 16 colours, text is never bright black: some palettes (Solarized)
	// make it the background colour. Only rules use it.
	themeANSIDark: {
		accent: lipgloss.BrightBlue, accent2: lipgloss.BrightMagenta,
		tag: lipgloss.Cyan, muted: nil, faint: nil, rule: lipgloss.BrightBlack, line: lipgloss.BrightBlack,
		matchFg: lipgloss.Black, matchBg: lipgloss.Yellow,
		curFg: lipgloss.Black, curBg: lipgloss.BrightYellow,
		nameFg: lipgloss.Black,
	},
	themeANSILight: {
		accent: lipgloss.Blue, accent2: lipgloss.Magenta,
		tag: lipgloss.Cyan, muted: nil, faint: nil, rule: lipgloss.BrightBlack, line: lipgloss.BrightBlack,
		matchFg: lipgloss.Black, matchBg: lipgloss.Yellow,
		curFg: lipgloss.White, curBg: lipgloss.Red,
		nameFg: lipgloss.BrightWhite,
	},
	themeMono: {},
}

// Styles is every style the interactive résumé uses. One value exists per
// theme and is shared, read-only, by all sessions with that theme.
type Styles struct {
	mono bool // no colour: meaning must be carried by marks and attributes

	// Header.
	Name, Label, Contact, ContactSep lipgloss.Style

	// Plain is the terminal's own colours: body text.
	Plain lipgloss.Style

	// Navigation: tabs in narrow windows, a sidebar in wide ones.
	Tab, TabActive, TabRule, TabRuleActive, TabMore lipgloss.Style
	Side, SideActive, SideNum, SideMark, SideCount  lipgloss.Style
	Rule                                            lipgloss.Style

	// The pane.
	ScrollTrack, ScrollThumb lipgloss.Style

	// Section content.
	Title, When, Subtitle, Where, Tag, TagSep, Bullet, Link, Muted lipgloss.Style
	Dot, Line, Heading, Key, MeterOn, MeterOff, Ranking            lipgloss.Style

	// Search matches.
	Match, MatchCurrent lipgloss.Style

	// Footer and overlays.
	Status, Flash, Prompt, Selected, OverlayTitle lipgloss.Style
	Help                                          help.Model
}

func fg(s lipgloss.Style, c color.Color) lipgloss.Style {
	if c == nil {
		return s
	}
	return s.Foreground(c)
}

// NewStyles builds the styles for a theme. Without colour, every
// distinction the colours draw is also drawn by a mark (the nav marker and
// rule, bullets, brackets) or an attribute (bold, italic, underline,
// reverse), so nothing depends on colour alone.
func NewStyles(t Theme) *Styles {
	k := t.key()
	p := palettes[k]
	n := lipgloss.NewStyle()
	s := &Styles{mono: k == themeMono, Plain: n}

	s.Name = n.Bold(true).Padding(0, 1)
	if p.accent != nil {
		s.Name = s.Name.Foreground(p.nameFg).Background(p.accent)
	} else {
		s.Name = s.Name.Reverse(true)
	}
	s.Label = fg(n.Italic(true), p.accent2)
	s.Contact = fg(n, p.muted)
	s.ContactSep = fg(n, p.faint)

	s.Tab = fg(n, p.muted)
	s.TabActive = fg(n.Bold(true), p.accent)
	s.TabRule = fg(n, p.rule)
	s.TabRuleActive = fg(n, p.accent)
	s.TabMore = fg(n, p.faint)
	s.Side = fg(n, p.muted)
	s.SideActive = fg(n.Bold(true), p.accent)
	s.SideNum = fg(n, p.faint)
	s.SideMark = fg(n, p.accent)
	s.SideCount = fg(n, p.tag)
	s.Rule = fg(n, p.rule)

	s.ScrollTrack = fg(n, p.rule)
	s.ScrollThumb = fg(n, p.accent)

	s.Title = fg(n.Bold(true), p.accent)
	s.When = fg(n, p.muted)
	s.Subtitle = fg(n.Italic(true), p.accent2)
	s.Where = fg(n, p.muted)
	s.Tag = fg(n, p.tag)
	s.TagSep = fg(n, p.faint)
	s.Bullet = fg(n, p.faint)
	s.Link = fg(n.Underline(true), p.accent)
	s.Muted = fg(n, p.muted)
	s.Dot = fg(n, p.accent)
	s.Line = fg(n, p.line)
	s.Heading = fg(n.Bold(true), p.accent2)
	s.Key = fg(n, p.faint)
	s.MeterOn = fg(n, p.tag)
	s.MeterOff = fg(n, p.rule)
	s.Ranking = n.Bold(true)

	if p.matchBg != nil {
		s.Match = n.Foreground(p.matchFg).Background(p.matchBg)
		s.MatchCurrent = n.Foreground(p.curFg).Background(p.curBg).Bold(true).Underline(true)
	} else {
		s.Match = n.Reverse(true)
		s.MatchCurrent = n.Reverse(true).Bold(true).Underline(true)
	}

	s.Status = fg(n, p.muted)
	s.Flash = fg(n.Bold(true), p.tag)
	s.Prompt = fg(n.Bold(true), p.accent)
	s.Selected = fg(n.Bold(true), p.accent)
	s.OverlayTitle = fg(n.Bold(true), p.accent2)

	h := help.New()
	h.ShortSeparator = " · "
	h.FullSeparator = "   "
	h.Styles = help.Styles{
		ShortKey:       fg(n.Bold(true), p.muted),
		ShortDesc:      fg(n, p.faint),
		ShortSeparator: fg(n, p.rule),
		Ellipsis:       fg(n, p.rule),
		FullKey:        fg(n.Bold(true), p.accent),
		FullDesc:       fg(n, p.muted),
		FullSeparator:  fg(n, p.rule),
	}
	if s.mono {
		h.Styles.ShortKey = n.Bold(true)
		h.Styles.FullKey = n.Bold(true)
	}
	s.Help = h
	return s
}

// stylesCache holds one Styles per theme key, built on first use.
var stylesCache [themeCount]struct {
	once sync.Once
	s    *Styles
}

// stylesFor returns the shared styles of a theme.
func stylesFor(t Theme) *Styles {
	c := &stylesCache[t.key()]
	c.once.Do(func() { c.s = NewStyles(t) })
	return c.s
}

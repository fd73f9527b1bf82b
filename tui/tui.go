// Package tui is the interactive résumé: a Bubble Tea model that renders a
// content.Resume for one terminal session. It knows Bubble Tea and content,
// never the SSH server that runs it.
//
// Model is the root: it owns the window size, the layout and the theme,
// takes its frame (header, tabs or sidebar, footer) off the window and
// gives the rest to its components with SetSize: the pager (the section
// pane), the search, the help and links overlays, the Contact form and
// the Inbox. A key goes to the focused component first; the footer shows
// that component's keys. The help screen lists the root's, the pager's
// and the search's keys; the Contact form's and the Inbox's are only in
// the footer. Only the root returns a tea.View.
//
// The model is built for many concurrent sessions: it starts no timers,
// keeps a few kilobytes of state per session, and shares everything that
// does not depend on the session (the rendered sections per width and
// theme, the styles, the key map) between sessions.
package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/safetext"
)

// Options configure one session's model.
type Options struct {
	// Section is the section to open first, named as content.FindSection
	// accepts; empty opens the overview.
	Section string
	// Width and Height are the terminal's size when the session starts, if
	// known, so the first frame needs no round trip; a tea.WindowSizeMsg
	// replaces them.
	Width, Height int
	// Profile is the client's colour profile if already known (the server
	// can detect it from the session's TERM, COLORTERM and NO_COLOR).
	// Bubble Tea's tea.ColorProfileMsg replaces it. Unknown (the zero
	// value) renders in full colour, which the renderer converts.
	Profile colorprofile.Profile
	// Light starts in the light theme. The model still asks the terminal
	// for its background and follows the answer; a terminal that never
	// answers keeps this choice (dark by default, the common case).
	Light bool
	// Cache holds the renderings the sessions of this résumé share
	// (NewCache). Nil, or a cache of another résumé, gives the model a
	// cache of its own.
	Cache *Cache
	// SSHCommand is how a visitor reaches this server, for example
	// "ssh -p 2222 resume.example.com"; hints such as the plain-text
	// alternative on the window-too-small screen use it. Empty means
	// "ssh host".
	SSHCommand string
	// Contact adds the Contact section, where a visitor writes to the
	// owner; nil leaves it out.
	Contact *Contact
	// Inbox adds the owner's Inbox section; the server sets it only for a
	// session that proved the owner's key.
	Inbox *Inbox
}

// Minimum window size for the interactive layout. Below it the model shows
// a screen naming the minimum and the plain-text alternative.
const (
	MinWidth  = 40
	MinHeight = 12
)

type overlay uint8

const (
	overlayNone overlay = iota
	overlayHelp
	overlayLinks
)

// Model is the root Bubble Tea model of one session.
type Model struct {
	cache *Cache
	info  *resumeInfo
	keys  *KeyMap
	opts  Options

	width, height int
	theme         Theme
	themeChosen   bool // the visitor picked a theme with t: keep it
	st            *Styles
	doc           *document
	chrome        *chrome
	lay           layout
	pager         pager // the section pane; the root sizes it

	active int

	mouse   bool      // mouse captured: wheel scrolls, clicks open sections
	overlay overlay   // the overlay that has the focus, if any
	help    helpView  // the ? overlay
	links   linksView // the L overlay
	flash   string    // a one-off message, cleared by the next key or a resize
	// flashAlts are shorter ways to say flash, longest first, for a
	// footer too narrow for it.
	flashAlts []string

	search *searchState // nil when no search is open or shown

	form  *contactForm // the Contact section, once opened
	inbox *inboxView   // the Inbox section, for the owner
	prev  int          // the section before the current one, for leaving the form
}

// New returns the model for one session showing r. r must not change
// while the model uses it.
func New(r *content.Resume, opts Options) *Model {
	var extra extras
	if opts.Contact != nil && opts.Contact.Send != nil {
		extra |= withContact
	}
	if opts.Inbox != nil && opts.Inbox.List != nil {
		extra |= withInbox
	}
	c := opts.Cache
	if !c.For(r) {
		c = NewCache(r)
	}
	m := &Model{
		cache: c,
		info:  c.info(extra),
		keys:  DefaultKeyMap(),
		opts:  opts,
		theme: Theme{Profile: opts.Profile, Dark: !opts.Light},
		mouse: true,
	}
	m.pager = newPager(m.keys, len(m.info.sections))
	m.help = helpView{keys: m.keys}
	m.links = linksView{keys: m.keys, links: m.info.links}
	if opts.Section != "" {
		if id, ok := content.FindSection(m.info.sections, opts.Section); ok {
			for i, s := range m.info.sections {
				if s.ID == id {
					m.active = i
				}
			}
		} else {
			// The name comes from the visitor: it reaches the screen cleaned.
			m.setFlash("No section “" + safetext.Clip(safetext.Line(opts.Section), 20) + "” here; showing " + m.info.sections[0].Title)
		}
	}
	m.st = stylesFor(m.theme)
	m.width, m.height = max(opts.Width, 0), max(opts.Height, 0)
	m.relayout()
	return m
}

// Init asks the terminal for its background colour so the theme can
// follow it. Nothing else runs: no timers, no animation.
func (m *Model) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if load := m.enterSection(); load != nil {
		cmd = tea.Batch(cmd, load)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w, h := max(msg.Width, 0), max(msg.Height, 0)
		if w != m.width || h != m.height {
			m.setFlash("") // said for the old window; the visitor has moved on
		}
		m.width, m.height = w, h
		m.relayout()
	case tea.BackgroundColorMsg:
		if !m.themeChosen && msg.Color != nil && msg.IsDark() != m.theme.Dark {
			m.theme.Dark = msg.IsDark()
			m.restyle()
		}
	case tea.ColorProfileMsg:
		if msg.Profile != m.theme.Profile {
			m.theme.Profile = msg.Profile
			m.restyle()
		}
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		if m.search != nil && m.search.typing {
			return m.typeSearch(msg)
		}
		if m.onSection(contactID) && m.form != nil {
			return m.formUpdate(msg)
		}
	case contactSentMsg:
		if m.form != nil {
			m.form.sent(msg)
			m.showPage()
		}
	case inboxListMsg, inboxReadMsg, inboxDeletedMsg:
		if m.inbox != nil {
			cmd, flash := m.inbox.update(msg)
			if flash != "" {
				m.setFlash(flash)
			}
			m.showPage()
			return cmd
		}
	case tea.MouseWheelMsg:
		m.wheel(msg.Mouse())
	case tea.MouseClickMsg:
		m.click(msg.Mouse())
	}
	return nil
}

func (m *Model) restyle() {
	m.st = stylesFor(m.theme)
	m.relayout()
}

// focus is the component that sees a key first.
type focus uint8

const (
	focusPager  focus = iota // reading a section: the root's own keys
	focusTyping              // a search query being typed: letters are text
	focusForm
	focusInbox
	focusHelp
	focusLinks
)

func (m *Model) focus() focus {
	switch {
	case m.search != nil && m.search.typing:
		return focusTyping
	case m.overlay == overlayHelp:
		return focusHelp
	case m.overlay == overlayLinks:
		return focusLinks
	case m.onSection(contactID) && m.form != nil:
		return focusForm
	case m.onSection(inboxID) && m.inbox != nil:
		return focusInbox
	}
	return focusPager
}

// key routes a key press to the focused component; a key it leaves goes
// on to the keys that work everywhere and then to the root's own. Keys
// are matched through the one key map.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	m.setFlash("")
	if key.Matches(msg, k.Interrupt) {
		return tea.Quit
	}
	f := m.focus()
	if f == focusTyping {
		return m.typingKey(msg)
	}
	switch f {
	case focusForm:
		return m.formUpdate(msg)
	case focusInbox:
		if cmd, ok := m.inboxKey(msg); ok {
			return cmd
		}
	case focusPager, focusTyping, focusHelp, focusLinks:
	}
	if key.Matches(msg, k.Quit) {
		return tea.Quit
	}
	if key.Matches(msg, k.Write) && m.info.extra&withContact != 0 {
		m.setActive(m.sectionIndex(contactID))
		return nil
	}
	switch f {
	case focusHelp:
		if m.helpKey(msg) {
			return nil
		}
	case focusLinks:
		if cmd, ok := m.linksKey(msg); ok {
			return cmd
		}
	case focusPager, focusTyping, focusForm, focusInbox:
	}
	return m.browseKey(msg)
}

// typingKey hands a key to the search being typed.
func (m *Model) typingKey(msg tea.KeyPressMsg) tea.Cmd {
	switch m.search.typingKey(msg) {
	case searchAccept:
		m.acceptSearch()
		return nil
	case searchCancel:
		m.cancelSearch()
		return nil
	case searchNext:
		m.stepMatch(1)
		return nil
	case searchPrev:
		m.stepMatch(-1)
		return nil
	case searchType:
	}
	return m.typeSearch(msg)
}

// inboxKey hands a key to the Inbox; ok is false for a key it leaves.
func (m *Model) inboxKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	cmd, handled, flash := m.inbox.key(msg)
	if flash != "" {
		m.setFlash(flash)
	}
	if handled {
		m.showPage()
	}
	return cmd, handled
}

// helpKey hands a key to the help overlay; a key it leaves closes the
// help and does its job.
func (m *Model) helpKey(msg tea.KeyPressMsg) bool {
	switch {
	case m.help.closes(msg):
		m.closeOverlay()
		return true
	case m.scrollKey(msg):
		return true
	}
	m.closeOverlay()
	return false
}

// linksKey hands a key to the links overlay; a key it leaves closes the
// list and does its job.
func (m *Model) linksKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch m.links.update(msg) {
	case linksClose:
		m.closeOverlay()
		return nil, true
	case linksMoved:
		m.showLink()
		return nil, true
	case linksCopy:
		m.showLink()
		return m.copyLink(), true
	case linksHandled:
		return nil, true
	case linksIgnored:
	}
	m.closeOverlay()
	return nil, false
}

// browseKey handles the root's own keys: sections, scrolling, search,
// overlays, copy, mouse and theme.
func (m *Model) browseKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Next):
		m.setActive(m.active + 1)
	case key.Matches(msg, k.Prev):
		m.setActive(m.active - 1)
	case key.Matches(msg, k.Jump):
		if i := int(msg.Code - '1'); i < len(m.info.sections) {
			m.setActive(i)
		}
	case m.scrollKey(msg):
	case key.Matches(msg, k.Search):
		m.openSearch()
	case key.Matches(msg, k.NextMatch):
		m.stepMatch(1)
	case key.Matches(msg, k.PrevMatch):
		m.stepMatch(-1)
	case key.Matches(msg, k.Close):
		if m.search != nil {
			m.search = nil
			m.showPage()
		}
	case key.Matches(msg, k.Help):
		m.openOverlay(overlayHelp)
	case key.Matches(msg, k.Links):
		if len(m.info.links) == 0 {
			m.setFlash("This résumé has no links")
			return nil
		}
		m.openOverlay(overlayLinks)
	case key.Matches(msg, k.Copy):
		return m.copyEmail()
	case key.Matches(msg, k.Mouse):
		m.mouse = !m.mouse
		if m.mouse {
			m.setFlash("Mouse on: the wheel scrolls, clicks open sections", "Mouse on")
		} else {
			m.setFlash("Mouse off: select text with the mouse; m turns it back on", "Mouse off: m turns it back on", "Mouse off")
		}
	case key.Matches(msg, k.Theme):
		m.themeChosen = true
		m.theme.Dark = !m.theme.Dark
		m.restyle()
		if m.theme.key() == themeMono {
			m.setFlash("This terminal shows no colour; the theme is the same")
		}
	}
	return nil
}

// setFlash shows a one-off message in the footer; alts are shorter ways
// to say it, longest first, for when it does not fit.
func (m *Model) setFlash(msg string, alts ...string) {
	m.flash, m.flashAlts = msg, alts
}

// scrollKey scrolls the pane for the scrolling keys and reports whether
// msg was one.
func (m *Model) scrollKey(msg tea.KeyPressMsg) bool {
	if !m.pager.scroll(msg) {
		return false
	}
	m.saveOffset()
	return true
}

func (m *Model) saveOffset() {
	if m.overlay == overlayNone {
		m.pager.offsets[m.active] = m.pager.vp.YOffset()
	}
}

// setActive opens section i, wrapping around at both ends.
func (m *Model) setActive(i int) {
	n := len(m.info.sections)
	m.saveOffset()
	m.overlay = overlayNone
	a := ((i % n) + n) % n
	if a != m.active {
		m.prev = m.active
	}
	m.active = a
	m.showPage()
}

func (m *Model) copyEmail() tea.Cmd {
	if m.info.email == "" {
		if len(m.info.links) == 0 {
			m.setFlash("This résumé has no e-mail address or links")
			return nil
		}
		m.openOverlay(overlayLinks)
		return nil
	}
	m.setFlash("Sent to your clipboard: "+m.info.email, "Copied "+m.info.email, "E-mail address copied", "E-mail copied", "Copied")
	return tea.SetClipboard(m.info.email)
}

func (m *Model) copyLink() tea.Cmd {
	if m.links.sel < 0 || m.links.sel >= len(m.info.links) {
		return nil
	}
	c := m.info.links[m.links.sel]
	text := linkText(c)
	m.setFlash("Sent to your clipboard: "+text, "Copied "+text, "Link copied", "Copied")
	return tea.SetClipboard(text)
}

func (m *Model) openOverlay(o overlay) {
	m.saveOffset()
	m.overlay = o
	if o == overlayLinks {
		m.links.sel = 0
	}
	m.showPage()
	m.pager.vp.GotoTop()
}

func (m *Model) closeOverlay() {
	m.overlay = overlayNone
	m.showPage()
}

// showLink redraws the links list and scrolls the selected link into
// view.
func (m *Model) showLink() {
	m.showPage()
	// The title and a blank line come before the first link.
	m.pager.vp.EnsureVisible(m.links.sel+2, 0, 0)
	if m.links.sel == 0 {
		m.pager.vp.GotoTop()
	}
}

// wheel scrolls the pane, or moves the link selection in the links list.
func (m *Model) wheel(ms tea.Mouse) {
	if !m.mouse {
		return
	}
	m.setFlash("")
	d := 0
	switch ms.Button {
	case tea.MouseWheelDown:
		d = 1
	case tea.MouseWheelUp:
		d = -1
	default:
		return
	}
	if m.overlay == overlayLinks {
		m.links.selectLink(m.links.sel + d)
		m.showLink()
		return
	}
	m.pager.wheel(d)
	m.saveOffset()
}

// click opens the section whose tab or sidebar entry was clicked.
func (m *Model) click(ms tea.Mouse) {
	l := &m.lay
	if !m.mouse || ms.Button != tea.MouseLeft || l.small || m.chrome == nil {
		return
	}
	m.setFlash("")
	x, y := ms.X-l.frameX-l.padX, ms.Y-l.navY
	if l.sideW > 0 {
		if x >= 0 && x < l.sideW && y >= 0 && y < min(len(m.info.sections), l.paneH) {
			m.setActive(y)
		}
		return
	}
	if y != 0 {
		return
	}
	for _, s := range m.chrome.tabSpans[m.active] {
		if x >= s.x0 && x < s.x1 {
			m.setActive(s.sec)
			return
		}
	}
}

// relayout recomputes the layout for the window size and theme, and
// fetches the rendering of the résumé for the new pane width.
func (m *Model) relayout() {
	m.lay = m.computeLayout()
	if m.lay.small {
		return
	}
	m.doc = m.cache.fitted(m.info, m.lay.paneW, m.lay.paneH, m.theme)
	m.chrome = m.cache.chrome(m.info, m.lay.innerW, m.lay.sideW, m.theme)
	m.pager.SetSize(m.lay.paneW, m.lay.paneH)
	m.help.SetSize(m.lay.paneW, m.lay.paneH)
	m.links.SetSize(m.lay.paneW, m.lay.paneH)
	if m.form != nil {
		m.form.SetSize(m.lay.paneW, m.lay.paneH)
	}
	if m.inbox != nil {
		m.inbox.SetSize(m.lay.paneW, m.lay.paneH)
	}
	if m.search != nil {
		m.search.SetSize(m.lay.innerW, 1)
	}
	if m.search != nil && m.search.query != "" {
		m.runSearch(false)
		return
	}
	m.showPage()
}

// showPage puts what the pane shows into the viewport: the active
// section (with search matches marked), or an overlay.
func (m *Model) showPage() {
	if m.doc == nil || m.lay.small {
		return
	}
	switch m.overlay {
	case overlayHelp:
		m.pager.setPane(m.help.lines(m.st, m.helpGroups()))
		return
	case overlayLinks:
		off := m.pager.vp.YOffset()
		m.pager.setPane(m.links.lines(m.st))
		m.pager.vp.SetYOffset(off)
		return
	case overlayNone:
	}
	if m.sectionPane() {
		return
	}
	p := m.doc.pages[m.active]
	text := paneText{lines: p.lines, widths: p.widths}
	if s := m.search; s != nil && len(s.matches) > 0 && s.counts[m.active] > 0 {
		text.lines = m.highlight(p.lines, s)
	}
	m.pager.setPane(text)
	m.pager.vp.SetYOffset(m.pager.offsets[m.active])
}

// View implements tea.Model. Only the root model returns a tea.View: it
// owns the alternate screen and the mouse mode.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	if m.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.SetContent(m.render())
	return v
}

// helpGroups are the bindings the help screen lists, in its columns: the
// key map's groups, without w when there is no Contact section.
func (m *Model) helpGroups() [][]key.Binding {
	return m.keys.fullHelp(len(m.info.sections), m.info.extra&withContact != 0)
}

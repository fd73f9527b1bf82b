package tui

import (
	"sync"

	"github.com/laphets/resume/content"
)

// What every session of a résumé shares, read-only: the sections, the
// contacts and links, and each section rendered per pane width and theme.
// Thousands of visitors of one résumé then cost one rendering per window
// width rather than one each. A Cache is a value: whoever owns the
// résumé's lifetime makes one with it (the server, with each load of the
// content), so a reload drops the old résumé's renderings with it and
// tests share nothing by accident. Its maps are bounded so that a visitor
// resizing through every width cannot grow them without limit.

// resumeInfo is what the TUI derives from a résumé once.
type resumeInfo struct {
	r        *content.Resume
	extra    extras // the sections the session adds: Contact, Inbox
	sections []content.Section
	contacts []content.Contact
	links    []content.Contact // contacts with a URL, then entries' URLs
	email    string
}

// extras are the sections a session adds after the résumé's own.
type extras uint8

const (
	withContact extras = 1 << iota // the Contact form
	withInbox                      // the owner's Inbox
)

// The IDs of the added sections.
const (
	contactID = "contact"
	inboxID   = "inbox"
)

func newResumeInfo(r *content.Resume, extra extras) *resumeInfo {
	info := &resumeInfo{r: r, extra: extra, sections: r.Sections(), contacts: r.Contacts(), email: r.Basics.Email}
	if extra&withContact != 0 {
		info.sections = append(info.sections, content.Section{ID: contactID, Title: "Contact"})
	}
	if extra&withInbox != 0 {
		info.sections = append(info.sections, content.Section{ID: inboxID, Title: "Inbox"})
	}
	for _, c := range info.contacts {
		if c.URL != "" {
			info.links = append(info.links, c)
		}
	}
	for _, s := range info.sections {
		for _, e := range s.Entries {
			if e.URL != "" {
				label := e.Title
				if label == "" {
					label = s.Title
				}
				info.links = append(info.links, content.Contact{Label: label, Value: e.URL, URL: e.URL})
			}
		}
	}
	return info
}

type docKey struct {
	extra extras
	width int
	theme themeKey
	fits  uint64 // for a fitted document: which sections use the scrollbar's room
}

// cacheLimit bounds each cache. Pane widths are capped (see maxFrame), so
// one résumé needs at most about maxFrame*themeCount documents.
const cacheLimit = 512

// Cache holds the renderings the sessions of one résumé share. It is safe
// for concurrent use. Make one per résumé with NewCache and give it to
// every model of that résumé (Options.Cache).
type Cache struct {
	r       *content.Resume
	limit   int // entries per map
	mu      sync.Mutex
	docs    map[docKey]*onceEntry[*document]
	chromes map[chromeKey]*onceEntry[*chrome]
	infos   map[extras]*onceEntry[*resumeInfo]
	helps   map[helpKey]row
}

// NewCache returns an empty cache for r; r must not change while it is in
// use.
func NewCache(r *content.Resume) *Cache {
	return &Cache{
		r: r, limit: cacheLimit, docs: map[docKey]*onceEntry[*document]{}, chromes: map[chromeKey]*onceEntry[*chrome]{},
		infos: map[extras]*onceEntry[*resumeInfo]{}, helps: map[helpKey]row{},
	}
}

// For reports whether c holds r's renderings.
func (c *Cache) For(r *content.Resume) bool { return c != nil && c.r == r }

// onceEntry is a cached value built once, outside the cache's lock, so
// that concurrent first uses build it once and other keys are not held up.
type onceEntry[V any] struct {
	once sync.Once
	v    V
}

// cached returns m[k]'s value, building it with build on first use and
// evicting an arbitrary entry when m is full.
func cached[K comparable, V any](c *Cache, m map[K]*onceEntry[V], k K, build func() V) V {
	c.mu.Lock()
	e := m[k]
	if e == nil {
		evict(m, c.limit)
		e = &onceEntry[V]{}
		m[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.v = build() })
	return e.v
}

// evict drops an arbitrary entry when a map holds limit entries: simple,
// bounded, and the entries are cheap to rebuild.
func evict[K comparable, V any](m map[K]V, limit int) {
	if len(m) < limit {
		return
	}
	for k := range m {
		delete(m, k)
		return
	}
}

// info is what the TUI derives from the résumé, with the sections extra
// adds.
func (c *Cache) info(extra extras) *resumeInfo {
	return cached(c, c.infos, extra, func() *resumeInfo { return newResumeInfo(c.r, extra) })
}

// doc returns info's résumé rendered at width in theme t, rendering it on
// first use; concurrent first uses render once.
func (c *Cache) doc(info *resumeInfo, width int, t Theme) *document {
	k := docKey{extra: info.extra, width: width, theme: t.key()}
	return cached(c, c.docs, k, func() *document { return renderDocument(info, width, stylesFor(t)) })
}

// fitted returns the document a pane of width × height shows: each
// section that fits the pane's height at the full width (the pane and
// the scrollbar's room) is laid out at that width, so its right edge
// lines up with the rules and the footer; a section that scrolls is laid
// out at width, beside its scrollbar. Sessions with the same choice share
// the document.
func (c *Cache) fitted(info *resumeInfo, width, height int, t Theme) *document {
	narrow := c.doc(info, width, t)
	full := c.doc(info, width+scrollbarW, t)
	var fits uint64
	n := min(len(full.pages), 64) // later sections always keep the scrollbar's room
	for i := range n {
		if len(full.pages[i].lines) <= height {
			fits |= 1 << i
		}
	}
	switch {
	case fits == 0:
		return narrow
	case n == len(full.pages) && fits == 1<<n-1:
		return full
	}
	k := docKey{extra: info.extra, width: width, theme: t.key(), fits: fits}
	return cached(c, c.docs, k, func() *document {
		d := &document{pages: make([]page, len(narrow.pages))}
		for i := range d.pages {
			if i < n && fits&(1<<i) != 0 {
				d.pages[i] = full.pages[i]
			} else {
				d.pages[i] = narrow.pages[i]
			}
		}
		return d
	})
}

// chrome returns the header, navigation and scrollbar cells for a frame
// with the given inner width and sidebar width (0 for tabs).
func (c *Cache) chrome(info *resumeInfo, innerW, sideW int, t Theme) *chrome {
	k := chromeKey{extra: info.extra, innerW: innerW, sideW: sideW, theme: t.key()}
	return cached(c, c.chromes, k, func() *chrome { return buildChrome(info, stylesFor(t), innerW, sideW) })
}

// help returns the footer's key help for k, rendered once per key. It is
// cheap enough to render under the lock.
func (c *Cache) help(k helpKey, keys *KeyMap) row {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.helps[k]
	if !ok {
		evict(c.helps, c.limit)
		r = buildShortHelp(k, keys, stylesFor(Theme{Profile: themeProfile(k.theme), Dark: themeDark(k.theme)}))
		c.helps[k] = r
	}
	return r
}

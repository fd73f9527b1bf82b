package tui

import (
	"sync"

	"github.com/laphets/resume/content"
)

// What every session of a résumé shares, read-only: the sections, the
// contacts and links, and each section rendered per pane width and theme.
// Thousands of visitors of one résumé then cost one rendering per window
// width rather than one each. The caches are bounded so that a visitor
// resizing through every width, or an owner reloading content, cannot
// grow them without limit.

// resumeInfo is what the TUI derives from a résumé once.
type resumeInfo struct {
	r        *content.Resume
	sections []content.Section
	contacts []content.Contact
	links    []content.Contact // contacts with a URL, then entries' URLs
	email    string
}

func newResumeInfo(r *content.Resume) *resumeInfo {
	info := &resumeInfo{r: r, sections: r.Sections(), contacts: r.Contacts(), email: r.Basics.Email}
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
	r     *content.Resume
	width int
	theme themeKey
}

type docEntry struct {
	once sync.Once
	doc  *document
}

type infoEntry struct {
	once sync.Once
	info *resumeInfo
}

// cacheLimit bounds each cache. Pane widths are capped (see maxFrame), so
// one résumé needs at most about maxFrame*themeCount documents.
const cacheLimit = 512

type chromeEntry struct {
	once sync.Once
	c    *chrome
}

type cache struct {
	limit   int // entries per map
	mu      sync.Mutex
	docs    map[docKey]*docEntry
	chromes map[chromeKey]*chromeEntry
	infos   map[*content.Resume]*infoEntry
	helps   map[helpKey]row
}

func newCache() *cache {
	return &cache{limit: cacheLimit, docs: map[docKey]*docEntry{}, chromes: map[chromeKey]*chromeEntry{},
		infos: map[*content.Resume]*infoEntry{}, helps: map[helpKey]row{}}
}

var shared = newCache()

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

func (c *cache) info(r *content.Resume) *resumeInfo {
	c.mu.Lock()
	e := c.infos[r]
	if e == nil {
		evict(c.infos, c.limit)
		e = &infoEntry{}
		c.infos[r] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.info = newResumeInfo(r) })
	return e.info
}

// doc returns info's résumé rendered at width in theme t, rendering it on
// first use; concurrent first uses render once.
func (c *cache) doc(info *resumeInfo, width int, t Theme) *document {
	k := docKey{r: info.r, width: width, theme: t.key()}
	c.mu.Lock()
	e := c.docs[k]
	if e == nil {
		evict(c.docs, c.limit)
		e = &docEntry{}
		c.docs[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.doc = renderDocument(info, width, stylesFor(t)) })
	return e.doc
}

// chrome returns the header, navigation and scrollbar cells for a frame
// with the given inner width and sidebar width (0 for tabs).
func (c *cache) chrome(info *resumeInfo, innerW, sideW int, t Theme) *chrome {
	k := chromeKey{r: info.r, innerW: innerW, sideW: sideW, theme: t.key()}
	c.mu.Lock()
	e := c.chromes[k]
	if e == nil {
		evict(c.chromes, c.limit)
		e = &chromeEntry{}
		c.chromes[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.c = buildChrome(info, stylesFor(t), innerW, sideW) })
	return e.c
}

// help returns the footer's key help for k, rendered once per key. It is
// cheap enough to render under the lock.
func (c *cache) help(k helpKey, keys *KeyMap) row {
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

package pdf

import (
	"sync"

	"github.com/laphets/resume/content"
)

// Cache renders one résumé's PDF once per paper size, on first use, and
// keeps the bytes: a server makes one with each load of the content, so
// start-up does not wait for a PDF nobody has asked for yet, and the
// thousandth download costs nothing. Concurrent first uses render once.
// The résumé must not be modified while the cache is in use.
type Cache struct {
	r    *content.Resume
	font *Font
	once [2]sync.Once
	pdfs [2][]byte
	errs [2]error
}

// NewCache returns an empty cache of r's PDFs, set in font (nil for the
// Go fonts).
func NewCache(r *content.Resume, font *Font) *Cache { return &Cache{r: r, font: font} }

// Render is Render(r, Options{Paper: paper, Font: font}), rendered once.
// The bytes returned are shared: do not modify them.
func (c *Cache) Render(paper Paper) ([]byte, error) {
	i := 0
	switch paper {
	case A4, "":
		paper = A4
	case Letter:
		i = 1
	default:
		return Render(c.r, Options{Paper: paper, Font: c.font}) // the error
	}
	c.once[i].Do(func() {
		c.pdfs[i], c.errs[i] = Render(c.r, Options{Paper: paper, Font: c.font})
	})
	return c.pdfs[i], c.errs[i]
}

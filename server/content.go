package server

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/safetext"
	"github.com/laphets/resume/render/markdown"
	"github.com/laphets/resume/render/pdf"
	"github.com/laphets/resume/render/text"
	"github.com/laphets/resume/tui"
)

// contentStore holds the résumé new sessions get. A session takes the
// pointer once, when it starts, and keeps that résumé to its end; a reload
// swaps the pointer for sessions that start later.
type contentStore struct {
	path    string    // "" for the embedded résumé
	pdfFont *pdf.Font // the PDF's font; nil for the Go fonts
	cur     atomic.Pointer[loaded]

	mu    sync.Mutex // serialises reloads
	stamp fileStamp  // of the file last loaded (or last found invalid)
}

// loaded is one load of the content with the renderings made from it (plain
// text, the TUI's, the PDF's), so that a reload drops the old résumé's
// renderings along with it. The PDF and the Markdown are rendered on the
// first request for them, not at load; the sections every session routes
// by are built once here.
type loaded struct {
	resume   *content.Resume
	sections []content.Section // resume.Sections()
	ids      []string          // their IDs, for help
	text     *text.Cache
	tui      *tui.Cache
	pdf      *pdf.Cache
	markdown func() string
}

func (cs *contentStore) newLoaded(r *content.Resume) *loaded {
	return &loaded{
		resume: r, sections: r.Sections(), ids: r.SectionIDs(),
		text: text.NewCache(r), tui: tui.NewCache(r), pdf: pdf.NewCache(r, cs.pdfFont),
		markdown: sync.OnceValue(func() string { return markdown.Render(r) }),
	}
}

// fileStamp is what the watcher compares to notice a change.
type fileStamp struct {
	mod  time.Time
	size int64
}

func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path) // follows symlinks: a swapped ConfigMap counts
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{fi.ModTime(), fi.Size()}, nil
}

// loadContent reads the résumé for start-up: the file, or the embedded one.
func loadContent(path string, pdfFont *pdf.Font) (*contentStore, error) {
	cs := &contentStore{path: path, pdfFont: pdfFont}
	if path == "" {
		cs.cur.Store(cs.newLoaded(content.Default()))
		return cs, nil
	}
	st, _ := stampOf(path)
	r, err := content.Load(path)
	if err != nil {
		return nil, err
	}
	cs.cur.Store(cs.newLoaded(r))
	cs.stamp = st
	return cs, nil
}

// PDFFont is the font the PDF is set in (--pdf-font), for the web side to
// make the same PDF; nil for the Go fonts.
func (s *Server) PDFFont() *pdf.Font { return s.content.pdfFont }

// PDFCache is the PDF cache of r's load, for the web side to serve the
// same PDF without rendering it again (web.WithPDFs); nil when r is no
// longer the résumé new sessions get.
func (s *Server) PDFCache(r *content.Resume) *pdf.Cache {
	if l := s.content.cur.Load(); l.resume == r {
		return l.pdf
	}
	return nil
}

// Resume is the résumé new sessions get now.
func (s *Server) Resume() *content.Resume { return s.content.cur.Load().resume }

// Reload reads the content file again. A file that loads (with warnings or
// without) replaces the résumé for new sessions and its warnings are logged;
// one that cannot be shown changes nothing and every error is logged.
// Without a content file it does nothing.
func (s *Server) Reload() error {
	cs := s.content
	if cs.path == "" {
		return nil
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	st, _ := stampOf(cs.path)
	cs.stamp = st // an invalid file is not retried until it changes again
	r, err := content.Load(cs.path)
	if err != nil {
		s.metrics.reloads.WithLabelValues("invalid").Inc()
		var ve *content.ValidationError
		if errors.As(err, &ve) {
			for _, p := range ve.Problems {
				s.log.Error("content invalid, keeping the previous résumé", "problem", safetext.Line(p.String()))
			}
		} else {
			s.log.Error("content unreadable, keeping the previous résumé", "err", safetext.Line(err.Error()))
		}
		return err
	}
	cs.cur.Store(cs.newLoaded(r))
	s.metrics.reloads.WithLabelValues("ok").Inc()
	s.log.Info("content reloaded", "file", cs.path, "name", r.Basics.Name, "warnings", len(r.Warnings()))
	logWarnings(s.log, cs.path, r)
	return nil
}

// logWarnings logs, once per load, what a strict JSON Resume validator
// would reject in the résumé being served (it is shown anyway).
func logWarnings(log *slog.Logger, path string, r *content.Resume) {
	for _, p := range r.Warnings() {
		log.Warn("content warning (served anyway; resume validate --strict lists these)", "file", path,
			"problem", safetext.Line(p.String()))
	}
}

// watchContent reloads the content file whenever its modification time or
// size changes, checking every interval, until ctx ends. Polling a stat is
// cheap, needs no inotify, and sees editors' rename-over and Kubernetes'
// symlink swaps alike.
func (s *Server) watchContent(ctx context.Context, interval time.Duration) {
	if s.content.path == "" || interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, err := stampOf(s.content.path)
		if err != nil {
			continue // being replaced; look again next time
		}
		s.content.mu.Lock()
		changed := !st.mod.Equal(s.content.stamp.mod) || st.size != s.content.stamp.size
		s.content.mu.Unlock()
		if changed {
			_ = s.Reload()
		}
	}
}

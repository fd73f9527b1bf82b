// Package server serves the résumé over SSH: a Wish server with its own
// session handling, limits applied before the handshake, session routing
// (the TUI, plain text, commands), metrics, content reload and graceful
// shutdown. It composes content and tui and is the only package that knows
// SSH.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/admission"
	"github.com/laphets/resume/internal/hostkey"
	"github.com/laphets/resume/internal/safetext"
	"github.com/laphets/resume/internal/version"
	"github.com/laphets/resume/render/pdf"
	"github.com/laphets/resume/render/text"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/tui"
)

// Server is the résumé's SSH server. Make one with New, then Run it (or
// Serve a listener and Shutdown).
type Server struct {
	cfg     Config
	log     *slog.Logger
	content *contentStore
	metrics *metrics
	limiter *admission.Limiter
	gate    *admission.Gate
	ssh     *ssh.Server
	hostKey gossh.Signer

	store  store.Store // nil: messages are refused
	owners ownerKeys   // the keys that may read the inbox

	// newModel builds a session's TUI model (WithModel; tui.New).
	newModel ModelFunc

	closing      atomic.Bool
	openSessions atomic.Int64

	mu    sync.Mutex
	conns map[ssh.Context]*conn

	drained     chan struct{} // closed when shutting down and no connection is left
	drainedOnce sync.Once
}

// ModelFunc builds the Bubble Tea model of one TUI session for r.
type ModelFunc func(r *content.Resume, o tui.Options) tea.Model

// WithModel makes TUI sessions run the model f builds instead of
// tui.New's: a different front end on the same server, or a test's probe.
func WithModel(f ModelFunc) Option { return func(s *Server) { s.newModel = f } }

// New validates cfg, loads the content (a file that cannot be shown is an
// error listing every problem; warnings are logged once) and the host key (created on first start), and builds the
// server. It does not listen yet.
func New(cfg Config, logger *slog.Logger, opts ...Option) (*Server, error) {
	err := cfg.Validate()
	if err != nil {
		return nil, err
	}
	var pdfFont *pdf.Font
	if cfg.PDFFont != "" {
		if pdfFont, err = pdf.LoadFont(cfg.PDFFont); err != nil {
			return nil, err
		}
	}
	cs, err := loadContent(cfg.ContentFile, pdfFont)
	if err != nil {
		return nil, err
	}
	logWarnings(logger, cfg.ContentFile, cs.cur.Load().resume)
	signer, created, err := hostkey.LoadOrCreate(cfg.HostKeyPath())
	if err != nil {
		return nil, err
	}
	owners, err := loadOwnerKeys(cfg.OwnerKeysFile)
	if err != nil {
		return nil, err
	}
	if cfg.OwnerKeysFile != "" && len(owners) == 0 {
		logger.Warn("no keys in the owner keys file: nobody can read the inbox over SSH (resume inbox on the host still can)",
			"file", cfg.OwnerKeysFile)
	}
	s := &Server{
		cfg:     cfg,
		log:     logger,
		content: cs,
		metrics: newMetrics(),
		limiter: admission.NewLimiter(cfg.RatePerIP, cfg.BurstPerIP, cfg.MaxSessionsPerIP),
		hostKey: signer,
		newModel: func(r *content.Resume, o tui.Options) tea.Model {
			return tui.New(r, o)
		},
		conns:   map[ssh.Context]*conn{},
		drained: make(chan struct{}),
		owners:  owners,
	}
	for _, o := range opts {
		o(s)
	}
	s.gate = s.newGate()
	if created {
		logger.Info("created host key", "file", cfg.HostKeyPath(), "fingerprint", s.Fingerprint())
	}
	s.ssh, err = wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithVersion("resume"),
		func(srv *ssh.Server) error {
			srv.HandshakeTimeout = cfg.HandshakeTimeout
			srv.ConnCallback = s.connCallback
			srv.ServerConfigCallback = s.serverConfig
			srv.ConnectionFailedCallback = s.handshakeFailed
			// Only "session" channels, and our own handler for them: every
			// other channel type (direct-tcpip, X11, agent) is rejected.
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
			// No global requests (tcpip-forward and the rest are refused)
			// and no subsystems (sftp is refused).
			srv.RequestHandlers = map[string]ssh.RequestHandler{}
			srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
			return nil
		},
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	return s, nil
}

// Fingerprint is the host key's SHA256 fingerprint.
func (s *Server) Fingerprint() string { return hostkey.Fingerprint(s.hostKey.PublicKey()) }

// HostKey is the host's public key.
func (s *Server) HostKey() gossh.PublicKey { return s.hostKey.PublicKey() }

// handle is the handler chain every session runs, composed here in order
// (the session's own channel handler starts it, see runHandler).
func (s *Server) handle(ss *session) {
	// 1. recover: a panic anywhere below ends only this session, with its
	// stack logged and exit status 1.
	defer ss.recoverGo("handler")
	// 2. route: from the command and the PTY; the session keeps the
	// résumé it starts with to its end (a reload does not change it).
	cur := s.content.cur.Load()
	ss.load = cur
	ss.setRoute(parseRoute(ss.rawCmd, ss.pty != nil, cur.sections))
	// 3. account: count the session by kind (active, total, duration).
	defer s.metrics.track(ss.route.kind)()
	// 4. serve: the TUI, plain text, or a command's output.
	s.serve(ss)
}

// serve runs a session's route.
func (s *Server) serve(ss *session) {
	rt, r := ss.route, ss.load.resume
	switch {
	case rt.kind == kindTUI:
		s.runTUI(ss, r, rt.section)
	case rt.kind == kindPlain:
		_, _ = io.WriteString(ss, ss.load.text.Render(text.DefaultWidth))
	case rt.err != "":
		_, _ = io.WriteString(ss.Stderr(), rt.err+"\n")
		ss.setExitCode(1)
	default:
		s.runCommand(ss, r, rt)
	}
}

// runCommand writes a command's output.
func (s *Server) runCommand(ss *session, r *content.Resume, rt route) {
	var out string
	switch rt.command {
	case cmdText:
		out = ss.load.text.Render(ss.plainWidth(rt.width))
	case cmdMarkdown:
		out = ss.load.markdown()
	case cmdJSON:
		b, err := r.JSON()
		if err != nil {
			s.log.Error("render json", "err", err.Error())
			_, _ = io.WriteString(ss.Stderr(), "resume: the JSON could not be rendered\n")
			ss.setExitCode(1)
			return
		}
		out = string(b) + "\n"
	case cmdHelp:
		out = helpText(r, ss.load.ids, s.cfg.SSHCommand(ss.LocalAddr()), ss.plainWidth(0))
	case cmdVersion:
		out = "resume " + version.String() + "\n"
	case cmdPDF:
		s.writePDF(ss, rt.paper)
		return
	case cmdMessage:
		s.runMessage(ss, rt)
		return
	case cmdInbox:
		s.runInbox(ss, rt)
		return
	}
	_, _ = io.WriteString(ss, out)
}

// writePDF writes the PDF, binary, to a session without a terminal; with
// one it refuses, since a terminal would show garbage and a PTY would turn
// each "\n" in the bytes into "\r\n".
func (s *Server) writePDF(ss *session, paper pdf.Paper) {
	var why string
	if ss.pty == nil {
		b, err := ss.load.pdf.Render(paper)
		if err == nil {
			_, _ = ss.Write(b)
			return
		}
		s.log.Error("render pdf", "err", safetext.Line(err.Error()))
		why = "the PDF could not be made (the server's log says why)"
	} else {
		why = "the PDF is binary and this session has a terminal; save it without one: " +
			s.cfg.SSHCommand(ss.LocalAddr()) + " pdf > resume.pdf"
	}
	_, _ = io.WriteString(ss.Stderr(), "resume: "+why+"\n")
	ss.setExitCode(1)
}

// plainWidth is the width a plain output is made for: the one asked for;
// else, in a terminal, its window's up to text.ReadableWidth; else
// text.DefaultWidth.
func (ss *session) plainWidth(asked int) int {
	switch {
	case asked > 0:
		return asked
	case ss.pty != nil && ss.window().Width > 0:
		return min(ss.window().Width, text.ReadableWidth)
	}
	return text.DefaultWidth
}

// connOf is the state of the connection ctx belongs to.
func (s *Server) connOf(ctx ssh.Context) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[ctx]
}

// serverConfig gives the connection of ctx its SSH configuration.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	if c := s.connOf(ctx); c != nil {
		return c.serverConfig()
	}
	return &gossh.ServerConfig{ // unreachable: connCallback registered it
		NoClientAuthCallback: func(gossh.ConnMetadata) (*gossh.Permissions, error) {
			return nil, errors.New("no connection state")
		},
	}
}

// handshakeFailed counts and logs a connection that did not complete the
// SSH handshake.
func (s *Server) handshakeFailed(c net.Conn, err error) {
	reason := "error"
	var ne net.Error
	switch {
	case errors.Is(err, admission.ErrUntrustedProxyHeader):
		reason = admission.ProxyHeader.String()
		s.metrics.refused(admission.ProxyHeader)
	case errors.As(err, &ne) && ne.Timeout():
		reason = "timeout"
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		reason = "closed"
	}
	s.metrics.handshakeFailures.Inc()
	s.log.Info("handshake failed", "remote", c.RemoteAddr().String(), "reason", reason,
		"err", clientString(err.Error()))
}

// Serve accepts connections on ln until Shutdown or Close. The limits that
// apply before the handshake wrap ln here.
func (s *Server) Serve(ln net.Listener) error {
	return s.ssh.Serve(s.gate.Listen(ln))
}

// checkDrained closes drained once shutting down and no connection is open.
func (s *Server) checkDrained() {
	if s.closing.Load() && s.gate.Open() <= 0 {
		s.drainedOnce.Do(func() { close(s.drained) })
	}
}

// Shutdown stops accepting, ends every session (a TUI visitor reads why),
// waits for the connections to close until ctx ends, then closes what is
// left. Upstream's Shutdown only waits, and runs into its deadline while a
// visitor stays connected; this one always finishes by ctx's deadline.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	go func() { _ = s.ssh.Shutdown(ctx) }() // closes the listeners now
	for _, c := range s.allConns() {
		c.end(endShutdown)
	}
	s.checkDrained()
	select {
	case <-s.drained:
		return nil
	case <-ctx.Done():
	}
	left := s.allConns()
	s.log.Warn("shutdown grace over, closing connections", "open", len(left))
	_ = s.Close()
	return nil
}

// Close closes the listeners and every connection at once.
func (s *Server) Close() error {
	s.closing.Store(true)
	err := s.ssh.Close()
	for _, c := range s.allConns() {
		_ = c.tc.Close()
	}
	s.checkDrained()
	return err
}

func (s *Server) allConns() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	return out
}

// Run listens on the configured addresses and serves until ctx ends, then
// shuts down within the grace period and returns nil. A value on reload
// (SIGHUP) reloads the content; the content file is also watched.
func (s *Server) Run(ctx context.Context, reload <-chan struct{}) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	errc := make(chan error, 2)
	var metricsSrv *http.Server
	if s.cfg.MetricsAddr != "" {
		mln, err := lc.Listen(ctx, "tcp", s.cfg.MetricsAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("listen metrics: %w", err)
		}
		metricsSrv = &http.Server{Handler: s.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := metricsSrv.Serve(mln); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("metrics: %w", err)
			}
		}()
		s.log.Info("metrics listening", "addr", mln.Addr().String(), "pprof", s.cfg.Pprof)
	}
	go func() {
		if err := s.Serve(ln); !errors.Is(err, ssh.ErrServerClosed) {
			errc <- fmt.Errorf("serve: %w", err)
		}
	}()
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go s.watchContent(watchCtx, s.cfg.ReloadInterval)
	s.log.Info("listening", "addr", ln.Addr().String(), "version", version.String(),
		"fingerprint", s.Fingerprint(), "content", contentName(s.cfg.ContentFile))

	var runErr error
loop:
	for {
		select {
		case <-reload:
			_ = s.Reload()
		case runErr = <-errc:
			break loop
		case <-ctx.Done():
			break loop
		}
	}
	s.log.Info("shutting down", "grace", s.cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	_ = s.Shutdown(sctx)
	if metricsSrv != nil {
		mctx, mcancel := context.WithTimeout(context.Background(), time.Second)
		defer mcancel()
		_ = metricsSrv.Shutdown(mctx)
	}
	s.log.Info("stopped")
	return runErr
}

func contentName(path string) string {
	if path == "" {
		return "(embedded)"
	}
	return path
}

// Package web serves the résumé over HTTP, beside the SSH server: the web
// page for browsers, plain text for curl and other terminals' clients,
// Markdown, the JSON Resume document, and how to connect over SSH. Every
// representation is rendered once per content load and served from memory
// with its ETag, compressed in advance.
//
// It never imports server: the current résumé comes from a Source, which
// the command wires to the SSH server's content store, so both sides share
// one load and one reload.
package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/html"
	"github.com/laphets/resume/render/pdf"
	"github.com/laphets/resume/store"
)

// Source returns the résumé to serve now. It is called on every request
// and must be cheap (an atomic load); a different pointer than last time
// means the content was reloaded, and everything is rendered again.
type Source func() *content.Resume

// Config is the HTTP side's configuration. The command binds each field to
// a flag and an environment variable, named beside it.
type Config struct {
	// Addr is the listen address; empty turns HTTP off. --http-addr,
	// RESUME_HTTP_ADDR.
	Addr string
	// PublicURL is the page's canonical address (scheme and host, maybe a
	// port), for the canonical link and Open Graph. --public-url,
	// RESUME_PUBLIC_URL.
	PublicURL string
	// TrustedProxies are the networks whose X-Forwarded-For and Forwarded
	// headers are believed; from anywhere else the connection's address is
	// the visitor's. --http-trusted-proxies, RESUME_HTTP_TRUSTED_PROXIES.
	TrustedProxies []netip.Prefix
	// TLSCert and TLSKey, both or neither, serve HTTPS here. --tls-cert,
	// RESUME_TLS_CERT; --tls-key, RESUME_TLS_KEY.
	TLSCert, TLSKey string

	// ReadHeaderTimeout bounds the request line and headers; ReadTimeout
	// the whole request; WriteTimeout the response; IdleTimeout a
	// keep-alive connection between requests.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// MaxHeaderBytes bounds the request line and headers.
	MaxHeaderBytes int

	// MaxConns caps open connections for everyone, MaxConnsPerIP from one
	// address (IPv6: its /64). --http-max-conns, RESUME_HTTP_MAX_CONNS;
	// --http-max-conns-per-ip, RESUME_HTTP_MAX_CONNS_PER_IP.
	MaxConns      int
	MaxConnsPerIP int
	// RatePerIP is how many requests per second one address may make on
	// average and BurstPerIP how many at once; over it gets 429. A rate of
	// 0 turns the limit off. --http-rate-per-ip, RESUME_HTTP_RATE_PER_IP;
	// --http-burst-per-ip, RESUME_HTTP_BURST_PER_IP.
	RatePerIP  float64
	BurstPerIP int

	// PDFFont is the font /resume.pdf is set in: the SSH side's
	// (--pdf-font), so that both give the same bytes; nil for the Go
	// fonts.
	PDFFont *pdf.Font

	// SSH is what the /ssh page shows: the command and the host key.
	SSH html.SSHInfo
	// Version is shown in the page's footer.
	Version string
}

// Defaults that are safe on the public internet.
const (
	DefaultAddr              = ":23280"
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 8 << 10
	DefaultMaxConns          = 1024
	DefaultMaxConnsPerIP     = 32
	DefaultRatePerIP         = 20
	DefaultBurstPerIP        = 100
)

// DefaultConfig is the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Addr:              DefaultAddr,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		ReadTimeout:       DefaultReadTimeout,
		WriteTimeout:      DefaultWriteTimeout,
		IdleTimeout:       DefaultIdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		MaxConns:          DefaultMaxConns,
		MaxConnsPerIP:     DefaultMaxConnsPerIP,
		RatePerIP:         DefaultRatePerIP,
		BurstPerIP:        DefaultBurstPerIP,
	}
}

// Validate checks the configuration once, at start-up, and normalises the
// public URL (no trailing slash).
func (c *Config) Validate() error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("--public-url %q: want an absolute http or https URL such as https://resume.example.com", c.PublicURL)
		}
		c.PublicURL = strings.TrimRight(u.String(), "/")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key: give both or neither")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"read header timeout", c.ReadHeaderTimeout},
		{"read timeout", c.ReadTimeout},
		{"write timeout", c.WriteTimeout},
		{"idle timeout", c.IdleTimeout},
	} {
		if d.v <= 0 {
			return fmt.Errorf("http %s: %v is not positive", d.name, d.v)
		}
	}
	switch {
	case c.MaxHeaderBytes < 1024:
		return fmt.Errorf("http max header bytes: %d is under 1024", c.MaxHeaderBytes)
	case c.MaxConns < 1:
		return fmt.Errorf("--http-max-conns: %d, want at least 1", c.MaxConns)
	case c.MaxConnsPerIP < 1:
		return fmt.Errorf("--http-max-conns-per-ip: %d, want at least 1", c.MaxConnsPerIP)
	case c.RatePerIP < 0:
		return fmt.Errorf("--http-rate-per-ip: %v, want 0 (no limit) or more", c.RatePerIP)
	case c.RatePerIP > 0 && c.BurstPerIP < 1:
		return fmt.Errorf("--http-burst-per-ip: %d, want at least 1", c.BurstPerIP)
	}
	return nil
}

// Server is the HTTP side. Make one with New, then Serve a listener (or
// Run), and Shutdown.
//
// It runs on fasthttp rather than net/http: every representation is bytes
// in memory, and serving them is the HTTP server's own cost, which
// fasthttp cuts to a fraction (no allocation per request, reused
// buffers). bench/web measures it beside nginx. It speaks HTTP/1.1 (and
// TLS); for HTTP/2 or HTTP/3 put a reverse proxy in front
// (docs/self-hosting.md).
type Server struct {
	cfg     Config
	log     *slog.Logger
	source  Source
	metrics *metrics
	limiter *rateLimiter
	fast    *fasthttp.Server
	reps    representations
	// messages is the message store behind the contact form, or nil.
	messages store.Store
	// crossOrigin refuses a cross-site form post (CSRF).
	crossOrigin *http.CrossOriginProtection

	// closing is set by Shutdown; mu guards listeners, the listeners
	// being served, so that Shutdown closes them even before fasthttp
	// has taken them.
	closing   atomic.Bool
	mu        sync.Mutex
	listeners []*limitListener
}

// New builds the HTTP server; it renders the current résumé at once, so a
// template or content problem is a start-up error. reg is the registry the
// SSH side exports, so /metrics shows both.
func New(cfg Config, logger *slog.Logger, source Source, reg prometheus.Registerer, opts ...Option) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		log:     logger,
		source:  source,
		metrics: m,
		limiter: newRateLimiter(cfg.RatePerIP, cfg.BurstPerIP),
		// Go's check of Sec-Fetch-Site, or of Origin against Host.
		crossOrigin: http.NewCrossOriginProtection(),
	}
	for _, o := range opts {
		o(s)
	}
	s.reps.site = html.Site{
		PublicURL:  cfg.PublicURL,
		SSHCommand: cfg.SSH.Command,
		PDF:        true,
		Version:    cfg.Version,
		Contact:    s.messages != nil,
		Limits:     formLimits,
	}
	s.reps.ssh = cfg.SSH
	s.reps.font = cfg.PDFFont
	if _, err := s.reps.build(source()); err != nil {
		return nil, err
	}
	s.fast = &fasthttp.Server{
		Handler:      s.serve,
		ErrorHandler: s.requestError,
		// Expect: 100-continue: a body that would be refused is not asked
		// for.
		ExpectHandler: s.expect,
		// The header timeout bounds the wait for a connection's first
		// byte, then the request line and headers from the first byte
		// (a keep-alive connection's next request likewise); once they
		// are in, the body gets the read timeout.
		ReadTimeout: cfg.ReadHeaderTimeout,
		HeaderReceived: func(*fasthttp.RequestHeader) fasthttp.RequestConfig {
			return fasthttp.RequestConfig{ReadTimeout: cfg.ReadTimeout}
		},
		WriteTimeout: cfg.WriteTimeout,
		IdleTimeout:  cfg.IdleTimeout,
		// The read buffer bounds the request line and headers: longer is
		// 431.
		ReadBufferSize: cfg.MaxHeaderBytes,
		// The write buffer holds a whole response, headers and page (20
		// KB before compression), so each goes out in one write.
		WriteBufferSize: writeBuffer,
		// Both buffers, and the request's state, go back to their pools
		// once a response is out: a keep-alive connection waiting for its
		// next request holds about 1 KB of heap instead of the 46 KB
		// they make (TestIdleConnectionsAreCheap), for no throughput
		// measurable with wrk beside it.
		ReduceMemoryUsage:  true,
		MaxRequestBodySize: maxBody,
		// The connection cap is the listener's (limitListener), exact to
		// the connection; fasthttp's own is a worker count whose worker
		// goes back to its pool only after the connection is closed, so
		// at the cap it would refuse a connection the listener admitted
		// (503, without the headers every response carries). Twice the
		// cap leaves it room.
		Concurrency: 2 * cfg.MaxConns,
		// No form is multipart: never parse one.
		DisablePreParseMultipartForm: true,
		NoDefaultServerHeader:        true,
		NoDefaultContentType:         true,
		SecureErrorLogMessage:        true,
		CloseOnShutdown:              true,
		Logger:                       fastLogger{logger},
		TLSConfig:                    &tls.Config{MinVersion: tls.VersionTLS12},
	}
	return s, nil
}

// writeBuffer is the size of the buffer a response is written through.
const writeBuffer = 32 << 10

// Serve accepts connections on ln until Shutdown, with the connection
// limits applied first; with a certificate configured it speaks TLS.
func (s *Server) Serve(ln net.Listener) error {
	lln := newLimitListener(ln, s)
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		return ln.Close()
	}
	s.listeners = append(s.listeners, lln)
	s.mu.Unlock()
	var err error
	if s.cfg.TLSCert != "" {
		err = s.fast.ServeTLS(lln, s.cfg.TLSCert, s.cfg.TLSKey)
	} else {
		err = s.fast.Serve(lln)
	}
	if s.closing.Load() && (err == nil || errors.Is(err, net.ErrClosed)) {
		return nil
	}
	if err == nil { // the listener was closed under us, not by Shutdown
		return net.ErrClosed
	}
	return err
}

// Run serves ln until ctx ends, then shuts down within grace.
func (s *Server) Run(ctx context.Context, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ln) }()
	s.log.Info("http listening", "addr", ln.Addr().String(), "tls", s.cfg.TLSCert != "", "public_url", s.cfg.PublicURL)
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return s.Shutdown(sctx)
}

// Shutdown stops accepting, lets requests in flight finish until ctx ends,
// then closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing.Store(true)
	lns := s.listeners
	s.mu.Unlock()
	for _, ln := range lns {
		_ = ln.Close()
	}
	err := s.fast.ShutdownWithContext(ctx)
	if ctx.Err() != nil {
		for _, ln := range lns {
			ln.closeAll()
		}
		return nil
	}
	if errors.Is(err, net.ErrClosed) { // the listeners closed above
		return nil
	}
	return err
}

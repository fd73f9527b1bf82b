package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/laphets/resume/internal/hostkey"
	"github.com/laphets/resume/store"
)

// Config is everything the server can be told at start-up. The command line
// (cmd/resume serve) binds each field to a flag and an environment variable;
// the names are given beside each field. Validate it once, with Validate,
// before New.
type Config struct {
	// Addr is the SSH listen address. --addr, RESUME_ADDR.
	Addr string
	// DataDir holds the host key and any other state. --data-dir,
	// RESUME_DATA_DIR.
	DataDir string
	// ContentFile is the résumé (JSON or YAML); empty serves the embedded
	// one. --content, RESUME_CONTENT.
	ContentFile string
	// HostKeyFile is the ed25519 host key, created with mode 0600 when
	// missing; empty means DataDir/ssh_host_ed25519_key. --host-key,
	// RESUME_HOST_KEY.
	HostKeyFile string

	// HandshakeTimeout closes a connection that has not finished the SSH
	// handshake (including authentication) in time. --handshake-timeout,
	// RESUME_HANDSHAKE_TIMEOUT.
	HandshakeTimeout time.Duration
	// IdleTimeout ends a session that has had no input from the visitor for
	// this long, and a connection that has had no session for this long.
	// --idle-timeout, RESUME_IDLE_TIMEOUT.
	IdleTimeout time.Duration
	// MaxSession is the longest a connection may last, busy or not.
	// --max-session, RESUME_MAX_SESSION.
	MaxSession time.Duration

	// MaxSessions caps connections, and sessions, across all visitors.
	// --max-sessions, RESUME_MAX_SESSIONS.
	MaxSessions int
	// MaxSessionsPerIP caps connections, and sessions, from one address (an
	// IPv4 address or an IPv6 /64). --max-sessions-per-ip,
	// RESUME_MAX_SESSIONS_PER_IP.
	MaxSessionsPerIP int
	// MaxSessionsPerConn caps session channels on one connection, like
	// OpenSSH's MaxSessions. --max-sessions-per-conn,
	// RESUME_MAX_SESSIONS_PER_CONN.
	MaxSessionsPerConn int
	// RatePerIP is how many new connections per second one address may
	// open on average, and BurstPerIP how many it may open at once; the
	// rest are refused before the handshake. --rate-per-ip,
	// RESUME_RATE_PER_IP; --burst-per-ip, RESUME_BURST_PER_IP.
	RatePerIP  float64
	BurstPerIP int

	// TrustedProxies are the networks allowed to send a PROXY protocol
	// header (v1 or v2); connections from them must send one. Empty turns
	// the PROXY protocol off. --proxy-protocol, RESUME_PROXY_PROTOCOL.
	TrustedProxies []netip.Prefix

	// PublicHost is the name (and port, if not 22) visitors use, such as
	// resume.example.com or resume.example.com:2222; help and hints show
	// it. Empty shows "<host>" and the port the visitor reached.
	// --public-host, RESUME_PUBLIC_HOST.
	PublicHost string

	// MetricsAddr serves /metrics and /healthz over HTTP; empty is off.
	// --metrics-addr, RESUME_METRICS_ADDR.
	MetricsAddr string
	// Pprof adds /debug/pprof/ to the metrics listener. --pprof,
	// RESUME_PPROF.
	Pprof bool

	// LogFormat is "text" or "json"; LogLevel is debug, info, warn or
	// error. --log-format, RESUME_LOG_FORMAT; --log-level,
	// RESUME_LOG_LEVEL.
	LogFormat string
	LogLevel  string

	// ShutdownGrace is how long a shutdown waits for sessions to finish
	// before closing them. --shutdown-grace, RESUME_SHUTDOWN_GRACE.
	ShutdownGrace time.Duration
	// PDFFont is a TrueType font file the PDF is set in, for scripts the
	// Go fonts lack (CJK); empty uses the Go fonts. --pdf-font,
	// RESUME_PDF_FONT.
	PDFFont string

	// ReloadInterval is how often the content file is checked for changes;
	// 0 checks only on SIGHUP. --reload-interval, RESUME_RELOAD_INTERVAL.
	ReloadInterval time.Duration

	// DatabaseURL keeps the messages in PostgreSQL (postgres://...), so
	// that replicas share one inbox; empty keeps them in SQLite,
	// DataDir/messages.db. --database-url, RESUME_DATABASE_URL.
	DatabaseURL string
	// OwnerKeysFile lists the owner's public keys (authorized_keys
	// format); a session that proved one of them may read the inbox.
	// Empty: nobody can, over SSH. --owner-keys, RESUME_OWNER_KEYS.
	OwnerKeysFile string
	// NotifyURL receives each new message as a JSON POST, retried with
	// backoff from a durable outbox; empty is off. --notify-url,
	// RESUME_NOTIFY_URL.
	NotifyURL string
	// NotifyRetry is the first retry delay of a failed notification; it
	// doubles up to ten minutes. --notify-retry, RESUME_NOTIFY_RETRY.
	NotifyRetry time.Duration
	// MessagesPerIP and MessagesPerKey cap the messages one address (IPv6:
	// /64) and one SSH key may send per clock hour; MessagesPerDay caps
	// them all per UTC day. 0 turns one off. --messages-per-ip,
	// RESUME_MESSAGES_PER_IP; --messages-per-key, RESUME_MESSAGES_PER_KEY;
	// --messages-per-day, RESUME_MESSAGES_PER_DAY.
	MessagesPerIP, MessagesPerKey, MessagesPerDay int
}

// Defaults that are safe on the public internet.
const (
	DefaultAddr               = ":23234"
	DefaultHandshakeTimeout   = 15 * time.Second
	DefaultIdleTimeout        = 10 * time.Minute
	DefaultMaxSession         = time.Hour
	DefaultMaxSessions        = 1000
	DefaultMaxSessionsPerIP   = 8
	DefaultMaxSessionsPerConn = 10
	DefaultRatePerIP          = 1.0
	DefaultBurstPerIP         = 10
	DefaultShutdownGrace      = 10 * time.Second
	DefaultReloadInterval     = 5 * time.Second
	DefaultNotifyRetry        = 5 * time.Second
)

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Addr:               DefaultAddr,
		DataDir:            DefaultDataDir(),
		HandshakeTimeout:   DefaultHandshakeTimeout,
		IdleTimeout:        DefaultIdleTimeout,
		MaxSession:         DefaultMaxSession,
		MaxSessions:        DefaultMaxSessions,
		MaxSessionsPerIP:   DefaultMaxSessionsPerIP,
		MaxSessionsPerConn: DefaultMaxSessionsPerConn,
		RatePerIP:          DefaultRatePerIP,
		BurstPerIP:         DefaultBurstPerIP,
		LogFormat:          LogText,
		LogLevel:           "info",
		ShutdownGrace:      DefaultShutdownGrace,
		ReloadInterval:     DefaultReloadInterval,
		NotifyRetry:        DefaultNotifyRetry,
		MessagesPerIP:      store.DefaultLimits.PerAddressPerHour,
		MessagesPerKey:     store.DefaultLimits.PerKeyPerHour,
		MessagesPerDay:     store.DefaultLimits.PerDay,
	}
}

// MessagesFile is the SQLite file of the messages, in the data directory.
const MessagesFile = "messages.db"

// StoreOptions are the options to open the message store with.
func (c Config) StoreOptions() store.Options {
	return store.Options{
		DatabaseURL: c.DatabaseURL,
		SQLitePath:  filepath.Join(c.DataDir, MessagesFile),
		Limits:      store.Limits{PerAddressPerHour: c.MessagesPerIP, PerKeyPerHour: c.MessagesPerKey, PerDay: c.MessagesPerDay},
		Outbox:      c.NotifyURL != "",
	}
}

// DefaultDataDir is the per-user state directory: $XDG_STATE_HOME/resume,
// else ~/.local/state/resume, else ./resume-data when there is no home.
// Containers set RESUME_DATA_DIR=/data instead.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "resume")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".local", "state", "resume")
	}
	return "resume-data"
}

// HostKeyPath is where the host key is read from, or created.
func (c Config) HostKeyPath() string {
	if c.HostKeyFile != "" {
		return c.HostKeyFile
	}
	return filepath.Join(c.DataDir, hostkey.FileName)
}

// ParseProxyNetworks reads a comma-separated list of networks (CIDR) or
// single addresses, as --proxy-protocol takes them.
func ParseProxyNetworks(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a network (10.0.0.0/8) or an address (10.0.0.1)", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// Validate reports every problem with c at once, naming the flags.
func (c Config) Validate() error {
	var errs []error
	bad := func(flag, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--%s: %s", flag, fmt.Sprintf(format, args...)))
	}
	checkAddr := func(flag, addr string) {
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			bad(flag, "%q is not host:port (for example :23234 or 127.0.0.1:23234)", addr)
		}
	}
	checkAddr("addr", c.Addr)
	if _, err := publicSSH(c.PublicHost); err != nil {
		bad("public-host", "%v (want a host name such as resume.example.com, with :PORT if not 22)", err)
	}
	if c.MetricsAddr != "" {
		checkAddr("metrics-addr", c.MetricsAddr)
	}
	if c.DataDir == "" && c.HostKeyFile == "" {
		bad("data-dir", "must be set (or give --host-key)")
	}
	positive := func(flag string, d time.Duration) {
		if d <= 0 {
			bad(flag, "must be a positive duration such as 30s or 10m (got %s)", d)
		}
	}
	positive("handshake-timeout", c.HandshakeTimeout)
	positive("idle-timeout", c.IdleTimeout)
	positive("max-session", c.MaxSession)
	positive("shutdown-grace", c.ShutdownGrace)
	if c.ReloadInterval < 0 {
		bad("reload-interval", "must be 0 (SIGHUP only) or a positive duration (got %s)", c.ReloadInterval)
	}
	atLeast1 := func(flag string, n int) {
		if n < 1 {
			bad(flag, "must be at least 1 (got %d)", n)
		}
	}
	atLeast1("max-sessions", c.MaxSessions)
	atLeast1("max-sessions-per-ip", c.MaxSessionsPerIP)
	atLeast1("max-sessions-per-conn", c.MaxSessionsPerConn)
	atLeast1("burst-per-ip", c.BurstPerIP)
	if c.MaxSessionsPerIP > c.MaxSessions && c.MaxSessions >= 1 {
		bad("max-sessions-per-ip", "must not exceed --max-sessions (%d > %d)", c.MaxSessionsPerIP, c.MaxSessions)
	}
	if !(c.RatePerIP > 0) {
		bad("rate-per-ip", "must be a positive number of connections per second, such as 1 or 0.5 (got %v)", c.RatePerIP)
	}
	for _, p := range c.TrustedProxies {
		if !p.IsValid() {
			bad("proxy-protocol", "invalid network %v", p)
		}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		bad("database-url", "must be a PostgreSQL URL, postgres://USER:PASSWORD@HOST:5432/DB (empty keeps messages in SQLite in --data-dir)")
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		bad("data-dir", "must be set for the message store (or give --database-url)")
	}
	if c.NotifyURL != "" {
		if u, err := url.Parse(c.NotifyURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("notify-url", "must be an http:// or https:// URL (got %q)", c.NotifyURL)
		}
	}
	positive("notify-retry", c.NotifyRetry)
	for _, l := range []struct {
		flag string
		n    int
	}{{"messages-per-ip", c.MessagesPerIP}, {"messages-per-key", c.MessagesPerKey}, {"messages-per-day", c.MessagesPerDay}} {
		if l.n < 0 {
			bad(l.flag, "must be 0 (no limit) or more (got %d)", l.n)
		}
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		bad("log-level", "%v", err)
	}
	if c.LogFormat != LogText && c.LogFormat != LogJSON {
		bad("log-format", "must be text or json (got %q)", c.LogFormat)
	}
	return errors.Join(errs...)
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("must be debug, info, warn or error (got %q)", s)
	}
	return l, nil
}

// hostPlaceholder stands for the host in hints when the owner has not
// named it (PublicHost): the name a visitor dialled never reaches the
// server.
const hostPlaceholder = "<host>"

// SSHCommand is the command visitors type to reach the server, for help
// and hints: "ssh resume.example.com" or "ssh -p 2222 resume.example.com"
// from PublicHost. Without one, the host is unknown but the port a visitor
// reached is not: "ssh -p 23234 <host>" from local, the address the
// session came in on (nil: the port of Addr).
func (c Config) SSHCommand(local net.Addr) string {
	if cmd, err := publicSSH(c.PublicHost); err == nil && cmd != "" {
		return cmd
	}
	port := 0
	if ta, ok := local.(*net.TCPAddr); ok {
		port = ta.Port
	} else if _, p, err := net.SplitHostPort(c.Addr); err == nil {
		port, _ = strconv.Atoi(p)
	}
	if port <= 0 {
		return SSHCommandFor(hostPlaceholder, "")
	}
	return SSHCommandFor(hostPlaceholder, strconv.Itoa(port))
}

func publicSSH(hostport string) (string, error) {
	if hostport == "" {
		return "", nil
	}
	host, port := hostport, ""
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	}
	if host == "" || strings.ContainsFunc(host, func(r rune) bool {
		return r <= ' ' || r == '/' || r == '@' || r > '~'
	}) {
		return "", fmt.Errorf("%q is not a host name", hostport)
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("%q has no valid port", hostport)
		}
	}
	return SSHCommandFor(host, port), nil
}

// SSHCommandFor is the command that reaches host on port: "ssh HOST",
// with "-p PORT" unless the port is 22 (or not given), an IPv6 address in
// brackets.
func SSHCommandFor(host, port string) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "" || port == "22" {
		return "ssh " + host
	}
	return "ssh -p " + port + " " + host
}

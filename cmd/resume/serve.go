package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/laphets/resume/internal/version"
	"github.com/laphets/resume/server"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/web"
)

// envPrefix names every flag's environment twin: --max-session is
// RESUME_MAX_SESSION.
const envPrefix = "RESUME_"

func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// serveFlags binds cfg to the serve flags, and says each one's
// environment variable in its help.
func serveFlags(fs *pflag.FlagSet, cfg *server.Config, proxies *string) {
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "SSH listen address")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "directory for the host key and state")
	fs.StringVar(&cfg.ContentFile, "content", cfg.ContentFile, "résumé file, JSON or YAML (default: the embedded résumé)")
	fs.StringVar(&cfg.HostKeyFile, "host-key", cfg.HostKeyFile, "ed25519 host key file, created when missing (default: DATA-DIR/ssh_host_ed25519_key)")
	fs.DurationVar(&cfg.HandshakeTimeout, "handshake-timeout", cfg.HandshakeTimeout, "close connections that have not finished the SSH handshake in time")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "end sessions without visitor input for this long")
	fs.DurationVar(&cfg.MaxSession, "max-session", cfg.MaxSession, "longest a connection may last")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", cfg.MaxSessions, "most connections, and sessions, open at once for all visitors")
	fs.IntVar(&cfg.MaxSessionsPerIP, "max-sessions-per-ip", cfg.MaxSessionsPerIP, "most connections, and sessions, open at once from one address (IPv6: /64)")
	fs.IntVar(&cfg.MaxSessionsPerConn, "max-sessions-per-conn", cfg.MaxSessionsPerConn, "most sessions on one connection")
	fs.Float64Var(&cfg.RatePerIP, "rate-per-ip", cfg.RatePerIP, "new connections per second one address may open, on average")
	fs.IntVar(&cfg.BurstPerIP, "burst-per-ip", cfg.BurstPerIP, "new connections one address may open at once")
	fs.StringVar(proxies, "proxy-protocol", *proxies, "accept PROXY protocol headers from these networks, comma-separated (e.g. 10.0.0.0/8); off when empty")
	fs.StringVar(&cfg.PublicHost, "public-host", cfg.PublicHost, "the host name (and :PORT if not 22) visitors type, for help and hints")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve /metrics and /healthz on this address; off when empty")
	fs.BoolVar(&cfg.Pprof, "pprof", cfg.Pprof, "also serve /debug/pprof/ on the metrics address")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "log format: text or json")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn or error")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", cfg.ShutdownGrace, "on SIGTERM or SIGINT, how long to wait for sessions before closing them")
	fs.StringVar(&cfg.PDFFont, "pdf-font", cfg.PDFFont, "TrueType (.ttf) font file for the PDF, for scripts the Go fonts lack (default: the Go fonts)")
	fs.DurationVar(&cfg.ReloadInterval, "reload-interval", cfg.ReloadInterval, "how often to check the content file for changes; 0 reloads on SIGHUP only")
	storeFlags(fs, cfg)
	fs.StringVar(&cfg.OwnerKeysFile, "owner-keys", cfg.OwnerKeysFile, "the owner's public keys (authorized_keys format): who may read the inbox over SSH")
	fs.StringVar(&cfg.NotifyURL, "notify-url", cfg.NotifyURL, "POST each new message as JSON to this URL (Slack/Mattermost-style webhooks work); off when empty")
	fs.DurationVar(&cfg.NotifyRetry, "notify-retry", cfg.NotifyRetry, "first retry delay of a failed notification; doubles up to 10m")
	fs.IntVar(&cfg.MessagesPerIP, "messages-per-ip", cfg.MessagesPerIP, "messages one address (IPv6: /64) may send per hour; 0: no limit")
	fs.IntVar(&cfg.MessagesPerKey, "messages-per-key", cfg.MessagesPerKey, "messages one SSH key may send per hour; 0: no limit")
	fs.IntVar(&cfg.MessagesPerDay, "messages-per-day", cfg.MessagesPerDay, "messages accepted from everybody per UTC day; 0: no limit")
}

// envHelp says each flag's environment variable in its help.
func envHelp(fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		f.Usage += " (env " + envName(f.Name) + ")"
	})
}

// applyEnv sets every flag not given on the command line from its
// environment variable, if that is set.
func applyEnv(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed {
			return
		}
		name := envName(f.Name)
		if v, ok := os.LookupEnv(name); ok {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, serr)
			}
		}
	})
	return err
}

// newServeCmd is `resume serve`. Its flags and run function are also the
// root command's, so `resume` alone serves.
func newServeCmd() *cobra.Command {
	cfg := server.DefaultConfig()
	webCfg := web.DefaultConfig()
	var proxies, webProxies string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the résumé over SSH and HTTP (the default command)",
		Long: `Serve runs the SSH server: a terminal gets the interactive résumé, no
terminal gets plain text, and "ssh HOST json|markdown|text|help|version"
gets that output. Beside it, on --http-addr, the web twin: the page for
browsers, text for curl, /resume.txt, /resume.md, /resume.json and /ssh.
Both serve the same content and reload it together. Every flag can also be
set by its environment variable. SIGTERM or SIGINT shuts down gracefully;
SIGHUP reloads the content file.`,
		Example: `  resume serve
  resume serve --addr :22 --content me.yaml --metrics-addr 127.0.0.1:9234
  resume serve --public-host resume.example.com --public-url https://resume.example.com
  RESUME_DATA_DIR=/data RESUME_CONTENT=/data/resume.json resume`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			tuneGC()
			nets, err := server.ParseProxyNetworks(proxies)
			if err != nil {
				return fmt.Errorf("--proxy-protocol: %w", err)
			}
			cfg.TrustedProxies = nets
			if err := cfg.Validate(); err != nil {
				return err
			}
			if err := parseWebConfig(&webCfg, webProxies); err != nil {
				return err
			}
			logger, err := server.NewLogger(cmd.ErrOrStderr(), cfg.LogFormat, cfg.LogLevel)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			st, err := openStore(ctx, cfg)
			if err != nil {
				return err
			}
			defer func() { _ = st.Close() }() // after Run: the sessions are gone
			srv, err := server.New(cfg, logger, server.WithStore(st))
			if err != nil {
				return err
			}
			if cfg.NotifyURL != "" {
				hook := &store.Webhook{URL: cfg.NotifyURL, Retry: cfg.NotifyRetry, Log: logger.With("component", "webhook")}
				hctx, hcancel := context.WithCancel(ctx)
				hookDone := make(chan struct{})
				go func() { defer close(hookDone); hook.Run(hctx, st) }()
				// Before the store closes: a delivery that went through is
				// recorded in the outbox (Run updates it before it returns),
				// or the next start would send it a second time.
				defer func() { hcancel(); <-hookDone }()
			}
			logger.Info("messages", "store", st.Engine(), "owner_keys", cfg.OwnerKeysFile != "", "notify", cfg.NotifyURL != "")
			if webCfg.Addr == "" {
				return srv.Run(ctx, hangups(ctx))
			}
			webCfg.SSH = sshInfo(cfg, webCfg.PublicURL, srv.HostKey())
			webCfg.Version = version.String()
			webCfg.PDFFont = srv.PDFFont()
			// The web side serves the résumé the SSH side loaded, and
			// renders again when a reload swaps it.
			ws, err := web.New(webCfg, logger, srv.Resume, srv.Registry(), web.WithMessages(st), web.WithPDFs(srv.PDFCache))
			if err != nil {
				return err
			}
			hln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", webCfg.Addr)
			if err != nil {
				return fmt.Errorf("listen http: %w", err)
			}
			return runBoth(ctx, srv, ws, hln, cfg.ShutdownGrace)
		},
	}
	serveFlags(cmd.Flags(), &cfg, &proxies)
	webFlags(cmd.Flags(), &webCfg, &webProxies)
	envHelp(cmd.Flags())
	return cmd
}

// runBoth runs the SSH and HTTP servers until ctx ends or either fails,
// then shuts both down.
func runBoth(ctx context.Context, srv *server.Server, ws *web.Server, hln net.Listener, grace time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	webErr := make(chan error, 1)
	go func() {
		webErr <- ws.Run(ctx, hln, grace)
		cancel()
	}()
	err := srv.Run(ctx, hangups(ctx))
	cancel()
	if werr := <-webErr; err == nil {
		err = werr
	}
	return err
}

// serveGCPercent is the garbage collector's target for the server unless
// GOGC says otherwise. Held sessions are long-lived heap: at Go's default
// of 100 the heap grows to twice what they use before a collection.
// Measured with go run ./bench/cmd/load (1000 sessions at 100x30), 50 cut
// memory per session from 364 to 312 KiB with no loss in sessions/s; 25
// saved a little more but slowed accepting under load.
const serveGCPercent = 50

func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serveGCPercent)
	}
}

// hangups turns SIGHUP into reload requests until ctx ends.
func hangups(ctx context.Context) <-chan struct{} {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	out := make(chan struct{}, 1)
	go func() {
		defer signal.Stop(sig)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
				select {
				case out <- struct{}{}:
				default: // a reload is already pending
				}
			}
		}
	}()
	return out
}

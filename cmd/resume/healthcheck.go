package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/laphets/resume/internal/healthcheck"
	"github.com/laphets/resume/server"
)

func newHealthcheckCmd() *cobra.Command {
	var (
		addr        = server.DefaultAddr
		metricsAddr string
		timeout     = healthcheck.Timeout
	)
	var twins *pflag.FlagSet
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 if the local server is serving (for container health checks)",
		Long: `Healthcheck connects to the server at --addr and completes an SSH handshake
as a visitor would. When --metrics-addr is set it also asks for /healthz,
which must answer 200 OK. It exits 0 when every check passes within
--timeout, and 1 otherwise, saying why on stderr.

A wildcard address (":23234", "0.0.0.0:23234", "[::]:23234") is checked on
the loopback address, so the check reads the same RESUME_ADDR and
RESUME_METRICS_ADDR as the server it checks. The image's HEALTHCHECK runs it;
it needs no shell.`,
		Example: `  resume healthcheck
  resume healthcheck --addr 127.0.0.1:2222
  resume healthcheck --metrics-addr :9234`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(twins); err != nil {
				return fmt.Errorf("healthcheck: %w", err)
			}
			if timeout <= 0 {
				return fmt.Errorf("healthcheck: --timeout %v: want a positive duration such as 3s", timeout)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			start := time.Now()

			sshAddr, err := healthcheck.LocalAddr(addr)
			if err != nil {
				return fmt.Errorf("healthcheck: --addr: %w", err)
			}
			fp, err := healthcheck.SSH(ctx, sshAddr)
			if err != nil {
				return fmt.Errorf("healthcheck: ssh %s: %w", sshAddr, err)
			}
			msg := fmt.Sprintf("ssh %s (host key %s)", sshAddr, fp)

			if metricsAddr != "" {
				httpAddr, err := healthcheck.LocalAddr(metricsAddr)
				if err != nil {
					return fmt.Errorf("healthcheck: --metrics-addr: %w", err)
				}
				if err := healthcheck.HTTP(ctx, httpAddr); err != nil {
					return fmt.Errorf("healthcheck: http %s/healthz: %w", httpAddr, err)
				}
				msg += fmt.Sprintf(", http %s/healthz", httpAddr)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "healthy: %s in %v\n", msg, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", addr, "SSH address the server listens on")
	f.StringVar(&metricsAddr, "metrics-addr", metricsAddr, "metrics address whose /healthz must also answer; empty skips it")
	f.DurationVar(&timeout, "timeout", timeout, "time the whole check may take")
	twins = envTwins(f, "addr", "metrics-addr")
	return cmd
}

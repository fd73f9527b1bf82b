package main

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"

	"github.com/spf13/pflag"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/hostkey"
	"github.com/laphets/resume/render/html"
	"github.com/laphets/resume/server"
	"github.com/laphets/resume/web"
)

// webFlags binds the HTTP side's flags.
func webFlags(fs *pflag.FlagSet, cfg *web.Config, proxies *string) {
	fs.StringVar(&cfg.Addr, "http-addr", cfg.Addr, `serve the web page, text, Markdown and JSON over HTTP on this address; off when ""`)
	fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "the page's canonical address, such as https://resume.example.com, for links and Open Graph (and the ssh command, without --public-host)")
	fs.StringVar(proxies, "http-trusted-proxies", *proxies, "believe X-Forwarded-For and Forwarded from these networks, comma-separated (e.g. 10.0.0.0/8); off when empty")
	fs.StringVar(&cfg.TLSCert, "tls-cert", cfg.TLSCert, "serve HTTPS with this certificate (PEM, with its chain); needs --tls-key")
	fs.StringVar(&cfg.TLSKey, "tls-key", cfg.TLSKey, "the private key of --tls-cert (PEM)")
	fs.IntVar(&cfg.MaxConns, "http-max-conns", cfg.MaxConns, "most HTTP connections open at once for all visitors")
	fs.IntVar(&cfg.MaxConnsPerIP, "http-max-conns-per-ip", cfg.MaxConnsPerIP, "most HTTP connections open at once from one address (IPv6: /64)")
	fs.Float64Var(&cfg.RatePerIP, "http-rate-per-ip", cfg.RatePerIP, "HTTP requests per second one address may make, on average; 0 for no limit")
	fs.IntVar(&cfg.BurstPerIP, "http-burst-per-ip", cfg.BurstPerIP, "HTTP requests one address may make at once")
}

// sshTarget is the host and port visitors reach the SSH server at:
// --public-host, else the host of --public-url with the port of --addr,
// else localhost.
func sshTarget(cfg server.Config, publicURL string) (host, port string) {
	_, port, _ = net.SplitHostPort(cfg.Addr)
	if port == "" {
		port = "22"
	}
	if cfg.PublicHost != "" {
		host, p, err := net.SplitHostPort(cfg.PublicHost)
		if err != nil {
			return cfg.PublicHost, "22"
		}
		return host, p
	}
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		return u.Hostname(), port
	}
	return "localhost", port
}

// sshInfo is what the /ssh page shows: the command, the fingerprint, the
// known_hosts line and, for a DNS name, the SSHFP records.
func sshInfo(cfg server.Config, publicURL string, key gossh.PublicKey) html.SSHInfo {
	host, port := sshTarget(cfg, publicURL)
	info := html.SSHInfo{
		Fingerprint: hostkey.Fingerprint(key),
		PublicKey:   strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key))),
	}
	info.Command = server.SSHCommandFor(host, port)
	if port == "22" {
		info.KnownHosts = host + " " + info.PublicKey
	} else {
		info.KnownHosts = "[" + host + "]:" + port + " " + info.PublicKey
	}
	if _, err := netip.ParseAddr(host); err != nil && strings.Contains(host, ".") {
		if recs, err := hostkey.SSHFP(host+".", key); err == nil {
			info.SSHFP = recs
		}
	}
	return info
}

// parseWebConfig finishes the HTTP config from the flags.
func parseWebConfig(cfg *web.Config, proxies string) error {
	nets, err := server.ParseProxyNetworks(proxies)
	if err != nil {
		return fmt.Errorf("--http-trusted-proxies: %w", err)
	}
	cfg.TrustedProxies = nets
	return cfg.Validate()
}

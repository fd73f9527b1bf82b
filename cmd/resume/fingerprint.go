package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/hostkey"
	"github.com/laphets/resume/server"
)

// hostKeyFlags are the flags that find the server's host key, as serve
// finds it: --host-key, else DATA-DIR/ssh_host_ed25519_key.
type hostKeyFlags struct {
	cfg   server.Config
	host  string
	twins *pflag.FlagSet
}

func (h *hostKeyFlags) bind(fs *pflag.FlagSet) {
	h.cfg = server.DefaultConfig()
	fs.StringVar(&h.cfg.DataDir, "data-dir", h.cfg.DataDir, "the server's data directory")
	fs.StringVar(&h.cfg.HostKeyFile, "host-key", h.cfg.HostKeyFile, "host key file (default: DATA-DIR/"+hostkey.FileName+")")
	fs.StringVar(&h.host, "host", "@", `host name of the SSHFP records, such as "resume.example.com." ("@": the zone's own name)`)
	h.twins = envTwins(fs, "data-dir", "host-key")
}

// path is the host key file, after the environment has had its say.
func (h *hostKeyFlags) path() (string, error) {
	if err := applyEnv(h.twins); err != nil {
		return "", err
	}
	return h.cfg.HostKeyPath(), nil
}

// printKey writes what a visitor needs to check the key: its description
// as `ssh-keygen -l` gives it, the public key, and its SSHFP records.
func printKey(w io.Writer, key gossh.PublicKey, file, host string) error {
	recs, err := hostkey.SSHFP(host, key)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, hostkey.Describe(key, file))
	fmt.Fprint(w, string(gossh.MarshalAuthorizedKey(key)))
	for _, r := range recs {
		fmt.Fprintln(w, r)
	}
	return nil
}

func newFingerprintCmd() *cobra.Command {
	var h hostKeyFlags
	cmd := &cobra.Command{
		Use:   "fingerprint",
		Short: "Print the host key's fingerprint and its SSHFP DNS records",
		Long: `Fingerprint reads the server's host key (the one serve uses; it never
makes one) and prints three things, one a line:

  256 SHA256:... FILE (ED25519)    the fingerprint, as ssh shows it to a
                                   visitor on first connection
  ssh-ed25519 AAAA...              the public key, for a known_hosts line
  HOST IN SSHFP 4 2 ...            the SSHFP record for your DNS zone

Publish the fingerprint where visitors can compare it. With the SSHFP
record in a DNSSEC-signed zone, OpenSSH checks the key itself for visitors
who set VerifyHostKeyDNS=yes.`,
		Example: `  resume fingerprint --host resume.example.com.
  docker exec resume /resume fingerprint
  kubectl -n resume exec deploy/resume -- /resume fingerprint`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := h.path()
			if err != nil {
				return fmt.Errorf("fingerprint: %w", err)
			}
			signer, err := hostkey.Load(path)
			if err != nil {
				return fmt.Errorf("fingerprint: %w (the server makes the key on its first start; or make one with `resume keygen`)", err)
			}
			return printKey(cmd.OutOrStdout(), signer.PublicKey(), path, h.host)
		},
	}
	h.bind(cmd.Flags())
	return cmd
}

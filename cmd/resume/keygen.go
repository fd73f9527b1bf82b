package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/laphets/resume/internal/hostkey"
)

func newKeygenCmd() *cobra.Command {
	var h hostKeyFlags
	cmd := &cobra.Command{
		Use:   "keygen [FILE]",
		Short: "Make a new ed25519 host key",
		Long: `Keygen makes a new ed25519 host key in OpenSSH format, mode 0600, at FILE
(default: where serve looks for it) and prints its fingerprint like the
fingerprint command. It never replaces a key: a new key makes every
returning visitor's ssh warn that the server has changed.

The server makes its own key on first start; keygen is for a key made in
advance, such as the one a Kubernetes Secret gives every replica.`,
		Example: `  resume keygen deploy/kubernetes/ssh_host_ed25519_key
  resume keygen --data-dir /var/lib/resume`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := h.path()
			if err != nil {
				return fmt.Errorf("keygen: %w", err)
			}
			if len(args) == 1 {
				path = args[0]
			}
			if _, err := os.Lstat(path); err == nil {
				return fmt.Errorf("keygen: %s exists; keygen never replaces a host key (remove it first if you mean to change the server's identity)", path)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("keygen: %w", err)
			}
			signer, created, err := hostkey.LoadOrCreate(path)
			if err != nil {
				return fmt.Errorf("keygen: %w", err)
			}
			if !created {
				return fmt.Errorf("keygen: %s appeared while the key was made; it was left alone", path)
			}
			return printKey(cmd.OutOrStdout(), signer.PublicKey(), path, h.host)
		},
	}
	h.bind(cmd.Flags())
	return cmd
}

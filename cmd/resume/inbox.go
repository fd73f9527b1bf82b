package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/laphets/resume/server"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/inbox"
)

// storeFlags binds the flags that say where the messages are.
func storeFlags(fs *pflag.FlagSet, cfg *server.Config) {
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "keep messages in PostgreSQL (postgres://USER:PASSWORD@HOST/DB), shared by replicas; empty: SQLite in the data directory")
}

// openStore opens the message store cfg names, within a minute (a
// PostgreSQL that is still starting gets that long).
func openStore(ctx context.Context, cfg server.Config) (store.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return store.Open(ctx, cfg.StoreOptions())
}

// newInboxCmd is `resume inbox`: the owner reads the messages on the host
// itself, straight from the store (the data directory's SQLite file, or
// --database-url), with no SSH key needed.
func newInboxCmd() *cobra.Command {
	cfg := server.DefaultConfig()
	var asJSON bool
	var twins *pflag.FlagSet
	run := func(c inbox.Command) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(twins); err != nil {
				return err
			}
			if len(args) == 1 {
				c.ID = args[0]
			}
			c.JSON = asJSON
			st, err := openStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			err = c.Run(cmd.Context(), st, cmd.OutOrStdout())
			if cerr := st.Close(); err == nil {
				err = cerr
			}
			return err
		}
	}
	root := &cobra.Command{
		Use:   "inbox",
		Short: "List the messages visitors left, newest first",
		Long: `Inbox reads the messages straight from the store: the SQLite file in the
data directory, or PostgreSQL with --database-url. Unread messages are
marked with *. Over SSH, the owner's key gets the same with
"ssh HOST inbox" (see --owner-keys).`,
		Example: `  resume inbox
  resume inbox read 5nbmtwcseytnngsb
  resume inbox delete 5nbmtwcseytnngsb
  RESUME_DATABASE_URL=postgres://resume@db/resume resume inbox --json`,
		Args: cobra.NoArgs,
		RunE: run(inbox.Command{Verb: "list"}),
	}
	pf := root.PersistentFlags()
	pf.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "directory the server keeps its state in")
	storeFlags(pf, &cfg)
	pf.BoolVar(&asJSON, "json", false, "print JSON")
	twins = envTwins(pf, "data-dir", "database-url")
	root.AddCommand(
		&cobra.Command{Use: "read ID", Short: "Print one message and mark it read", Args: cobra.ExactArgs(1), RunE: run(inbox.Command{Verb: "read"})},
		&cobra.Command{Use: "delete ID", Short: "Delete one message and what is stored about its sender", Args: cobra.ExactArgs(1), RunE: run(inbox.Command{Verb: "delete"})},
	)
	return root
}

// Command resume serves a résumé over SSH and renders or validates résumé
// files. It only parses flags and wires the packages together.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/laphets/resume/internal/version"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		os.Exit(exitCode(err))
	}
}

// exitError carries an exit status out of a command whose message has
// already been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func exitCode(err error) int {
	if e, ok := err.(exitError); ok {
		return e.code
	}
	return 1
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "resume",
		Short:         "Serve a résumé over SSH as an interactive terminal app",
		SilenceUsage:  true,
		SilenceErrors: false,
		Version:       version.String(),
	}
	root.AddCommand(
		newVersionCmd(),
	)
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "resume", version.String())
		},
	}
}

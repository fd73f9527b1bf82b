// Command resume serves a résumé over SSH and renders or validates résumé
// files. It only parses flags and wires the packages together.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/version"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit status. Errors
// are printed here, once, except those whose message a command has printed.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var problems *content.ValidationError
	switch {
	case errors.As(err, &problems):
		fmt.Fprintln(stderr, err) // each line already names the file
	case !isExitError(err):
		fmt.Fprintln(stderr, "resume:", err)
	}
	return exitCode(err)
}

// exitError carries an exit status out of a command whose message has
// already been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func isExitError(err error) bool {
	var e exitError
	return errors.As(err, &e)
}

func exitCode(err error) int {
	var e exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "resume",
		Short:         "Serve a résumé over SSH as an interactive terminal app",
		SilenceUsage:  true,
		SilenceErrors: true, // run prints them

		Version: version.String(),
	}
	serve := newServeCmd()
	// With no subcommand, serve: `go run ./cmd/resume` starts the server,
	// taking the same flags.
	root.Flags().AddFlagSet(serve.Flags())
	root.Args = cobra.NoArgs
	root.RunE = serve.RunE
	root.AddCommand(
		serve,
		newVersionCmd(),
		newRenderCmd(),
		newValidateCmd(),
		newHealthcheckCmd(),
		newFingerprintCmd(),
		newKeygenCmd(),
		newInboxCmd(),
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

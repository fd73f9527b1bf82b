package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/laphets/resume/content"
)

func newValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check résumé files and list every problem",
		Long: `Validate checks each résumé file (JSON or YAML) against the JSON Resume
schema and this program's extensions. It prints every problem of every file
as FILE:LINE:COL: field.path: what is wrong (what would be valid), and exits
with status 1 if there was any; otherwise it says each file is valid.`,
		Example: `  resume validate me.yaml
  resume validate *.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := 0
			for _, name := range args {
				_, err := content.Load(name)
				if err == nil {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: valid\n", name)
					continue
				}
				bad++
				var verr *content.ValidationError
				if errors.As(err, &verr) {
					for _, p := range verr.Problems {
						fmt.Fprintln(cmd.ErrOrStderr(), p)
					}
				} else {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
				}
			}
			if bad > 0 {
				return exitError{code: 1}
			}
			return nil
		},
	}
}

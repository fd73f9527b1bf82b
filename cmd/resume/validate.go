package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/laphets/resume/content"
)

func newValidateCmd() *cobra.Command {
	var strict bool
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check résumé files: errors and warnings",
		Long: `Validate reads each résumé file (JSON or YAML) as serve and render do and
lists what it finds, one a line, as FILE:LINE:COL: field.path: what is wrong
(what would be valid):

  errors    the file cannot be shown at all (a syntax error, a document that
            is not an object, a file over 1 MiB); serve refuses it
  warnings  what a strict JSON Resume validator would reject (a date such as
            "Present" or "May 2022", a URL without a scheme, a summary
            written as a list, a missing name); the résumé is shown anyway,
            lines marked "warning:"

It exits with status 1 if any file has an error, or with --strict any
warning (for checking a résumé in CI); otherwise 0.`,
		Example: `  resume validate me.yaml
  resume validate --strict *.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := 0
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			for _, name := range args {
				r, err := content.Load(name)
				if err != nil {
					bad++
					var verr *content.ValidationError
					if errors.As(err, &verr) {
						for _, p := range verr.Problems {
							fmt.Fprintln(errOut, p)
						}
					} else {
						fmt.Fprintln(errOut, err)
					}
					continue
				}
				ws := r.Warnings()
				for _, p := range ws {
					fmt.Fprintln(errOut, p)
				}
				switch {
				case len(ws) == 0:
					fmt.Fprintf(out, "%s: valid\n", name)
				case strict:
					bad++
					fmt.Fprintf(out, "%s: %s (--strict: failed)\n", name, plural(len(ws), "warning"))
				default:
					fmt.Fprintf(out, "%s: shown as is, with %s (a strict JSON Resume validator would refuse the file)\n",
						name, plural(len(ws), "warning"))
				}
			}
			if bad > 0 {
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&strict, "strict", false, "fail (exit status 1) on warnings too, as a strict JSON Resume validator would")
	return cmd
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

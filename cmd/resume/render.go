package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/markdown"
	"github.com/laphets/resume/render/text"
)

// renderFormats are the values --format takes.
var renderFormats = []string{"text", "markdown", "json"}

func newRenderCmd() *cobra.Command {
	var (
		format string
		width  int
	)
	cmd := &cobra.Command{
		Use:   "render [FILE]",
		Short: "Print a résumé as text, Markdown or JSON",
		Long: `Render prints a résumé file (JSON or YAML) as plain text, Markdown or
JSON Resume. Without FILE it prints the embedded default résumé. A file that
cannot be shown (see validate) is refused with every error listed and exit
status 1; one with warnings is rendered, and the number of warnings is said
on standard error.`,
		Example: `  resume render
  resume render --width 60 me.yaml
  resume render --format markdown me.json > resume.md
  resume render --format json me.yaml > resume.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !contains(renderFormats, format) {
				return fmt.Errorf("render: --format %q is not a format (want one of %s)", format, strings.Join(renderFormats, ", "))
			}
			if width < text.MinWidth || width > text.MaxWidth {
				return fmt.Errorf("render: --width %d is out of range (want %d to %d)", width, text.MinWidth, text.MaxWidth)
			}
			r := content.Default()
			if len(args) == 1 {
				var err error
				if r, err = content.Load(args[0]); err != nil {
					return err
				}
				if n := len(r.Warnings()); n > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s; resume validate %[1]s lists them\n", args[0], plural(n, "warning"))
				}
			}
			out := cmd.OutOrStdout()
			switch format {
			case "markdown":
				_, err := fmt.Fprint(out, markdown.Render(r))
				return err
			case "json":
				b, err := r.JSON()
				if err != nil {
					return err
				}
				_, err = out.Write(b)
				return err
			}
			_, err := fmt.Fprint(out, text.Render(r, width))
			return err
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: "+strings.Join(renderFormats, ", "))
	cmd.Flags().IntVarP(&width, "width", "w", text.DefaultWidth,
		fmt.Sprintf("text width in columns (%d to %d)", text.MinWidth, text.MaxWidth))
	return cmd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

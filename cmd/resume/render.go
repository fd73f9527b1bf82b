package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/markdown"
	"github.com/laphets/resume/render/pdf"
	"github.com/laphets/resume/render/text"
)

// renderFormats are the values --format takes.
var renderFormats = []string{"text", "markdown", "json", "pdf"}

func newRenderCmd() *cobra.Command {
	var (
		format  string
		width   int
		paper   string
		pdfFont string
	)
	cmd := &cobra.Command{
		Use:   "render [FILE]",
		Short: "Print a résumé as text, Markdown, JSON or PDF",
		Long: `Render prints a résumé file (JSON or YAML) as plain text, Markdown, JSON
Resume or PDF. Without FILE it prints the embedded default résumé. A file that
cannot be shown (see validate) is refused with every error listed and exit
status 1; one with warnings is rendered, and the number of warnings is said
on standard error.

The PDF is A4 (or --paper letter), set in the Go fonts, which cover Latin,
Greek and Cyrillic; --pdf-font sets it in a TrueType font that covers other
scripts. Text the font cannot draw is an error naming the field. The PDF is
binary: redirect it to a file.`,
		Example: `  resume render
  resume render --width 60 me.yaml
  resume render --format markdown me.json > resume.md
  resume render --format json me.yaml > resume.json
  resume render --format pdf --paper letter me.json > cv.pdf`,
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
			case "pdf":
				if f, ok := out.(*os.File); ok && term.IsTerminal(f.Fd()) {
					return fmt.Errorf("render: the PDF is binary; redirect it to a file: resume render --format pdf > resume.pdf")
				}
				b, err := renderPDF(r, paper, pdfFont)
				if err != nil {
					return err
				}
				_, err = out.Write(b)
				return err
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
	cmd.Flags().StringVar(&paper, "paper", string(pdf.A4), "PDF page size: a4 or letter")
	cmd.Flags().StringVar(&pdfFont, "pdf-font", "", "PDF: a TrueType (.ttf) font for all the text, for scripts the Go fonts lack")
	return cmd
}

// renderPDF renders r as a PDF on paper, in the font file fontPath or,
// when it is "", the Go fonts.
func renderPDF(r *content.Resume, paper, fontPath string) ([]byte, error) {
	p, err := pdf.ParsePaper(paper)
	if err != nil {
		return nil, fmt.Errorf("render: --paper: %w", err)
	}
	o := pdf.Options{Paper: p}
	if fontPath != "" {
		if o.Font, err = pdf.LoadFont(fontPath); err != nil {
			return nil, fmt.Errorf("render: --pdf-font: %w", err)
		}
	}
	return pdf.Render(r, o)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

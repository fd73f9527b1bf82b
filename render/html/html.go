// Package html renders the résumé as a web page, and the few other pages
// the web side serves (how to connect over SSH, not found, a message's
// receipt), with html/template from templates embedded in the binary. It is
// fed by content.Sections() and (*content.Resume).Contacts(), like the text
// renderer and the TUI, so every output shows the same facts.
//
// Every page is one self-contained document: the stylesheet and the one
// small script are inlined, and ContentSecurityPolicy allows exactly those
// by hash, nothing else (no third-party request of any kind).
package html

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	"github.com/laphets/resume/content"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed static/page.css
var pageCSS string

//go:embed static/page.js
var pageJS string

//go:embed static/favicon.svg
var faviconSVG []byte

// Favicon is the site icon, an SVG document.
func Favicon() []byte { return faviconSVG }

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"paragraphs": paragraphs,
	"linkURL":    linkURL,
	"displayURL": content.DisplayURL,
	"markup":     content.Markup,
	"linkable":   linkable,
	"inc":        func(i int) int { return i + 1 },
}).ParseFS(templateFS, "templates/*.tmpl"))

// ContentSecurityPolicy is the policy every page needs: nothing may load
// from anywhere but this origin, and the only inline style and script are
// the ones this package wrote, named by their hashes (no 'unsafe-inline').
// Forms may only post back here; no one may frame the page. connect-src
// 'self' lets tools that fetch from the page's context (Lighthouse reads
// /robots.txt that way) reach this origin; the page itself fetches nothing.
var ContentSecurityPolicy = "default-src 'none'; " +
	"connect-src 'self'; " +
	"style-src " + hashSource(pageCSS) + "; " +
	"script-src " + hashSource(pageJS) + "; " +
	"img-src 'self'; " +
	"form-action 'self'; " +
	"base-uri 'none'; " +
	"frame-ancestors 'none'"

func hashSource(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// Site is what a page says about where it is served.
type Site struct {
	// PublicURL is the canonical address of the page, such as
	// https://resume.example.com, with no trailing slash; the canonical
	// link and Open Graph use it. Empty leaves them out.
	PublicURL string
	// SSHCommand is what a visitor types to reach the terminal résumé,
	// such as "ssh resume.example.com".
	SSHCommand string
	// PDF says /resume.pdf is served, so the page links to it.
	PDF bool
	// Contact says the contact form is served at /message.
	Contact bool
	// Limits are the contact form's field limits, in characters.
	Limits Form
	// Version is the server's version, shown in the footer.
	Version string
}

// frame is what the shared layout (head, header, footer) needs.
type frame struct {
	Site        Site
	Lang        string
	Title       string
	Description string
	Canonical   string
	Name        string
	CSS         template.CSS
	JS          template.JS
	OpenGraph   bool
	LD          any // JSON-LD, or nil
}

func newFrame(site Site, r *content.Resume, title, path string) frame {
	f := frame{
		Site:  site,
		Lang:  "en",
		Title: title,
		Name:  r.Basics.Name,
		CSS:   template.CSS(pageCSS), //nolint:gosec // our own embedded file
		JS:    template.JS(pageJS),   //nolint:gosec // our own embedded file
	}
	if site.PublicURL != "" {
		f.Canonical = site.PublicURL + path
	}
	return f
}

// Form is the contact form's state: what the visitor typed and what was
// wrong with it, when it is shown again.
type Form struct {
	Name, Contact, Body string
	Error               string
	// The fields' limits, in characters.
	MaxName, MaxContact, MaxBody int
}

// pageData feeds page.tmpl.
type pageData struct {
	frame
	Form     Form
	Label    string
	Contacts []content.Contact
	Summary  string
	Details  []content.Detail
	Sections []content.Section
	Meta     *content.Meta
}

// Page renders the résumé's web page.
func Page(r *content.Resume, site Site) ([]byte, error) {
	secs := r.Sections()
	over := secs[0].Entries[0]
	d := pageData{
		frame:    newFrame(site, r, pageTitle(r), "/"),
		Label:    over.Subtitle,
		Contacts: r.Contacts(),
		Summary:  over.Summary,
		Details:  over.Details,
		Sections: secs[1:],
		Meta:     r.Meta,
		Form:     site.Limits,
	}
	d.Description = description(r)
	d.OpenGraph = true
	d.LD = jsonLD(r, site)
	return execute("page", d)
}

// SSHInfo is what the /ssh page tells a visitor before they connect.
type SSHInfo struct {
	Command     string   // ssh resume.example.com
	Fingerprint string   // SHA256:...
	PublicKey   string   // the authorized_keys line of the host key
	KnownHosts  string   // a known_hosts line, when the host is known
	SSHFP       []string // DNS records, when the host is known
}

type sshData struct {
	frame
	SSH SSHInfo
}

// SSH renders the page on how to connect over SSH and check the host key.
func SSH(r *content.Resume, site Site, info SSHInfo) ([]byte, error) {
	d := sshData{frame: newFrame(site, r, "Connect over SSH · "+nameOr(r), "/ssh"), SSH: info}
	d.Description = "How to reach " + nameOr(r) + "'s résumé in a terminal, and the server's SSH host key fingerprint."
	return execute("ssh", d)
}

// NotFound renders the page for an address that does not exist.
func NotFound(r *content.Resume, site Site) ([]byte, error) {
	d := newFrame(site, r, "Not found · "+nameOr(r), "")
	d.Canonical = ""
	d.Description = "There is no page at this address."
	return execute("notfound", d)
}

type messageData struct {
	frame
	Form Form
}

// Message renders the contact form on a page of its own, with what the
// visitor typed and what was wrong with it, if anything.
func Message(r *content.Resume, site Site, form Form) ([]byte, error) {
	d := messageData{frame: newFrame(site, r, "Leave a message · "+nameOr(r), "/message"), Form: form}
	d.Form.MaxName, d.Form.MaxContact, d.Form.MaxBody = site.Limits.MaxName, site.Limits.MaxContact, site.Limits.MaxBody
	d.Description = "Write to " + nameOr(r) + "."
	return execute("message", d)
}

type thanksData struct {
	frame
	ID string
}

// Thanks renders the receipt for a message: its id.
func Thanks(r *content.Resume, site Site, id string) ([]byte, error) {
	d := thanksData{frame: newFrame(site, r, "Message sent · "+nameOr(r), ""), ID: id}
	d.Canonical = ""
	d.Description = "Your message was saved."
	return execute("thanks", d)
}

func execute(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render html %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func nameOr(r *content.Resume) string {
	if n := strings.TrimSpace(r.Basics.Name); n != "" {
		return n
	}
	return "Résumé"
}

func pageTitle(r *content.Resume) string {
	name := nameOr(r)
	if r.Basics.Label != "" {
		return name + " · " + r.Basics.Label
	}
	return name + " · Résumé"
}

// maxDescription is about what search engines show of a description.
const maxDescription = 160

// description is the meta description: the summary's start, else the
// label, else the current position, always from the résumé's own words.
func description(r *content.Resume) string {
	name := nameOr(r)
	var d string
	switch {
	case r.Basics.Summary != "":
		d = r.Basics.Summary
	case r.Basics.Label != "":
		d = name + ": " + r.Basics.Label + "."
	default:
		if w, ok := currentWork(r); ok && w.Position != "" {
			d = name + ": " + w.Position + ", " + w.Name + "."
		} else {
			d = "The résumé of " + name + "."
		}
	}
	d = content.OneLine(d)
	if len(d) <= maxDescription {
		return d
	}
	cut := strings.LastIndexByte(d[:maxDescription], ' ')
	if cut <= 0 {
		cut = maxDescription
		for cut > 0 && d[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return d[:cut] + "…"
}

// currentWork is the first job without an end date.
func currentWork(r *content.Resume) (content.Work, bool) {
	for _, w := range r.Work {
		if isCurrent(w) {
			return w, true
		}
	}
	return content.Work{}, false
}

// isCurrent is whether a job is the person's now, for the description and
// JSON-LD's worksFor: named, with no end date.
func isCurrent(w content.Work) bool { return w.EndDate == "" && w.Name != "" }

// paragraphs reads a summary's inline markup and splits it into
// paragraphs, as the text renderer does: one per non-blank line.
func paragraphs(s string) [][]content.Span { return content.Paragraphs(content.Markup(s)) }

// linkable says whether an entry's URL is absolute, and so a link; one
// content.Link could not make so is shown as written.
func linkable(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "mailto:")
}

// linkURL lets a tel: link through html/template, which trusts only
// http, https and mailto; any other scheme it still replaces.
func linkURL(u string) any {
	if rest, ok := strings.CutPrefix(u, "tel:"); ok && rest != "" &&
		strings.Trim(rest, "+0123456789-.()") == "" {
		return template.URL(u) //nolint:gosec // digits and punctuation only
	}
	return u
}

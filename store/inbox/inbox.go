// Package inbox prints the owner's messages: the list, one message, a
// deletion, as text or JSON. The owner's `ssh HOST inbox ...` and
// `resume inbox ...` on the host both print through it, so the two read
// alike. Every stored string is passed through the allowlist again before
// it is printed: the store cleaned it once, and a database edited by hand
// (or by an older version) must not drive the owner's terminal either.
package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/laphets/resume/internal/safetext"
	"github.com/laphets/resume/store"
)

// Usage is the grammar of the inbox command.
const Usage = "inbox [--json], inbox read [--json] ID, inbox delete ID"

// ListLimit is the most messages listed, newest first.
const ListLimit = 1000

// Line is one-line text from the store, made safe to print.
func Line(s string) string { return safetext.Allow(s, false) }

// Text is multi-line text from the store, made safe to print.
func Text(s string) string { return safetext.Allow(s, true) }

// From is "Name <contact>", safe to print.
func From(m store.Message) string { return Line(m.Name) + " <" + Line(m.Contact) + ">" }

// FirstLine is the first line of the body, clipped to n characters.
func FirstLine(m store.Message, n int) string {
	first, _, _ := strings.Cut(strings.TrimSpace(Text(m.Body)), "\n")
	return safetext.Clip(first, n)
}

// When is a message's time as the list shows it.
func When(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// JSONMessage is a message as inbox --json prints it.
type JSONMessage struct {
	ID             string    `json:"id"`
	Received       time.Time `json:"received"`
	Read           bool      `json:"read"`
	From           string    `json:"from"`
	Contact        string    `json:"contact"`
	Message        string    `json:"message"`
	Via            string    `json:"via"`
	RemoteAddr     string    `json:"remote_addr"`
	KeyFingerprint string    `json:"key_fingerprint,omitempty"`
	ClientVersion  string    `json:"client_version"`
}

func toJSON(m store.Message) JSONMessage {
	return JSONMessage{
		ID: Line(m.ID), Received: m.Received, Read: m.Read, From: Line(m.Name), Contact: Line(m.Contact),
		Message: Text(m.Body), Via: Line(m.Meta.Via), RemoteAddr: Line(m.Meta.RemoteAddr),
		KeyFingerprint: Line(m.Meta.KeyFingerprint), ClientVersion: Line(m.Meta.ClientVersion),
	}
}

// List prints the messages, newest first: an unread mark, id, time,
// sender and first line; or a JSON array.
func List(ctx context.Context, st store.Store, w io.Writer, asJSON bool) error {
	msgs, err := st.List(ctx, ListLimit)
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]JSONMessage, 0, len(msgs))
		for _, m := range msgs {
			out = append(out, toJSON(m))
		}
		return writeJSON(w, out)
	}
	if len(msgs) == 0 {
		_, err := fmt.Fprintln(w, "No messages.")
		return err
	}
	unread := 0
	for _, m := range msgs {
		if !m.Read {
			unread++
		}
	}
	fmt.Fprintf(w, "%s, %d unread (* marks unread; inbox read ID opens one)\n\n", plural(len(msgs), "message"), unread)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tRECEIVED\tFROM\tMESSAGE")
	for _, m := range msgs {
		mark := " "
		if !m.Read {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\n", mark, Line(m.ID), When(m.Received), safetext.Clip(From(m), 40), FirstLine(m, 50))
	}
	return tw.Flush()
}

// Read prints one message whole and marks it read.
func Read(ctx context.Context, st store.Store, w io.Writer, id string, asJSON bool) error {
	m, err := st.Get(ctx, id)
	if err != nil {
		return notFound(err, id)
	}
	if err := st.MarkRead(ctx, id); err != nil {
		return notFound(err, id)
	}
	if asJSON {
		return writeJSON(w, toJSON(m))
	}
	_, err = io.WriteString(w, Format(m))
	return err
}

// Format is one message as Read prints it: headers, a blank line, the body.
func Format(m store.Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From:     %s\n", From(m))
	fmt.Fprintf(&b, "Received: %s\n", m.Received.UTC().Format("2006-01-02 15:04:05 UTC"))
	fmt.Fprintf(&b, "Id:       %s\n", Line(m.ID))
	fmt.Fprintf(&b, "Sent:     %s\n", Sender(m.Meta))
	b.WriteString("\n" + Text(m.Body) + "\n")
	return b.String()
}

// Sender is what is known of how a message was sent.
func Sender(meta store.Meta) string {
	s := "via " + Line(meta.Via)
	if meta.RemoteAddr != "" {
		s += " from " + Line(meta.RemoteAddr)
	}
	if meta.KeyFingerprint != "" {
		s += ", key " + Line(meta.KeyFingerprint)
	}
	if meta.ClientVersion != "" {
		s += ", " + safetext.Clip(Line(meta.ClientVersion), 60)
	}
	return s
}

// Delete deletes one message.
func Delete(ctx context.Context, st store.Store, w io.Writer, id string) error {
	if err := st.Delete(ctx, id); err != nil {
		return notFound(err, id)
	}
	_, err := fmt.Fprintf(w, "Deleted %s.\n", Line(id))
	return err
}

func notFound(err error, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no message %q (inbox lists the ids)", safetext.Clip(Line(id), 40))
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Command is the inbox command's arguments, parsed.
type Command struct {
	Verb string // list, read or delete
	ID   string
	JSON bool
}

// Parse reads the arguments after "inbox" (the SSH command's grammar).
func Parse(args []string) (Command, error) {
	var c Command
	var rest []string
	for _, a := range args {
		if a == "--json" {
			c.JSON = true
			continue
		}
		rest = append(rest, a)
	}
	switch {
	case len(rest) == 0 || len(rest) == 1 && rest[0] == "list":
		c.Verb = "list"
		return c, nil
	case len(rest) == 2 && (rest[0] == "read" || rest[0] == "delete"):
		c.Verb, c.ID = rest[0], rest[1]
		if c.Verb == "delete" && c.JSON {
			break
		}
		return c, nil
	}
	return c, errors.New("usage: " + Usage)
}

// Run runs c against st, printing to w.
func (c Command) Run(ctx context.Context, st store.Store, w io.Writer) error {
	switch c.Verb {
	case "read":
		return Read(ctx, st, w, c.ID, c.JSON)
	case "delete":
		return Delete(ctx, st, w, c.ID)
	}
	return List(ctx, st, w, c.JSON)
}

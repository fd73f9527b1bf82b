package store

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/laphets/resume/internal/safetext"
)

// The fields an *InvalidError names.
const (
	fieldName    = "name"
	fieldContact = "contact"
	fieldMessage = "message"
)

// Clean returns s with every visitor-supplied string passed through the
// allowlist (safetext.Allow: printable characters, and newlines in the
// body only) and trimmed, and validates it: each field present, valid
// UTF-8, within its limit, and the contact an e-mail address, a phone
// number or an http(s) URL. Submit calls it; a form can call it to
// validate as the visitor types. The error is an *InvalidError.
func Clean(s Submission) (Submission, error) {
	if len(s.Body) > MaxBodyBytes {
		return s, &InvalidError{fieldMessage, fmt.Sprintf("is too long (more than %d characters)", MaxBody)}
	}
	if len(s.Name) > 4*MaxName || len(s.Contact) > 4*MaxContact {
		field := fieldName
		if len(s.Contact) > 4*MaxContact {
			field = fieldContact
		}
		return s, &InvalidError{field, "is too long"}
	}
	for _, f := range []struct{ field, v string }{{fieldName, s.Name}, {fieldContact, s.Contact}, {fieldMessage, s.Body}} {
		if !utf8.ValidString(f.v) {
			return s, &InvalidError{f.field, "is not valid UTF-8 text"}
		}
	}
	out := s
	out.Name = strings.TrimSpace(safetext.Allow(s.Name, false))
	out.Contact = strings.TrimSpace(safetext.Allow(s.Contact, false))
	out.Body = strings.TrimRightFunc(safetext.Allow(s.Body, true), unicode.IsSpace)
	out.Body = strings.TrimLeft(out.Body, "\n")
	out.Meta = Meta{
		Via:            safetext.Allow(clip(s.Meta.Via, 16), false),
		RemoteAddr:     safetext.Allow(clip(s.Meta.RemoteAddr, 64), false),
		KeyFingerprint: safetext.Allow(clip(s.Meta.KeyFingerprint, 128), false),
		ClientVersion:  safetext.Allow(clip(s.Meta.ClientVersion, 256), false),
	}
	if err := checkLength(fieldName, out.Name, MaxName); err != nil {
		return s, err
	}
	if err := checkLength(fieldContact, out.Contact, MaxContact); err != nil {
		return s, err
	}
	if err := CheckContact(out.Contact); err != nil {
		return s, err
	}
	if err := checkLength(fieldMessage, out.Body, MaxBody); err != nil {
		return s, err
	}
	return out, nil
}

func checkLength(field, v string, limit int) error {
	n := utf8.RuneCountInString(v)
	switch {
	case strings.TrimSpace(v) == "":
		return &InvalidError{field, "is empty"}
	case n > limit:
		return &InvalidError{field, fmt.Sprintf("is too long (%d characters; at most %d)", n, limit)}
	}
	return nil
}

// CheckContact reports whether c is a way to reach someone: an e-mail
// address (jane@example.com), a phone number (+1 555 0100, at least six
// digits) or an http(s) URL with a host.
func CheckContact(c string) error {
	const why = "must be an e-mail address, a phone number or an http(s) URL"
	switch {
	case strings.TrimSpace(c) == "":
		return &InvalidError{fieldContact, "is empty"}
	case strings.HasPrefix(c, "http://") || strings.HasPrefix(c, "https://"):
		u, err := url.Parse(c)
		if err != nil || u.Host == "" || strings.ContainsAny(c, " \n") {
			return &InvalidError{fieldContact, why}
		}
		return nil
	case strings.Contains(c, "@"):
		a, err := mail.ParseAddress(c)
		if err != nil || a.Name != "" || a.Address != c || !strings.Contains(c[strings.LastIndex(c, "@"):], ".") {
			return &InvalidError{fieldContact, why}
		}
		return nil
	}
	digits := 0
	for _, r := range c {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+ ().-/", r):
		default:
			return &InvalidError{fieldContact, why}
		}
	}
	if digits < 6 || digits > 20 || strings.IndexByte(c, '+') > 0 {
		return &InvalidError{fieldContact, why}
	}
	return nil
}

// ParseFrom reads a sender as the message command's --from takes it:
// "Jane Roe <jane@example.com>", "Jane Roe <+1 555 0100>",
// "Jane Roe <https://example.com>", or a bare e-mail address (the name is
// then the address). The error says what would be valid.
func ParseFrom(from string) (name, contact string, err error) {
	const usage = `want "Name <e-mail, phone or URL>", such as "Jane Roe <jane@example.com>"`
	from = strings.TrimSpace(from)
	if !utf8.ValidString(from) {
		return "", "", fmt.Errorf("--from is not valid UTF-8; %s", usage)
	}
	if i := strings.LastIndexByte(from, '<'); i >= 0 && strings.HasSuffix(from, ">") {
		name = strings.TrimSpace(strings.Trim(strings.TrimSpace(from[:i]), `"`))
		contact = strings.TrimSpace(from[i+1 : len(from)-1])
	} else if !strings.ContainsAny(from, "<> ") && strings.Contains(from, "@") {
		name, contact = from, from
	} else {
		return "", "", fmt.Errorf("--from %q: %s", safetext.Line(clip(from, 80)), usage)
	}
	if name == "" {
		return "", "", fmt.Errorf("--from has no name before <...>; %s", usage)
	}
	if err := CheckContact(contact); err != nil {
		reason := err.Error()
		var inv *InvalidError
		if errors.As(err, &inv) {
			reason = inv.Reason
		}
		return "", "", fmt.Errorf("--from: the part in <...> %s", reason)
	}
	return name, contact, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/admission"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/inbox"
	"github.com/laphets/resume/tui"
)

// Option adds a dependency to New.
type Option func(*Server)

// WithStore gives the server the message store: the message command, the
// Contact form and the owner's inbox use it. Without one, messages are
// refused with a clear line. The caller closes it after the server.
func WithStore(st store.Store) Option { return func(s *Server) { s.store = st } }

// submitTimeout bounds one message's write, so a stalled database ends
// the visitor's wait with an error rather than holding the session.
const submitTimeout = 15 * time.Second

// ownerKeys is the owner's public keys, by their wire encoding.
type ownerKeys map[string]bool

// loadOwnerKeys reads an authorized_keys file. A line that is not a key
// is an error naming the file and line; options before a key are allowed
// and ignored. A file of comments only (the deployment templates ship
// one) is no owner: New logs that nobody can read the inbox over SSH.
func loadOwnerKeys(path string) (ownerKeys, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--owner-keys: %w", err)
	}
	keys := ownerKeys{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("--owner-keys %s:%d: not a public key in authorized_keys format (ssh-ed25519 AAAA... comment): %w", path, n, err)
		}
		keys[string(key.Marshal())] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--owner-keys %s: %w", path, err)
	}
	return keys, nil
}

// isOwner reports whether the session's connection proved one of the
// owner's keys. c.key is set only by VerifiedPublicKeyCallback, which runs
// after the client's signature has been checked: a key a client merely
// offered (or one a PublicKeyCallback was asked about, the trap of
// CVE-2024-45337) never gets here.
func (s *Server) isOwner(ss *session) bool {
	if len(s.owners) == 0 {
		return false
	}
	ss.c.mu.Lock()
	key := ss.c.key
	ss.c.mu.Unlock()
	return key != nil && s.owners[string(key.Marshal())]
}

// senderMeta is what the store keeps about the session's visitor.
func senderMeta(ss *session, via string) store.Meta {
	c := ss.c
	c.mu.Lock()
	defer c.mu.Unlock()
	return store.Meta{Via: via, RemoteAddr: c.ip.String(), KeyFingerprint: c.keyFP, ClientVersion: c.client}
}

// submit stores a visitor's message.
func (s *Server) submit(ss *session, sub store.Submission) (string, error) {
	if s.store == nil {
		return "", errNoStore
	}
	ctx, cancel := context.WithTimeout(ss.life, submitTimeout)
	defer cancel()
	id, err := s.store.Submit(ctx, sub)
	res := store.Outcome(err)
	s.metrics.messages.WithLabelValues(res.Result).Inc()
	switch res.Result {
	case store.ResultAccepted:
		s.log.Info("message", "remote", ss.c.remote, "id", id, "via", sub.Meta.Via)
	case store.ResultRateLimited:
		s.log.Info("message refused", "remote", ss.c.remote, "reason", "rate_"+res.RateLimit.Scope)
	case store.ResultError:
		s.log.Error("message store", "remote", ss.c.remote, "err", err.Error())
		err = errStoreFailed
	}
	return id, err
}

var (
	errNoStore     = errors.New("this server does not take messages")
	errStoreFailed = errors.New("the message could not be saved; please try again later")
)

// parseFromArgs reads the message command's options: --from VALUE,
// --from=VALUE or -f VALUE.
func parseFromArgs(args []string) (string, string) {
	const usage = `message takes --from "Name <e-mail, phone or URL>" and reads the message from standard input`
	switch {
	case len(args) == 2 && (args[0] == "--from" || args[0] == "-f"):
		return args[1], ""
	case len(args) == 1 && strings.HasPrefix(args[0], "--from="):
		return strings.TrimPrefix(args[0], "--from="), ""
	}
	return "", usage
}

// runMessage is `ssh HOST message --from "Jane Roe <jane@example.com>"`:
// the message is standard input; the id goes to stdout once stored.
func (s *Server) runMessage(ss *session, rt route) {
	fail := func(why string) {
		_, _ = io.WriteString(ss.Stderr(), "resume: message: "+why+"\n")
		ss.setExitCode(1)
	}
	name, contact, err := store.ParseFrom(rt.from)
	if err != nil {
		fail(err.Error())
		return
	}
	body, err := io.ReadAll(io.LimitReader(ss, store.MaxBodyBytes+1))
	if err != nil {
		fail("reading standard input: " + err.Error())
		return
	}
	if len(body) > store.MaxBodyBytes {
		fail(fmt.Sprintf("the message is too long (more than %d bytes; at most %d characters); nothing was sent", store.MaxBodyBytes, store.MaxBody))
		return
	}
	id, err := s.submit(ss, store.Submission{Name: name, Contact: contact, Body: string(body), Meta: senderMeta(ss, "ssh")})
	if err != nil {
		fail(err.Error() + "; nothing was sent")
		return
	}
	_, _ = io.WriteString(ss, id+"\n")
}

// runInbox is the owner's `ssh HOST inbox ...`. Anyone else reads the
// same refusal whether or not there are messages: the store is not asked.
func (s *Server) runInbox(ss *session, rt route) {
	fail := func(why string) {
		_, _ = io.WriteString(ss.Stderr(), "resume: inbox: "+why+"\n")
		ss.setExitCode(1)
	}
	if !s.isOwner(ss) {
		s.metrics.refused(admission.Inbox)
		fail("not allowed: only the owner's SSH key may read the inbox")
		return
	}
	if rt.usage != "" {
		fail(rt.usage)
		return
	}
	if s.store == nil {
		fail(errNoStore.Error())
		return
	}
	ctx, cancel := context.WithTimeout(ss.life, submitTimeout)
	defer cancel()
	if err := rt.inbox.Run(ctx, s.store, ss); err != nil {
		fail(err.Error())
	}
}

// contactForm is what the TUI's Contact section sends through: the store,
// with the session's visitor as the sender. nil without a store.
func (s *Server) contactForm(ss *session) *tui.Contact {
	if s.store == nil {
		return nil
	}
	return &tui.Contact{
		Send: func(name, contact, body string) (string, error) {
			id, err := s.submit(ss, store.Submission{Name: name, Contact: contact, Body: body, Meta: senderMeta(ss, "tui")})
			if inv := store.Outcome(err).Invalid; inv != nil {
				return "", fmt.Errorf("the %s", inv.Error())
			}
			return id, err
		},
		CheckContact: store.CheckContact,
		MaxName:      store.MaxName, MaxContact: store.MaxContact, MaxBody: store.MaxBody,
	}
}

// ownerInbox is the Inbox section, for a session that proved the owner's
// key; nil for everyone else.
func (s *Server) ownerInbox(ss *session) *tui.Inbox {
	if s.store == nil || !s.isOwner(ss) {
		return nil
	}
	ctx := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ss.life, submitTimeout) }
	view := func(m store.Message) tui.InboxMessage {
		return tui.InboxMessage{
			ID: m.ID, From: inbox.From(m), Received: inbox.When(m.Received),
			Body: inbox.Text(m.Body), Sender: inbox.Sender(m.Meta), Unread: !m.Read,
		}
	}
	return &tui.Inbox{
		List: func() ([]tui.InboxMessage, error) {
			c, cancel := ctx()
			defer cancel()
			msgs, err := s.store.List(c, inbox.ListLimit)
			out := make([]tui.InboxMessage, 0, len(msgs))
			for _, m := range msgs {
				out = append(out, view(m))
			}
			return out, err
		},
		Read: func(id string) (tui.InboxMessage, error) {
			c, cancel := ctx()
			defer cancel()
			m, err := s.store.Get(c, id)
			if err != nil {
				return tui.InboxMessage{}, err
			}
			if err := s.store.MarkRead(c, id); err != nil {
				return tui.InboxMessage{}, err
			}
			return view(m), nil
		},
		Delete: func(id string) error {
			c, cancel := ctx()
			defer cancel()
			return s.store.Delete(c, id)
		},
	}
}

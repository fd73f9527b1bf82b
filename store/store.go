// Package store keeps the messages visitors leave the owner, durably:
// SQLite in the data directory by default (modernc.org/sqlite, pure Go, so
// the binary stays static), or PostgreSQL (jackc/pgx) so that several
// replicas share one inbox, one set of rate limits and one webhook outbox.
//
// Both engines sit behind the one Store interface and pass the one
// conformance suite (store/storetest). The schema is versioned with
// pressly/goose; the migrations are embedded SQL run at Open, and a
// database whose schema is newer than this binary is refused.
//
// Submit is the only write a visitor causes. It cleans and validates the
// text, applies the rate limits (kept in the database, so replicas share
// them), stores the message and, when a webhook is configured, its outbox
// entry, all in one transaction; it returns only once that has committed.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store is the message store. Every method is safe for concurrent use.
type Store interface {
	// Submit cleans, validates and stores one message, and returns its
	// id once the transaction has committed. The errors a visitor should
	// read are *InvalidError (the text) and *RateLimitError (too many
	// messages; it says when to try again).
	Submit(ctx context.Context, s Submission) (id string, err error)
	// List returns up to limit messages, newest first (limit <= 0: all).
	List(ctx context.Context, limit int) ([]Message, error)
	// Get returns one message by id, or ErrNotFound.
	Get(ctx context.Context, id string) (Message, error)
	// MarkRead marks a message read; ErrNotFound if there is none.
	MarkRead(ctx context.Context, id string) error
	// Delete removes a message, its metadata and its outbox entry;
	// ErrNotFound if there is none.
	Delete(ctx context.Context, id string) error

	// NextDelivery claims the oldest outbox entry due at now for lease:
	// no other caller (in this process or another replica) gets it until
	// the lease ends. ok is false when nothing is due.
	NextDelivery(ctx context.Context, now time.Time, lease time.Duration) (d Delivery, ok bool, err error)
	// Delivered removes a message's outbox entry: the webhook took it.
	Delivered(ctx context.Context, id string) error
	// RetryAt puts a failed delivery back in the outbox, due at when.
	RetryAt(ctx context.Context, id string, when time.Time, reason string) error

	// Engine names the engine: "sqlite" or "postgres".
	Engine() string
	// Close closes the database.
	Close() error
}

// Submission is what a visitor sends: the text they typed and what the
// server knows about them.
type Submission struct {
	Name    string // who they are, at most MaxName characters
	Contact string // how to reach them: an e-mail address, a phone number or a URL
	Body    string // the message, at most MaxBody characters
	Meta    Meta
}

// Meta is what is stored about the sender besides their text; see
// docs/security.md.
type Meta struct {
	// Via is where the message came from: "ssh" (the message command),
	// "tui" (the Contact form) or "web".
	Via string
	// RemoteAddr is the sender's IP address, without the port. The
	// per-address rate counts it (an IPv6 address by its /64).
	RemoteAddr string
	// KeyFingerprint is the SHA256 fingerprint of the SSH key the sender
	// proved, if any. The per-key rate counts it.
	KeyFingerprint string
	// ClientVersion is the SSH client's version string, or a browser's
	// User-Agent.
	ClientVersion string
}

// Message is a stored message.
type Message struct {
	ID       string
	Received time.Time // UTC
	Name     string
	Contact  string
	Body     string
	Read     bool
	Meta     Meta
}

// Delivery is an outbox entry claimed for the webhook.
type Delivery struct {
	Message  Message
	Attempts int // delivery attempts before this one
}

// Limits are the message rates. Windows are fixed: the clock hour for an
// address and a key, the UTC day for the global cap. Zero turns a limit off.
type Limits struct {
	PerAddressPerHour int
	PerKeyPerHour     int
	PerDay            int
}

// DefaultLimits are safe on the public internet: a visitor can write a
// few messages and a correction; a flood from many addresses stops at the
// daily cap and cannot fill the disk.
var DefaultLimits = Limits{PerAddressPerHour: 5, PerKeyPerHour: 10, PerDay: 500}

// Options configure Open.
type Options struct {
	// DatabaseURL selects PostgreSQL (postgres:// or postgresql://); empty
	// uses SQLite.
	DatabaseURL string
	// SQLitePath is the SQLite database file, used when DatabaseURL is
	// empty (cmd/resume puts it in the data directory).
	SQLitePath string
	// Limits are the message rates.
	Limits Limits
	// Outbox makes Submit queue every new message for the webhook.
	Outbox bool
	// Now is the clock (nil: time.Now). The rate windows and the times
	// stored come from it.
	Now func() time.Time
}

// Field limits, in characters (runes) after cleaning.
const (
	MaxName    = 100
	MaxContact = 200
	MaxBody    = 4000
)

// MaxBodyBytes bounds the bytes of a body before it is cleaned: a reader
// of untrusted input (the message command) stops there.
const MaxBodyBytes = 4 * MaxBody

// Sentinel errors.
var (
	// ErrNotFound is returned for an id that is not in the store.
	ErrNotFound = errors.New("no such message")
	// ErrSchemaTooNew is returned by Open for a database migrated by a
	// newer version of resume.
	ErrSchemaTooNew = errors.New("database schema is newer than this binary")
)

// InvalidError says what is wrong with one field of a Submission.
type InvalidError struct {
	Field  string // name, contact or message
	Reason string // e.g. "is empty", "is too long (4012 characters; at most 4000)"
}

func (e *InvalidError) Error() string { return e.Field + " " + e.Reason }

// RateLimitError is a refused Submit: too many messages.
type RateLimitError struct {
	// Scope is which limit was reached: "address", "key" or "global".
	Scope string
	// RetryAt is when the window ends and a message will be accepted.
	RetryAt time.Time
	// RetryAfter is RetryAt less the time of the refusal, rounded up to
	// the second.
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	who := map[string]string{
		"address": "from your address",
		"key":     "from your key",
		"global":  "today; the inbox is full until tomorrow",
	}[e.Scope]
	return fmt.Sprintf("too many messages %s; try again in %s (after %s)",
		who, humanDuration(e.RetryAfter), e.RetryAt.UTC().Format("15:04 MST"))
}

// The results of a Submit: the label values of the messages metrics,
// over SSH and on the web alike.
const (
	ResultAccepted    = "accepted"     // stored; the visitor reads its id
	ResultInvalid     = "invalid"      // an *InvalidError: the visitor fixes a field
	ResultRateLimited = "rate_limited" // a *RateLimitError: the visitor waits
	ResultError       = "error"        // anything else: the store failed
)

// SubmitResult is what came of a Submit, as Outcome reads its error.
type SubmitResult struct {
	// Result is one of the Result constants, the metric label.
	Result string
	// Invalid is the field the visitor must fix, when Result is
	// ResultInvalid; RateLimit how long they must wait, when it is
	// ResultRateLimited. Both are nil otherwise.
	Invalid   *InvalidError
	RateLimit *RateLimitError
}

// Outcome reads the error Submit returned: accepted (nil), invalid,
// rate-limited or a failure of the store, with the typed error a visitor
// should read. A wrapped *InvalidError or *RateLimitError counts as one.
func Outcome(err error) SubmitResult {
	var inv *InvalidError
	var rl *RateLimitError
	switch {
	case err == nil:
		return SubmitResult{Result: ResultAccepted}
	case errors.As(err, &inv):
		return SubmitResult{Result: ResultInvalid, Invalid: inv}
	case errors.As(err, &rl):
		return SubmitResult{Result: ResultRateLimited, RateLimit: rl}
	}
	return SubmitResult{Result: ResultError}
}

func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d seconds", max(int(d.Seconds()), 1))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
	default:
		return fmt.Sprintf("%d hours", int((d+time.Hour-1)/time.Hour))
	}
}

// Open opens (creating, for SQLite) the store that o names and migrates
// its schema to this binary's version.
func Open(ctx context.Context, o Options) (Store, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.DatabaseURL != "" {
		return openPostgres(ctx, o)
	}
	if o.SQLitePath == "" {
		return nil, errors.New("store: no database (want a PostgreSQL URL or a SQLite file)")
	}
	return openSQLite(ctx, o)
}

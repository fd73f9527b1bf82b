package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/laphets/resume/internal/admission"
)

//go:embed migrations/*.sql
var migrations embed.FS

// sqlStore is the Store on database/sql; the engines differ only in how
// they open, their placeholders and their migration lock.
type sqlStore struct {
	db     *sql.DB
	engine string
	q      statements
	opts   Options
}

// newSQLStore is the store on db, its statements rebound once from the ?
// placeholders they are written with to the engine's own (rebind).
func newSQLStore(db *sql.DB, engine string, rebind func(string) string, o Options) *sqlStore {
	return &sqlStore{db: db, engine: engine, q: newStatements(rebind), opts: o}
}

// statements are every query the store runs, in its engine's placeholder
// syntax: rebound when the store opens, not on every call.
type statements struct {
	countRate, insertMessage, insertOutbox, expireCounters string
	list, get, markRead, deleteOutbox, deleteMessage       string
	nextDue, claim, retry                                  string
}

func newStatements(rebind func(string) string) statements {
	return statements{
		countRate: rebind(`INSERT INTO rate_counts (bucket, window_start, window_end, count)
			VALUES (?, ?, ?, 1)
			ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_counts.count + 1
			RETURNING count`),
		insertMessage: rebind(`INSERT INTO messages
		(id, received_at, name, contact, body, via, remote_addr, key_fingerprint, client_version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		insertOutbox: rebind(`INSERT INTO outbox (message_id, attempts, next_attempt, last_error)
			VALUES (?, 0, ?, '')`),
		expireCounters: rebind(`DELETE FROM rate_counts WHERE window_end < ?`),
		list: rebind(`SELECT ` + messageColumns + ` FROM messages
		ORDER BY received_at DESC, id DESC LIMIT ?`),
		get:           rebind(`SELECT ` + messageColumns + ` FROM messages WHERE id = ?`),
		markRead:      rebind(`UPDATE messages SET read_at = COALESCE(read_at, ?) WHERE id = ?`),
		deleteOutbox:  rebind(`DELETE FROM outbox WHERE message_id = ?`),
		deleteMessage: rebind(`DELETE FROM messages WHERE id = ?`),
		nextDue: rebind(`SELECT message_id, attempts, next_attempt FROM outbox
			WHERE next_attempt <= ? ORDER BY next_attempt, message_id LIMIT 1`),
		claim: rebind(`UPDATE outbox SET next_attempt = ?, attempts = attempts + 1
			WHERE message_id = ? AND next_attempt = ?`),
		retry: rebind(`UPDATE outbox SET next_attempt = ?, last_error = ? WHERE message_id = ?`),
	}
}

// migrate brings db's schema to this binary's version, refusing a newer
// one. what names the database in errors.
func migrate(ctx context.Context, db *sql.DB, dialect goose.Dialect, what string, opts ...goose.ProviderOption) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	opts = append(opts, goose.WithDisableGlobalRegistry(true))
	p, err := goose.NewProvider(dialect, db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("%s: read the schema version: %w", what, err)
	}
	if current > target {
		return fmt.Errorf("%s: %w (schema version %d; this binary knows up to %d): run the newer resume that migrated it, or restore a backup",
			what, ErrSchemaTooNew, current, target)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("%s: migrate: %w", what, err)
	}
	return nil
}

func (s *sqlStore) Engine() string { return s.engine }
func (s *sqlStore) Close() error   { return s.db.Close() }

// micros is t as stored: Unix microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// newID is a random message id: 80 bits from crypto/rand, in lower-case
// base32 (16 characters), so ids can be neither counted nor guessed.
func newID() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// addressBucket is the rate bucket of an address: the key the connection
// limits use (admission.Key: an IPv4 address, or an IPv6 address's /64),
// written as stored ("addr:192.0.2.1", "addr:2001:db8::/64").
func addressBucket(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return "addr:" + addr
	}
	k := admission.Key(a)
	if k.IsSingleIP() {
		return "addr:" + k.Addr().String()
	}
	return "addr:" + k.String()
}

type rateRule struct {
	scope, bucket string
	limit         int
	start, end    time.Time
}

func (s *sqlStore) rules(m Meta, now time.Time) []rateRule {
	l := s.opts.Limits
	hour := now.UTC().Truncate(time.Hour)
	day := time.Date(now.UTC().Year(), now.UTC().Month(), now.UTC().Day(), 0, 0, 0, 0, time.UTC)
	var rs []rateRule
	if l.PerAddressPerHour > 0 && m.RemoteAddr != "" {
		rs = append(rs, rateRule{"address", addressBucket(m.RemoteAddr), l.PerAddressPerHour, hour, hour.Add(time.Hour)})
	}
	if l.PerKeyPerHour > 0 && m.KeyFingerprint != "" {
		rs = append(rs, rateRule{"key", "key:" + m.KeyFingerprint, l.PerKeyPerHour, hour, hour.Add(time.Hour)})
	}
	if l.PerDay > 0 {
		rs = append(rs, rateRule{"global", "global", l.PerDay, day, day.AddDate(0, 0, 1)})
	}
	return rs
}

// Submit implements Store. The rate counters, the message and its outbox
// entry are written in one transaction: a refusal leaves no trace, and an
// id is returned only after the commit.
func (s *sqlStore) Submit(ctx context.Context, sub Submission) (string, error) {
	sub, err := Clean(sub)
	if err != nil {
		return "", err
	}
	now := s.opts.Now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("submit: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, r := range s.rules(sub.Meta, now) {
		var n int
		err := tx.QueryRowContext(ctx, s.q.countRate, r.bucket, micros(r.start), micros(r.end)).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("submit: count: %w", err)
		}
		if n > r.limit {
			after := r.end.Sub(now)
			if after%time.Second != 0 {
				after = after.Truncate(time.Second) + time.Second
			}
			return "", &RateLimitError{Scope: r.scope, RetryAt: r.end, RetryAfter: after}
		}
	}
	id := newID()
	_, err = tx.ExecContext(ctx, s.q.insertMessage, id, micros(now), sub.Name, sub.Contact, sub.Body,
		sub.Meta.Via, sub.Meta.RemoteAddr, sub.Meta.KeyFingerprint, sub.Meta.ClientVersion)
	if err != nil {
		return "", fmt.Errorf("submit: insert: %w", err)
	}
	if s.opts.Outbox {
		_, err = tx.ExecContext(ctx, s.q.insertOutbox, id, micros(now))
		if err != nil {
			return "", fmt.Errorf("submit: outbox: %w", err)
		}
	}
	// Counters of windows that have ended are no use; dropping them here
	// keeps the table as small as the traffic of the last day.
	if _, err := tx.ExecContext(ctx, s.q.expireCounters, micros(now.Add(-time.Hour))); err != nil {
		return "", fmt.Errorf("submit: expire counters: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("submit: commit: %w", err)
	}
	return id, nil
}

const messageColumns = `id, received_at, name, contact, body, via, remote_addr, key_fingerprint, client_version, read_at`

type scanner interface{ Scan(...any) error }

func scanMessage(row scanner) (Message, error) {
	var m Message
	var received int64
	var readAt sql.NullInt64
	err := row.Scan(&m.ID, &received, &m.Name, &m.Contact, &m.Body,
		&m.Meta.Via, &m.Meta.RemoteAddr, &m.Meta.KeyFingerprint, &m.Meta.ClientVersion, &readAt)
	m.Received = fromMicros(received)
	m.Read = readAt.Valid
	return m, err
}

// List implements Store.
func (s *sqlStore) List(ctx context.Context, limit int) ([]Message, error) {
	if limit <= 0 {
		limit = math.MaxInt32
	}
	rows, err := s.db.QueryContext(ctx, s.q.list, limit)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	defer func() { _ = rows.Close() }() // read-only: rows.Err says what matters
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("list: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	return out, nil
}

// Get implements Store.
func (s *sqlStore) Get(ctx context.Context, id string) (Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, s.q.get, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, ErrNotFound
	}
	if err != nil {
		return Message{}, fmt.Errorf("get: %w", err)
	}
	return m, nil
}

func affectedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// MarkRead implements Store.
func (s *sqlStore) MarkRead(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, s.q.markRead, micros(s.opts.Now()), id)
	return affectedOne(res, err, "mark read")
}

// Delete implements Store.
func (s *sqlStore) Delete(ctx context.Context, id string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, s.q.deleteOutbox, id); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	res, err := tx.ExecContext(ctx, s.q.deleteMessage, id)
	if err := affectedOne(res, err, "delete"); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// NextDelivery implements Store. The claim is a compare-and-set on the
// entry's due time, so two replicas racing for one entry cannot both win.
func (s *sqlStore) NextDelivery(ctx context.Context, now time.Time, lease time.Duration) (Delivery, bool, error) {
	for range 8 { // lost races retry with the next entry
		var id string
		var attempts int
		var due int64
		err := s.db.QueryRowContext(ctx, s.q.nextDue, micros(now)).Scan(&id, &attempts, &due)
		if errors.Is(err, sql.ErrNoRows) {
			return Delivery{}, false, nil
		}
		if err != nil {
			return Delivery{}, false, fmt.Errorf("next delivery: %w", err)
		}
		res, err := s.db.ExecContext(ctx, s.q.claim, micros(now.Add(lease)), id, due)
		if err := affectedOne(res, err, "claim delivery"); errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return Delivery{}, false, err
		}
		m, err := s.Get(ctx, id)
		if errors.Is(err, ErrNotFound) { // deleted meanwhile
			_, _ = s.db.ExecContext(ctx, s.q.deleteOutbox, id)
			continue
		}
		if err != nil {
			return Delivery{}, false, err
		}
		return Delivery{Message: m, Attempts: attempts}, true, nil
	}
	return Delivery{}, false, nil
}

// Delivered implements Store.
func (s *sqlStore) Delivered(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, s.q.deleteOutbox, id); err != nil {
		return fmt.Errorf("delivered: %w", err)
	}
	return nil
}

// RetryAt implements Store.
func (s *sqlStore) RetryAt(ctx context.Context, id string, when time.Time, reason string) error {
	reason = clip(reason, 500)
	if _, err := s.db.ExecContext(ctx, s.q.retry, micros(when), reason, id); err != nil {
		return fmt.Errorf("retry: %w", err)
	}
	return nil
}

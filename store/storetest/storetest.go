// Package storetest is the conformance suite every store engine passes,
// and the helpers that give a test a fresh database of each engine. The
// suite is one function, Run, called once per engine (store's own tests);
// other packages' end-to-end tests use SQLite and PostgreSQL the same way.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" for Exec
	_ "modernc.org/sqlite"             // "sqlite" for Exec

	"github.com/laphets/resume/store"
)

// EnvPostgresURL names the variable holding a PostgreSQL URL for tests,
// such as postgres:///resume_test?host=/var/run/postgresql. .ci/run sets it.
const EnvPostgresURL = "RESUME_TEST_DATABASE_URL"

// Engine is one store engine under test.
type Engine struct {
	Name string
	// Fresh returns the options of a new, empty database of this engine,
	// removed when the test ends.
	Fresh func(t testing.TB) store.Options
}

// SQLite is the SQLite engine: a file in a temporary directory.
var SQLite = Engine{Name: "sqlite", Fresh: func(t testing.TB) store.Options {
	return store.Options{SQLitePath: t.TempDir() + "/messages.db", Limits: store.DefaultLimits}
}}

// Postgres is the PostgreSQL engine: a new schema in the database
// EnvPostgresURL names, dropped when the test ends. Without the variable
// the test is skipped, or fails when CI=true.
var Postgres = Engine{Name: "postgres", Fresh: func(t testing.TB) store.Options {
	return store.Options{DatabaseURL: PostgresURL(t), Limits: store.DefaultLimits}
}}

// Engines are both engines.
var Engines = []Engine{SQLite, Postgres}

// PostgresURL returns a URL for a new schema in the test database, dropped
// when t ends. It skips t when EnvPostgresURL is unset, or fails it when
// CI=true, where PostgreSQL must be there.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set: the PostgreSQL half of the tests cannot run (.ci/run starts PostgreSQL and sets it)", EnvPostgresURL)
		}
		t.Skipf("PostgreSQL half skipped: set %s (e.g. postgres:///resume_test?host=/var/run/postgresql) to run it", EnvPostgresURL)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgresURL, err)
	}
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		_ = db.Close()
		if os.Getenv("CI") != "true" {
			t.Skipf("PostgreSQL half skipped: %s does not answer: %v", EnvPostgresURL, err)
		}
		t.Fatalf("%s: %v", EnvPostgresURL, err)
	}
	t.Cleanup(func() {
		_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgresURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs a query directly on the database of o, outside the store (a
// test's way to do what the store never would).
func Exec(t testing.TB, o store.Options, query string) {
	t.Helper()
	driver, dsn := "sqlite", o.SQLitePath
	if o.DatabaseURL != "" {
		driver, dsn = "pgx", o.DatabaseURL
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.ExecContext(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Open opens the store o names, closed when t ends.
func Open(t testing.TB, o store.Options) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatalf("open %s store: %v", engineOf(o), err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func engineOf(o store.Options) string {
	if o.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// Sample is a valid submission from addr.
func Sample(addr string) store.Submission {
	return store.Submission{
		Name: "Jane Roe", Contact: "jane@example.com", Body: "Hello!\nWould you like to talk?",
		Meta: store.Meta{Via: "ssh", RemoteAddr: addr, ClientVersion: "SSH-2.0-OpenSSH_9.2"},
	}
}

// unread counts st's unread messages as the owner sees them: List's
// messages not marked read.
func unread(t *testing.T, st store.Store) int {
	t.Helper()
	msgs, err := st.List(context.Background(), 0)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	n := 0
	for _, m := range msgs {
		if !m.Read {
			n++
		}
	}
	return n
}

// The fields an *store.InvalidError names.
const (
	fieldName    = "name"
	fieldContact = "contact"
	fieldMessage = "message"
)

// clock is a settable clock for the rate windows.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Run runs the conformance suite against e.
func Run(t *testing.T, e Engine) {
	ctx := context.Background()
	t.Run("RoundTrip", func(t *testing.T) {
		o := e.Fresh(t)
		c := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
		o.Now = c.now
		st := Open(t, o)
		if st.Engine() != e.Name {
			t.Errorf("Engine() = %q, want %q", st.Engine(), e.Name)
		}
		first := Sample("192.0.2.1")
		first.Meta.KeyFingerprint = "SHA256:abc"
		id1, err := st.Submit(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		c.add(time.Second)
		second := Sample("192.0.2.2")
		second.Name, second.Body = "Richard Roe", "Second"
		id2, err := st.Submit(ctx, second)
		if err != nil {
			t.Fatal(err)
		}
		list, err := st.List(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != id2 || list[1].ID != id1 {
			t.Fatalf("List = %+v, want %s then %s (newest first)", list, id2, id1)
		}
		m := list[1]
		want := store.Message{
			ID: id1, Received: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
			Name: first.Name, Contact: first.Contact, Body: first.Body, Meta: first.Meta,
		}
		if m != want {
			t.Errorf("stored\n%+v\nwant\n%+v", m, want)
		}
		if got, err := st.Get(ctx, id1); err != nil || got != want {
			t.Errorf("Get = %+v, %v; want %+v", got, err, want)
		}
		if l, _ := st.List(ctx, 1); len(l) != 1 || l[0].ID != id2 {
			t.Errorf("List(1) = %+v, want only %s", l, id2)
		}
		if n := unread(t, st); n != 2 {
			t.Errorf("%d unread, want 2", n)
		}
		if err := st.MarkRead(ctx, id1); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Get(ctx, id1); !got.Read {
			t.Error("MarkRead did not mark it read")
		}
		if n := unread(t, st); n != 1 {
			t.Errorf("%d unread after MarkRead, want 1", n)
		}
		if err := st.Delete(ctx, id1); err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{
			"Get":      func() error { _, err := st.Get(ctx, id1); return err }(),
			"MarkRead": st.MarkRead(ctx, id1),
			"Delete":   st.Delete(ctx, id1),
			"Get bad":  func() error { _, err := st.Get(ctx, "nope'; DROP TABLE messages; --"); return err }(),
		} {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s of a deleted message: %v, want ErrNotFound", name, err)
			}
		}
		if l, _ := st.List(ctx, 0); len(l) != 1 {
			t.Errorf("after Delete, List has %d messages, want 1", len(l))
		}
	})

	t.Run("Durable", func(t *testing.T) {
		o := e.Fresh(t)
		st, err := store.Open(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		id, err := st.Submit(ctx, Sample("192.0.2.1"))
		if err != nil {
			t.Fatal(err)
		}
		_ = st.Close()
		again := Open(t, o) // migrations run again: a no-op
		if m, err := again.Get(ctx, id); err != nil || m.Body != Sample("").Body {
			t.Fatalf("after reopening: %+v, %v", m, err)
		}
	})

	t.Run("SchemaTooNew", func(t *testing.T) {
		o := e.Fresh(t)
		_ = Open(t, o).Close()
		Exec(t, o, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)")
		_, err := store.Open(ctx, o)
		if !errors.Is(err, store.ErrSchemaTooNew) || !strings.Contains(err.Error(), "99999") {
			t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew naming version 99999", err)
		}
	})

	t.Run("Cleaning", func(t *testing.T) {
		o := e.Fresh(t)
		o.Limits = store.Limits{}
		st := Open(t, o)
		for _, h := range Hostile {
			sub := store.Submission{
				Name: "Eve " + h.Text, Contact: "eve@example.com", Body: "x" + h.Text + "y\nz",
				Meta: store.Meta{Via: "ssh" + h.Text, RemoteAddr: "192.0.2." + h.Text, ClientVersion: "SSH-2.0-" + h.Text},
			}
			id, err := st.Submit(ctx, sub)
			if err != nil {
				t.Fatalf("%s: %v", h.Name, err)
			}
			m, err := st.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for field, v := range map[string]string{
				fieldName: m.Name, "body": m.Body, "via": m.Meta.Via,
				"remote": m.Meta.RemoteAddr, "client": m.Meta.ClientVersion,
			} {
				if bad := Unsafe(v); bad != "" {
					t.Errorf("%s: stored %s %q keeps %s", h.Name, field, v, bad)
				}
			}
			if !strings.HasPrefix(m.Body, "x") || !strings.HasSuffix(m.Body, "y\nz") {
				t.Errorf("%s: body %q lost the text around the sequence", h.Name, m.Body)
			}
		}
	})

	t.Run("Validation", func(t *testing.T) {
		st := Open(t, e.Fresh(t))
		long := func(n int) string { return strings.Repeat("é", n) }
		for _, tc := range []struct {
			name, field string
			edit        func(*store.Submission)
		}{
			{"empty name", fieldName, func(s *store.Submission) { s.Name = "  " }},
			{"name of controls only", fieldName, func(s *store.Submission) { s.Name = "\x1b[2J\u200b" }},
			{"long name", fieldName, func(s *store.Submission) { s.Name = long(101) }},
			{"empty contact", fieldContact, func(s *store.Submission) { s.Contact = "" }},
			{"bad contact", fieldContact, func(s *store.Submission) { s.Contact = "call me maybe" }},
			{"bad e-mail", fieldContact, func(s *store.Submission) { s.Contact = "jane@" }},
			{"bad url", fieldContact, func(s *store.Submission) { s.Contact = "javascript:alert(1)" }},
			{"short phone", fieldContact, func(s *store.Submission) { s.Contact = "+1 23" }},
			{"long contact", fieldContact, func(s *store.Submission) { s.Contact = "https://example.com/" + long(200) }},
			{"empty body", fieldMessage, func(s *store.Submission) { s.Body = "\n \n" }},
			{"long body", fieldMessage, func(s *store.Submission) { s.Body = long(4001) }},
			{"200 KB body", fieldMessage, func(s *store.Submission) { s.Body = strings.Repeat("a", 200<<10) }},
			{"not UTF-8", fieldMessage, func(s *store.Submission) { s.Body = "caf\xe9" }},
			{"name not UTF-8", fieldName, func(s *store.Submission) { s.Name = "\xff\xfe" }},
		} {
			s := Sample("192.0.2.1")
			tc.edit(&s)
			_, err := st.Submit(ctx, s)
			var inv *store.InvalidError
			if !errors.As(err, &inv) || inv.Field != tc.field {
				t.Errorf("%s: %v, want an *InvalidError for %s", tc.name, err, tc.field)
			}
		}
		for _, c := range []string{"jane@example.com", "+1 (555) 010-0100", "https://example.com/jane", "555 0100 22"} {
			s := Sample("192.0.2.9")
			s.Contact = c
			if _, err := st.Submit(ctx, s); err != nil {
				t.Errorf("contact %q refused: %v", c, err)
			}
		}
		s := Sample("192.0.2.10")
		s.Body = long(4000)
		if _, err := st.Submit(ctx, s); err != nil {
			t.Errorf("a body of exactly 4000 characters was refused: %v", err)
		}
		if l, _ := st.List(ctx, 0); len(l) != 5 {
			t.Errorf("%d messages stored, want the 5 valid ones", len(l))
		}
	})

	t.Run("RateLimits", func(t *testing.T) {
		o := e.Fresh(t)
		c := &clock{t: time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC)}
		o.Now = c.now
		o.Limits = store.Limits{PerAddressPerHour: 3, PerKeyPerHour: 4, PerDay: 8}
		st := Open(t, o)
		submit := func(addr, key string) error {
			s := Sample(addr)
			s.Meta.KeyFingerprint = key
			_, err := st.Submit(ctx, s)
			return err
		}
		for i := range 3 {
			if err := submit("192.0.2.1", ""); err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
		}
		var rl *store.RateLimitError
		err := submit("192.0.2.1", "")
		if !errors.As(err, &rl) || rl.Scope != "address" || rl.RetryAfter != 30*time.Minute ||
			!rl.RetryAt.Equal(time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)) {
			t.Fatalf("4th message from one address: %v (%+v), want an address limit retrying in 30m", err, rl)
		}
		if !strings.Contains(err.Error(), "try again in 30 minutes") {
			t.Errorf("refusal %q does not say when to try again", err)
		}
		// One IPv6 /64 is one address.
		for i, a := range []string{"2001:db8::1", "2001:db8::2", "2001:db8::ffff:1"} {
			if err := submit(a, ""); err != nil {
				t.Fatalf("v6 %d: %v", i, err)
			}
		}
		if err := submit("2001:db8::abcd", ""); !errors.As(err, &rl) || rl.Scope != "address" {
			t.Errorf("a 4th address in one /64: %v, want the address limit", err)
		}
		// A key is limited across addresses.
		for i := range 2 {
			if err := submit("198.51.100."+string(rune('1'+i)), "SHA256:k"); err != nil {
				t.Fatalf("key %d: %v", i, err)
			}
		}
		// Global: 3 + 3 + 2 = 8 accepted so far; the 9th from anywhere is refused.
		if err := submit("203.0.113.7", ""); !errors.As(err, &rl) || rl.Scope != "global" ||
			!rl.RetryAt.Equal(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("over the daily cap: %v, want the global limit until midnight UTC", err)
		}
		if l, _ := st.List(ctx, 0); len(l) != 8 {
			t.Errorf("%d messages stored, want 8: a refusal must store nothing", len(l))
		}
		// The next hour: the address may write again, until the day's cap.
		c.add(30 * time.Minute)
		if err := submit("192.0.2.1", ""); !errors.As(err, &rl) || rl.Scope != "global" {
			t.Errorf("next hour, day cap reached: %v, want the global limit", err)
		}
		c.add(13 * time.Hour) // the next UTC day
		if err := submit("192.0.2.1", ""); err != nil {
			t.Errorf("the next day: %v", err)
		}
	})

	t.Run("KeyLimit", func(t *testing.T) {
		o := e.Fresh(t)
		o.Limits = store.Limits{PerAddressPerHour: 100, PerKeyPerHour: 2, PerDay: 100}
		st := Open(t, o)
		for i := range 3 {
			s := Sample("192.0.2." + string(rune('1'+i)))
			s.Meta.KeyFingerprint = "SHA256:same"
			_, err := st.Submit(ctx, s)
			var rl *store.RateLimitError
			if i < 2 && err != nil || i == 2 && (!errors.As(err, &rl) || rl.Scope != "key") {
				t.Errorf("message %d with one key from a new address: %v", i+1, err)
			}
		}
	})

	t.Run("RandomIDs", func(t *testing.T) {
		o := e.Fresh(t)
		o.Limits = store.Limits{}
		st := Open(t, o)
		seen := map[string]bool{}
		shape := regexp.MustCompile(`^[a-z2-7]{16}$`)
		var prev string
		ordered := 0
		for range 50 {
			id, err := st.Submit(ctx, Sample("192.0.2.1"))
			if err != nil {
				t.Fatal(err)
			}
			if !shape.MatchString(id) || seen[id] {
				t.Fatalf("id %q: not 16 base32 characters, or seen before", id)
			}
			if id > prev {
				ordered++
			}
			seen[id], prev = true, id
		}
		if ordered == 50 {
			t.Error("50 ids in increasing order: they look sequential")
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		o := e.Fresh(t)
		o.Limits = store.Limits{PerAddressPerHour: 40}
		st := Open(t, o)
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted, limited := 0, 0
		for g := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 6 {
					s := Sample("192.0.2.1")
					s.Body = "from goroutine " + string(rune('a'+g))
					_, err := st.Submit(ctx, s)
					var rl *store.RateLimitError
					mu.Lock()
					switch {
					case err == nil:
						accepted++
					case errors.As(err, &rl):
						limited++
					default:
						t.Error(err)
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if accepted != 40 || limited != 20 {
			t.Errorf("60 concurrent messages under a limit of 40: %d accepted, %d refused", accepted, limited)
		}
		if l, _ := st.List(ctx, 0); len(l) != 40 {
			t.Errorf("%d stored, want 40", len(l))
		}
	})

	t.Run("Outbox", func(t *testing.T) {
		o := e.Fresh(t)
		o.Outbox = true
		st := Open(t, o)
		now := time.Now()
		if _, ok, err := st.NextDelivery(ctx, now, time.Minute); ok || err != nil {
			t.Fatalf("empty outbox: ok=%v err=%v", ok, err)
		}
		id, err := st.Submit(ctx, Sample("192.0.2.1"))
		if err != nil {
			t.Fatal(err)
		}
		d, ok, err := st.NextDelivery(ctx, time.Now(), time.Minute)
		if err != nil || !ok || d.Message.ID != id || d.Attempts != 0 {
			t.Fatalf("NextDelivery = %+v, %v, %v; want %s, 0 attempts", d, ok, err, id)
		}
		if _, ok, _ := st.NextDelivery(ctx, time.Now(), time.Minute); ok {
			t.Fatal("a claimed entry was claimed again within its lease")
		}
		if err := st.RetryAt(ctx, id, time.Now().Add(time.Hour), "webhook answered 500"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := st.NextDelivery(ctx, time.Now(), time.Minute); ok {
			t.Fatal("an entry due in an hour was handed out now")
		}
		d, ok, _ = st.NextDelivery(ctx, time.Now().Add(2*time.Hour), time.Minute)
		if !ok || d.Attempts != 1 {
			t.Fatalf("due again: %+v %v, want attempt 1", d, ok)
		}
		if err := st.Delivered(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := st.NextDelivery(ctx, time.Now().Add(3*time.Hour), time.Minute); ok {
			t.Fatal("a delivered entry came back")
		}
		// Deleting a message drops its pending delivery.
		id2, _ := st.Submit(ctx, Sample("192.0.2.2"))
		if err := st.Delete(ctx, id2); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := st.NextDelivery(ctx, time.Now().Add(time.Hour), time.Minute); ok {
			t.Fatal("a deleted message's delivery is still pending")
		}
	})

	t.Run("OutboxRace", func(t *testing.T) {
		o := e.Fresh(t)
		o.Outbox, o.Limits = true, store.Limits{}
		a, b := Open(t, o), Open(t, o) // two replicas on one database
		for range 10 {
			if _, err := a.Submit(ctx, Sample("192.0.2.1")); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		got := map[string]int{}
		var wg sync.WaitGroup
		for _, st := range []store.Store{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					d, ok, err := st.NextDelivery(ctx, time.Now(), time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if !ok {
						return
					}
					mu.Lock()
					got[d.Message.ID]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(got) != 10 {
			t.Errorf("%d of 10 entries claimed", len(got))
		}
		for id, n := range got {
			if n != 1 {
				t.Errorf("entry %s claimed %d times", id, n)
			}
		}
	})

	t.Run("Webhook", func(t *testing.T) { testWebhook(t, e) })
}

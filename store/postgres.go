package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// openPostgres connects to o.DatabaseURL. Replicas starting together
// migrate one at a time under goose's advisory lock. Commits are durable
// as PostgreSQL makes them (synchronous_commit, on by default).
func openPostgres(ctx context.Context, o Options) (Store, error) {
	cfg, err := pgx.ParseConfig(o.DatabaseURL)
	if err != nil {
		// pgx's message can quote the URL, password included.
		return nil, fmt.Errorf("--database-url: not a PostgreSQL URL (want postgres://USER:PASSWORD@HOST:5432/DB)")
	}
	what := fmt.Sprintf("message store postgres://%s/%s", cfg.Host, cfg.Database)
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := migrate(ctx, db, goose.DialectPostgres, what, goose.WithSessionLocker(locker)); err != nil {
		_ = db.Close()
		return nil, err
	}
	return newSQLStore(db, "postgres", dollarPlaceholders, o), nil
}

// dollarPlaceholders turns each ? in q into $1, $2, ... (no query here
// has a ? inside a string literal).
func dollarPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the "sqlite" driver: pure Go, no cgo
)

// openSQLite opens the SQLite file at o.SQLitePath, creating it (mode
// 0600: it holds visitors' addresses) and its directory when missing.
//
// The connection settings are what make an acknowledged message durable:
// WAL journal with synchronous=FULL (a commit is on disk, WAL fsynced,
// before Submit returns), transactions that take the write lock at BEGIN
// (no upgrade deadlocks between writers) and a busy timeout instead of
// "database is locked" errors under contention.
func openSQLite(ctx context.Context, o Options) (Store, error) {
	path := o.SQLitePath
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("message store: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("message store: %w", err)
	}
	_ = f.Close()
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("message store %s: %w", path, err)
	}
	// One writer at a time is all SQLite allows; a few connections let
	// the inbox be read while a message is being written.
	db.SetMaxOpenConns(4)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("message store %s: %w", path, err)
	}
	if err := migrate(ctx, db, goose.DialectSQLite3, "message store "+path); err != nil {
		_ = db.Close()
		return nil, err
	}
	return newSQLStore(db, "sqlite", func(q string) string { return q }, o), nil
}

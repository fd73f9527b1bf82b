package store_test

import (
	"testing"

	"github.com/laphets/resume/store/storetest"
)

func TestSQLite(t *testing.T) { storetest.Run(t, storetest.SQLite) }

func TestPostgres(t *testing.T) {
	storetest.PostgresURL(t) // skip (or fail under CI) once, not per case
	storetest.Run(t, storetest.Postgres)
}

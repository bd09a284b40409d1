// Package testdb gives each test a database of its own: a file in a
// temporary directory for SQLite, and a fresh schema for PostgreSQL when
// LEARNBOT_TEST_DATABASE_URL is set.
package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	_ "github.com/lib/pq"
)

// EnvURL names the variable that points the tests at PostgreSQL.
const EnvURL = "LEARNBOT_TEST_DATABASE_URL"

// Dialects lists the databases to run on: SQLite always, PostgreSQL when
// configured. The PostgreSQL subtests skip with a visible message otherwise.
var Dialects = []string{"sqlite", "postgres"}

// ForEach runs f once per database as a subtest named after it.
func ForEach(t *testing.T, f func(t *testing.T, url string)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) { f(t, New(t, d)) })
	}
}

// New returns the URL of a fresh, empty database of the dialect.
func New(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case "sqlite":
		return "sqlite:" + filepath.Join(t.TempDir(), "learnbot.db")
	case "postgres":
		return newSchema(t)
	}
	t.Fatalf("testdb: unknown dialect %q", dialect)
	return ""
}

// NewShared returns the URL of a fresh PostgreSQL database that procs
// learnbot processes (or stores) will use at once: their pools together
// stay within this process's slot.
func NewShared(t testing.TB, procs int) string {
	t.Helper()
	return newSchema(t, max(2, (PerSlot-1)/max(procs, 1)))
}

func newSchema(t testing.TB, pool ...int) string {
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip("PostgreSQL test skipped: set " + EnvURL + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("application_name", ApplicationName())
	u.RawQuery = q.Encode()
	base = u.String()
	takeSlot(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if err := admin(base, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("testdb: create schema: %v", err)
	}
	t.Cleanup(func() { admin(base, `DROP SCHEMA `+schema+` CASCADE`) })
	size := PoolSize
	if len(pool) > 0 {
		size = pool[0]
	}
	q.Set("search_path", schema)
	q.Set("pool_max_conns", strconv.Itoa(size))
	u.RawQuery = q.Encode()
	return u.String()
}

// admin runs one statement on a connection of its own, closed at once: no
// connection stays open between tests.
func admin(base, stmt string) error {
	db, err := sql.Open("postgres", base)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.Exec(stmt)
	return err
}

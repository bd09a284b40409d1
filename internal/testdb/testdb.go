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

func newSchema(t testing.TB) string {
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip("PostgreSQL test skipped: set " + EnvURL + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("testdb: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

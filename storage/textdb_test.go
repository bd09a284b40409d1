package storage_test

import (
	"context"
	"testing"

	"github.com/learnbot/learnbot/storage"
)

// TestTextDB: a library's []byte reaches a jsonb column through TextDB (on
// PostgreSQL the store's own pool sends it as a binary parameter, which
// jsonb refuses), in the store's schema, and on SQLite TextDB is the
// store's pool.
func TestTextDB(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		db, err := f.s.TextDB()
		if err != nil {
			t.Fatal(err)
		}
		if f.s.Dialect() == storage.SQLite {
			if db != f.s.DB() {
				t.Error("on SQLite TextDB is another pool; want the store's")
			}
			return
		}
		if _, err := db.ExecContext(ctx, `CREATE TABLE lib_state (doc jsonb)`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.DB().ExecContext(ctx, `INSERT INTO lib_state (doc) VALUES ($1)`, []byte(`{"n": 1}`)); err == nil {
			t.Error("the store's pool put []byte into jsonb; TextDB is then needless")
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO lib_state (doc) VALUES ($1)`, []byte(`{"n": 2}`)); err != nil {
			t.Fatalf("TextDB: %v", err)
		}
		var n int
		if err := f.s.DB().QueryRowContext(ctx, `SELECT (doc->>'n')::int FROM lib_state`).Scan(&n); err != nil || n != 2 {
			t.Errorf("the store reads %d, %v; want 2 written through TextDB in its own schema", n, err)
		}
	})
}

//go:build goolm

package matrix

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/storage"
)

// TestKeyStoreTables: mautrix's tables are made in learnbot's database,
// in its schema, even when another schema of the same PostgreSQL database
// has them already (dbutil looks for its version tables in
// information_schema, which sees every schema), and opening again (a
// restart) finds them.
func TestKeyStoreTables(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			for i := range 2 { // two installations, each in its own schema (or file)
				s, err := storage.Open(ctx, testdb.New(t, dialect))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				db, err := s.TextDB()
				if err != nil {
					t.Fatal(err)
				}
				keys := keyStore{db: db, dialect: string(s.Dialect())}
				for range 2 { // a start and a restart
					if _, _, err := openKeyStore(ctx, keys, "@bot:example.org", "DEVICE", "0123456789abcdef0123456789abcdef", zerolog.Nop()); err != nil {
						t.Fatalf("installation %d: %v", i+1, err)
					}
				}
				for _, table := range []string{"crypto_account", "crypto_megolm_inbound_session", "mx_room_state"} {
					var n int
					if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
						t.Errorf("installation %d: %s is not in learnbot's database: %v", i+1, table, err)
					}
				}
			}
		})
	}
}

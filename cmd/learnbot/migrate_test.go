package main

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/learnbot/learnbot/internal/testdb"
)

// TestConcurrentMigrations starts 4 migrations at once on a fresh database,
// as replicas starting together do, a few rounds over: every one succeeds
// and leaves nothing pending (without the migration lock, most of them fail
// with duplicate key errors while creating the same tables). PostgreSQL
// only: replicas share a PostgreSQL database; SQLite serves one process.
func TestConcurrentMigrations(t *testing.T) {
	for _, d := range []string{"postgres"} {
		t.Run(d, func(t *testing.T) {
			for round := 0; round < 3; round++ {
				cfg := &Config{DatabaseURL: testdb.NewShared(t, 4)}
				var wg sync.WaitGroup
				errs := make([]error, 4)
				for i := range errs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						store, err := openStore(context.Background(), cfg, slog.New(slog.DiscardHandler))
						if err == nil {
							var n int
							if n, err = store.Pending(context.Background()); err == nil && n > 0 {
								t.Errorf("round %d, migrator %d: %d migrations pending after it finished", round, i, n)
							}
							store.Close()
						}
						errs[i] = err
					}()
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Errorf("round %d, migrator %d: %v", round, i, err)
					}
				}
			}
		})
	}
}

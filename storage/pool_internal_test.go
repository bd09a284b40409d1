package storage

import (
	"strings"
	"testing"
)

// TestPoolSize: pool_max_conns sizes the pool and never reaches lib/pq;
// a value that is not a sensible number is refused.
func TestPoolSize(t *testing.T) {
	dsn, n, err := poolSize("postgres://u:p@db/x?pool_max_conns=4&sslmode=disable", 20)
	if err != nil || n != 4 || strings.Contains(dsn, "pool_max_conns") || !strings.Contains(dsn, "sslmode=disable") {
		t.Fatalf("poolSize = %q, %d, %v", dsn, n, err)
	}
	if dsn, n, err := poolSize("postgres://db/x", 20); err != nil || n != 20 || dsn != "postgres://db/x" {
		t.Fatalf("without the parameter = %q, %d, %v", dsn, n, err)
	}
	for _, bad := range []string{"0", "1", "many", "-3", "100000"} {
		if _, _, err := poolSize("postgres://db/x?pool_max_conns="+bad, 20); err == nil || !strings.Contains(err.Error(), "pool_max_conns") {
			t.Errorf("pool_max_conns=%s = %v; want an error naming it", bad, err)
		}
	}
}

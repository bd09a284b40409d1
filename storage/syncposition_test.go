package storage_test

import (
	"context"
	"testing"
)

// TestSyncPosition: nothing saved reads as "", the latest save wins, and
// accounts and workspaces keep their own positions.
func TestSyncPosition(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		if pos, err := f.s.SyncPosition(ctx, "matrix", "example.org", "@bot:example.org"); err != nil || pos != "" {
			t.Fatalf("before any save: %q, %v", pos, err)
		}
		for _, p := range []string{"s1_2", "s7_9"} {
			if err := f.s.SaveSyncPosition(ctx, "matrix", "example.org", "@bot:example.org", p); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.SaveSyncPosition(ctx, "matrix", "other.org", "@bot:other.org", "s3"); err != nil {
			t.Fatal(err)
		}
		if pos, err := f.s.SyncPosition(ctx, "matrix", "example.org", "@bot:example.org"); err != nil || pos != "s7_9" {
			t.Errorf("after two saves: %q, %v; want s7_9", pos, err)
		}
		if pos, err := f.s.SyncPosition(ctx, "matrix", "example.org", "@other:example.org"); err != nil || pos != "" {
			t.Errorf("another account: %q, %v; want none", pos, err)
		}
	})
}

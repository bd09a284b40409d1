package storage_test

import (
	"context"
	"testing"
)

// TestSeenAmong: one question for many keys answers as Seen would for
// each.
func TestSeenAmong(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		if _, err := f.s.FirstSeen(ctx, "slack:event:Ev1"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Touch(ctx, "slack:home:T1:U2"); err != nil {
			t.Fatal(err)
		}
		keys := []string{"slack:home:T1:U1", "slack:home:T1:U2", "slack:event:Ev1", "slack:event:Ev2"}
		got, err := f.s.SeenAmong(ctx, keys)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			want, err := f.s.Seen(ctx, k)
			if err != nil || got[k] != want {
				t.Errorf("%s: SeenAmong %v, Seen %v (%v)", k, got[k], want, err)
			}
		}
		if !got["slack:home:T1:U2"] || got["slack:home:T1:U1"] {
			t.Errorf("seen %v", got)
		}
		if none, err := f.s.SeenAmong(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no keys: %v, %v", none, err)
		}
	})
}

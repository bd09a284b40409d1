package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/storage"
)

// Replicas share each rate limit's pace: the latest one is read back as
// written, merges see the stored one, and the replicas that paced lately
// are counted.
func TestPaces(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		at := time.Date(2026, 11, 28, 1, 0, 0, 123456000, time.UTC)
		key := "T1 chat.postMessage"
		if _, ok, n, _, err := f.s.Pace(ctx, key, "r1", time.Time{}, at.Add(-3*time.Second)); err != nil || ok || n != 0 {
			t.Fatalf("before any: ok %v, %d replicas, %v; want none", ok, n, err)
		}
		want := storage.Pace{RefusedAt: at, ResumeAt: at.Add(time.Second), Base: 48.5, Ceiling: 77.6, Burst: 5}
		if err := f.s.UpdatePace(ctx, key, func(old storage.Pace, ok bool) storage.Pace {
			if ok {
				t.Errorf("merge saw a pace %+v before any", old)
			}
			return want
		}); err != nil {
			t.Fatal(err)
		}
		// Ten replicas merge at once: each sees the one before it.
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				err := f.s.UpdatePace(ctx, key, func(old storage.Pace, ok bool) storage.Pace {
					old.Burst++
					return old
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		want.Burst += 10
		for i, r := range []string{"r1", "r2", "r3"} {
			if _, _, _, _, err := f.s.Pace(ctx, key, r, at.Add(time.Duration(i)*time.Second), at); err != nil {
				t.Fatal(err)
			}
		}
		got, ok, n, index, err := f.s.Pace(ctx, key, "r4", time.Time{}, at.Add(time.Second))
		if err != nil || !ok || got != want {
			t.Errorf("pace %+v, %v, %v; want %+v", got, ok, err, want)
		}
		if n != 2 || index != 2 {
			t.Errorf("%d replicas seen in the last second, r4 at %d; want 2 (r2, r3), r4 after both", n, index)
		}
		// Each replica's place among those seen: the order of their names.
		if _, _, n, index, err := f.s.Pace(ctx, key, "r2", time.Time{}, at.Add(time.Second)); err != nil || n != 2 || index != 0 {
			t.Errorf("r2: %d replicas, at %d, %v; want 2, r2 first", n, index, err)
		}
		if _, _, _, index, err := f.s.Pace(ctx, key, "r3", time.Time{}, at.Add(time.Second)); err != nil || index != 1 {
			t.Errorf("r3 at %d, %v; want second", index, err)
		}
		// A replica seen much later forgets the ones gone for a minute.
		if _, _, n, _, err := f.s.Pace(ctx, key, "r1", at.Add(2*time.Minute), at); err != nil || n != 1 {
			t.Errorf("after two minutes: %d replicas, %v; want r1 only", n, err)
		}
		if _, ok, _, _, err := f.s.Pace(ctx, "T2 chat.postMessage", "r1", time.Time{}, at); err != nil || ok {
			t.Errorf("another key: ok %v, %v; want none", ok, err)
		}
	})
}

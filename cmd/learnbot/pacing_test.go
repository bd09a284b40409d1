package main

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/pacer"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// A 429 one replica gets pauses the other replicas' calls of that limit
// through the database, and they pace it together, each taking its share.
func TestSharedPaces(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		store, err := storage.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		log := slog.New(slog.DiscardHandler)
		a, b := pacer.NewSet(2*time.Second, nil), pacer.NewSet(2*time.Second, nil)
		a.Share(sharedPaces{store}, "a", log)
		b.Share(sharedPaces{store}, "b", log)
		const key = "T1 chat.postMessage"
		limited := &model.RetryAfterError{After: 5 * time.Second, Err: errors.New("429")}
		if err := a.Do(ctx, key, func() error { return limited }); !errors.As(err, new(*model.RetryAfterError)) {
			t.Fatalf("a's call: %v, want the 429", err)
		}
		called := false
		err = b.Do(ctx, key, func() error { called = true; return nil })
		var later *model.RetryAfterError
		if called || !errors.As(err, &later) || later.After < 4*time.Second {
			t.Errorf("b called Slack (%v) or was not told to wait about 5s (%v) after a's 429", called, err)
		}
		if a.For(key).Rate() == 0 || a.For(key).Rate() != b.For(key).Rate() {
			t.Errorf("paces after the shared 429: a %.2f, b %.2f; want the same", a.For(key).Rate(), b.For(key).Rate())
		}
		if err := b.Do(ctx, "T2 chat.postMessage", func() error { return nil }); err != nil {
			t.Errorf("another workspace paused: %v", err)
		}
	})
}

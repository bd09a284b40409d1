package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/learnbot/learnbot/storage"
)

// TestPrune: seen events older than a day, decisions that ended more than
// a week ago (with the people they named) and report links expired more
// than a day ago go; the rest stays, and an App Home visit renewed by Touch
// is kept.
func TestPrune(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		now := time.Now().UTC()
		at := func(d time.Duration) { f.s.SetClock(func() time.Time { return now.Add(d) }) }
		anna := f.people(t, "anna")
		f.assign(t, anna, nil)
		decide := func(resolve bool) string {
			t.Helper()
			res := f.assign(t, anna, nil)
			if res.Decision == nil {
				t.Fatal("no decision")
			}
			if resolve {
				if _, err := f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: res.Decision.ID,
					PersonID: f.guide.ID, Resolution: storage.ResolutionDoNotAssign}); err != nil {
					t.Fatal(err)
				}
			}
			return res.Decision.ID
		}
		seen := func(key string) {
			t.Helper()
			if _, err := f.s.FirstSeen(ctx, key); err != nil {
				t.Fatal(err)
			}
		}

		at(-10 * 24 * time.Hour)
		seen("slack:event:old")
		oldReport, _, err := f.s.CreateReport(ctx, f.ws, 0, f.guide.ID)
		if err != nil {
			t.Fatal(err)
		}
		resolvedLongAgo := decide(true)
		expiredLongAgo := decide(false) // its TTL is an hour
		if err := f.s.Touch(ctx, "slack:home:T1:U1"); err != nil {
			t.Fatal(err)
		}
		at(-2 * 24 * time.Hour)
		seen("slack:event:two-days")
		resolvedRecently := decide(true)
		at(-time.Hour)
		seen("slack:event:fresh")
		if err := f.s.Touch(ctx, "slack:home:T1:U1"); err != nil {
			t.Fatal(err)
		}
		open := decide(false)
		at(-90 * time.Minute)
		recentReport, _, err := f.s.CreateReport(ctx, f.ws, 0, f.guide.ID) // expired half an hour ago
		if err != nil {
			t.Fatal(err)
		}
		at(0)

		p, err := f.s.Prune(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p.SeenEvents != 2 || p.Decisions != 2 || p.Reports != 1 {
			t.Errorf("pruned %+v; want 2 seen events, 2 decisions and 1 report", p)
		}
		if _, err := f.s.ReportByToken(ctx, oldReport); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("old report link: %v; want gone from the table", err)
		}
		if _, err := f.s.ReportByToken(ctx, recentReport); !errors.Is(err, storage.ErrGone) {
			t.Errorf("recently expired report link: %v; want kept, expired", err)
		}
		for key, want := range map[string]bool{"slack:event:old": false, "slack:event:two-days": false,
			"slack:event:fresh": true, "slack:home:T1:U1": true} {
			if got, err := f.s.Seen(ctx, key); err != nil || got != want {
				t.Errorf("Seen(%s) = %v, %v; want %v", key, got, err, want)
			}
		}
		for id, want := range map[string]bool{resolvedLongAgo: false, expiredLongAgo: false, resolvedRecently: true, open: true} {
			_, err := f.s.DecisionByID(ctx, f.ws, id)
			if got := !errors.Is(err, storage.ErrNotFound); got != want || err != nil && want {
				t.Errorf("decision %s kept = %v (%v); want %v", id, got, err, want)
			}
		}
		var named int
		if err := f.s.DB().QueryRow(`SELECT count(*) FROM decision_people`).Scan(&named); err != nil {
			t.Fatal(err)
		}
		if named != 2 {
			t.Errorf("%d decision_people rows; want the 2 of the kept decisions", named)
		}
	})
}

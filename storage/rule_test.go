package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/storage"
)

func TestRules(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := openPath(t, url)
		people := f.people(t, "anna", "ben", "cleo")
		anna, ben, cleo := people[0], people[1], people[2]
		rule := func(t *testing.T, r *storage.Rule) *storage.Rule {
			t.Helper()
			r.WorkspaceID, r.CreatedBy = f.ws, f.guide.ID
			r.Source = storage.Source{Kind: storage.SourceChannel, ID: "C1", Name: "#general"}
			if err := f.s.CreateRule(ctx, r); err != nil {
				t.Fatal(err)
			}
			return r
		}
		apply := func(t *testing.T, r *storage.Rule, ids ...int64) int {
			t.Helper()
			n, err := f.s.ApplyRule(ctx, r, ids)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		once := rule(t, &storage.Rule{TaskID: &f.task.ID})
		t.Run("OncePerPerson", func(t *testing.T) {
			if n := apply(t, once, anna); n != 1 {
				t.Fatalf("first application served %d; want anna", n)
			}
			if n := apply(t, once, anna, ben); n != 1 {
				t.Fatalf("second application served %d; want ben only", n)
			}
			if got := f.held(t, f.task); got["anna"] != 1 || got["ben"] != 1 {
				t.Fatalf("git held by %v", got)
			}
		})
		t.Run("OnceEvenAfterDone", func(t *testing.T) {
			if _, err := f.s.MarkDone(ctx, f.ws, assignmentOf(t, f, f.task, anna), anna); err != nil {
				t.Fatal(err)
			}
			if n := apply(t, once, anna); n != 0 {
				t.Fatalf("served anna again: %d", n)
			}
		})
		t.Run("HolderSkippedAndCountedAsServed", func(t *testing.T) {
			f.assign(t, []int64{cleo}, nil)
			r := rule(t, &storage.Rule{TaskID: &f.task.ID})
			if n := apply(t, r, cleo); n != 0 {
				t.Fatalf("rule assigned cleo who holds git: %d", n)
			}
			if got := f.held(t, f.task); got["cleo"] != 1 {
				t.Fatalf("cleo holds git %d times", got["cleo"])
			}
		})
		t.Run("ConcurrentEventsServeOnce", func(t *testing.T) {
			r := rule(t, &storage.Rule{TaskID: &f.sql.ID})
			var wg sync.WaitGroup
			served := make([]int, 4)
			for i := range served {
				wg.Go(func() {
					n, err := f.s.ApplyRule(ctx, r, []int64{anna, ben})
					if err != nil {
						t.Error(err)
					}
					served[i] = n
				})
			}
			wg.Wait()
			total := 0
			for _, n := range served {
				total += n
			}
			if got := f.held(t, f.sql); total != 2 || got["anna"] != 1 || got["ben"] != 1 {
				t.Fatalf("served %v, sql held by %v; want anna and ben once", served, got)
			}
		})
		t.Run("EveryPeriodServesAgain", func(t *testing.T) {
			docker := &storage.Task{WorkspaceID: f.ws, Key: "docker", Title: "Docker"}
			if err := f.s.CreateTask(ctx, docker, f.guide.ID); err != nil {
				t.Fatal(err)
			}
			year := 365
			r := rule(t, &storage.Rule{TaskID: &docker.ID, EveryDays: &year, EveryText: "1y"})
			if n := apply(t, r, anna); n != 1 {
				t.Fatalf("first: %d", n)
			}
			f.now = f.now.Add(400 * 24 * time.Hour)
			if n := apply(t, r, anna); n != 0 {
				t.Fatalf("served anna while her refresher is open: %d", n)
			}
			if _, err := f.s.MarkDone(ctx, f.ws, assignmentOf(t, f, docker, anna), anna); err != nil {
				t.Fatal(err)
			}
			if n := apply(t, r, anna); n != 1 {
				t.Fatalf("a year on, done: served %d; want the refresher again", n)
			}
			if n := apply(t, r, anna); n != 0 {
				t.Fatalf("served twice in one period: %d", n)
			}
		})
		t.Run("PathRuleSkipsTheEnrolled", func(t *testing.T) {
			f.enrol(t, []int64{anna})
			r := rule(t, &storage.Rule{PathID: &f.path.ID})
			if n := apply(t, r, anna, ben); n != 1 {
				t.Fatalf("path rule served %d; want ben only", n)
			}
		})
		t.Run("RemovedRuleDoesNothing", func(t *testing.T) {
			r := rule(t, &storage.Rule{TaskID: &f.task.ID})
			if _, err := f.s.RemoveRule(ctx, f.ws, r.ID); err != nil {
				t.Fatal(err)
			}
			dora := f.people(t, "dora")[0]
			if n := apply(t, r, dora); n != 0 {
				t.Fatalf("a removed rule served %d", n)
			}
			rules, err := f.s.ListRules(ctx, f.ws)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range rules {
				if x.ID == r.ID {
					t.Fatal("auto list shows a removed rule")
				}
			}
		})
	})
}

// assignmentOf is the ID of a person's latest assignment of a task.
func assignmentOf(t *testing.T, f *pathFixture, task *storage.Task, person int64) int64 {
	t.Helper()
	var id int64
	if err := f.s.DB().QueryRow(f.rebind(`SELECT MAX(id) FROM assignments WHERE task_id = ? AND person_id = ?`), task.ID, person).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

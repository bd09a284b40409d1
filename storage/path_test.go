package storage_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// pathFixture is a fixture with a second task and a path "onboarding": git
// on day 0, due 3 days later, then sql on day 7.
type pathFixture struct {
	*fixture
	sql  *storage.Task
	path *storage.Path
	now  time.Time
}

func openPath(t *testing.T, url string) *pathFixture {
	t.Helper()
	ctx := context.Background()
	f := &pathFixture{fixture: open(t, url)}
	withQueue(t, f.s)
	// Saturday 2026-12-05, 08:00 UTC: 09:00 in Berlin, 03:00 in New York.
	f.now = time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	f.s.SetClock(func() time.Time { return f.now })
	f.sql = &storage.Task{WorkspaceID: f.ws, Key: "sql", Title: "SQL basics"}
	if err := f.s.CreateTask(ctx, f.sql, f.guide.ID); err != nil {
		t.Fatal(err)
	}
	f.path = &storage.Path{WorkspaceID: f.ws, Key: "onboarding", Title: "First two weeks"}
	if err := f.s.CreatePath(ctx, f.path, f.guide.ID); err != nil {
		t.Fatal(err)
	}
	three := 3
	if _, err := f.s.SetStep(ctx, f.ws, f.path.ID, f.task.ID, 0, &three, f.guide.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SetStep(ctx, f.ws, f.path.ID, f.sql.ID, 7, nil, f.guide.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

// zoned makes chat users with time zones, as platforms report them.
func (f *pathFixture) zoned(t *testing.T, zones map[string]string) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for name, zone := range zones {
		p, err := f.s.Identify(context.Background(), storage.Identity{Platform: "console", Workspace: "console",
			User: model.User{ID: name, Name: name, TZ: zone}})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = p.ID
	}
	return ids
}

// held counts each person's open assignments of a task.
func (f *pathFixture) held(t *testing.T, task *storage.Task) map[string]int {
	t.Helper()
	rows, err := f.s.DB().Query(f.rebind(`SELECT p.display_name FROM assignments a JOIN people p ON p.id = a.person_id
		WHERE a.task_id = ? AND a.state = 'open'`), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out[name]++
	}
	return out
}

// rebind writes a test's query for the store's dialect.
func (f *pathFixture) rebind(q string) string {
	if f.s.Dialect() == storage.Postgres {
		return sqlx.Rebind(sqlx.DOLLAR, q)
	}
	return q
}

func (f *pathFixture) enrol(t *testing.T, people []int64) *storage.EnrolResult {
	t.Helper()
	res, err := f.s.Enrol(context.Background(), storage.EnrolParams{WorkspaceID: f.ws, PathID: f.path.ID, GuideID: f.guide.ID,
		PersonIDs: people, DecisionTTL: time.Hour, Start: date(t, "2026-12-05")})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPaths(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := openPath(t, url)
		ids := f.zoned(t, map[string]string{"anna": "Europe/Berlin", "ben": "America/New_York", "cleo": "Asia/Tokyo"})

		t.Run("DayZeroReleasedAtOnce", func(t *testing.T) {
			res := f.enrol(t, []int64{ids["anna"], ids["ben"]})
			if res.Enrolled != 2 || res.Released != 2 || res.DecisionID != "" {
				t.Fatalf("enrol = %+v; want 2 enrolled, git released to both", res)
			}
			if got := f.held(t, f.task); got["anna"] != 1 || got["ben"] != 1 {
				t.Fatalf("git held by %v", got)
			}
			if n := queued(t, f.s, "dm"); n != 2 {
				t.Fatalf("%d DMs queued; want 2", n)
			}
		})
		t.Run("LaterStepAt0900InEachZone", func(t *testing.T) {
			// Day 7 is Saturday 2026-12-12: 08:00 UTC in Berlin, 14:00 UTC in New York.
			f.now = time.Date(2026, 12, 12, 7, 59, 0, 0, time.UTC)
			if n, err := f.s.ClaimDueReleases(ctx); err != nil || n != 0 {
				t.Fatalf("before 09:00 in Berlin: released %d, %v", n, err)
			}
			f.now = time.Date(2026, 12, 12, 8, 0, 0, 0, time.UTC)
			if n, err := f.s.ClaimDueReleases(ctx); err != nil || n != 1 {
				t.Fatalf("09:00 in Berlin: released %d, %v; want anna's", n, err)
			}
			if got := f.held(t, f.sql); got["anna"] != 1 || got["ben"] != 0 {
				t.Fatalf("sql held by %v; want anna only", got)
			}
			f.now = time.Date(2026, 12, 12, 14, 0, 0, 0, time.UTC)
			if n, err := f.s.ClaimDueReleases(ctx); err != nil || n != 1 {
				t.Fatalf("09:00 in New York: released %d, %v; want ben's", n, err)
			}
			if n, err := f.s.ClaimDueReleases(ctx); err != nil || n != 0 {
				t.Fatalf("again: released %d, %v; want nothing twice", n, err)
			}
		})
		t.Run("DueDateAfterRelease", func(t *testing.T) {
			var due string
			err := f.s.DB().QueryRow(f.rebind(`SELECT CAST(due_date AS TEXT) FROM assignments WHERE task_id = ? AND person_id = ?`),
				f.task.ID, ids["anna"]).Scan(&due)
			if err != nil || due != "2026-12-08" {
				t.Fatalf("git's due date = %q, %v; want day 0 + 3 = 2026-12-08", due, err)
			}
		})
		t.Run("HoldersAreAsked", func(t *testing.T) {
			res := f.enrol(t, []int64{ids["anna"], ids["cleo"]})
			if res.DecisionID == "" || res.Holders != 1 || res.New != 1 || res.Enrolled != 0 {
				t.Fatalf("enrol = %+v; want a decision: anna holds it, cleo is new", res)
			}
			other := f.people(t, "olga")[0]
			_, err := f.s.ResolvePathDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: res.DecisionID,
				PersonID: other, Resolution: storage.ResolutionOnlyNew})
			if !errors.Is(err, storage.ErrNotYours) {
				t.Fatalf("someone else's press: %v; want ErrNotYours", err)
			}
			// Two presses at once: one enrols, the other is told.
			var wg sync.WaitGroup
			errs := make([]error, 2)
			results := make([]*storage.ResolvePathResult, 2)
			for i := range 2 {
				wg.Go(func() {
					results[i], errs[i] = f.s.ResolvePathDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: res.DecisionID,
						PersonID: f.guide.ID, Resolution: storage.ResolutionOnlyNew})
				})
			}
			wg.Wait()
			won := 0
			for i := range 2 {
				switch {
				case errs[i] == nil:
					won++
					if results[i].Enrolled != 1 || results[i].Names[0] != "cleo" {
						t.Fatalf("Only new = %+v; want cleo enrolled", results[i])
					}
				case !errors.Is(errs[i], storage.ErrDecided):
					t.Fatalf("second press: %v; want ErrDecided", errs[i])
				}
			}
			if won != 1 {
				t.Fatalf("%d presses won; want 1", won)
			}
			if got := f.held(t, f.task); got["anna"] != 1 || got["cleo"] != 1 {
				t.Fatalf("git held by %v; want anna once, cleo once", got)
			}
		})
		t.Run("ForceStartsAgain", func(t *testing.T) {
			res := f.enrol(t, []int64{ids["anna"]})
			r, err := f.s.ResolvePathDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: res.DecisionID,
				PersonID: f.guide.ID, Resolution: storage.ResolutionForce})
			if err != nil || r.Enrolled != 1 {
				t.Fatalf("Force = %+v, %v", r, err)
			}
			if got := f.held(t, f.task); got["anna"] != 2 {
				t.Fatalf("anna holds git %d times; want 2 (Force assigns even what is held open)", got["anna"])
			}
			var active int
			if err := f.s.DB().QueryRow(f.rebind(`SELECT count(*) FROM enrolments WHERE person_id = ? AND state = 'active'`), ids["anna"]).Scan(&active); err != nil || active != 1 {
				t.Fatalf("anna has %d active enrolments, %v; want 1", active, err)
			}
		})
		t.Run("EditChangesStepsNotYetReleased", func(t *testing.T) {
			cleoPending := func() int {
				var n int
				if err := f.s.DB().QueryRow(f.rebind(`SELECT count(*) FROM releases r JOIN enrolments e ON e.id = r.enrolment_id
					WHERE e.person_id = ? AND e.state = 'active'`), ids["cleo"]).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			docker := &storage.Task{WorkspaceID: f.ws, Key: "docker", Title: "Docker basics"}
			if err := f.s.CreateTask(ctx, docker, f.guide.ID); err != nil {
				t.Fatal(err)
			}
			if n := cleoPending(); n != 0 {
				t.Fatalf("cleo has %d pending steps; want none (day 7 has come)", n)
			}
			if _, err := f.s.SetStep(ctx, f.ws, f.path.ID, docker.ID, 30, nil, f.guide.ID); err != nil {
				t.Fatal(err)
			}
			if n := cleoPending(); n != 1 {
				t.Fatalf("cleo has %d pending steps after docker joined the path; want 1", n)
			}
			if err := f.s.RemoveStep(ctx, f.ws, f.path.ID, docker.ID, f.guide.ID); err != nil {
				t.Fatal(err)
			}
			if n := cleoPending(); n != 0 {
				t.Fatalf("cleo has %d pending steps after docker left the path; want 0", n)
			}
			if _, err := f.s.SetStep(ctx, f.ws, f.path.ID, docker.ID, 30, nil, f.guide.ID); err != nil {
				t.Fatal(err)
			}
			if n := cleoPending(); n != 1 {
				t.Fatalf("cleo has %d pending steps after docker came back; want 1", n)
			}
		})
		t.Run("EndEnrolments", func(t *testing.T) {
			res, err := f.s.EndEnrolments(ctx, storage.EndEnrolmentsParams{WorkspaceID: f.ws, PathID: f.path.ID, GuideID: f.guide.ID,
				PersonIDs: []int64{ids["cleo"], f.guide.ID}})
			if err != nil || res.Ended != 1 || res.Missing != 1 {
				t.Fatalf("end = %+v, %v; want cleo's ended, gina missing", res, err)
			}
			if got := f.held(t, f.task); got["cleo"] != 0 {
				t.Fatalf("cleo still holds git open: %v", got)
			}
			f.now = f.now.Add(60 * 24 * time.Hour)
			if _, err := f.s.ClaimDueReleases(ctx); err != nil {
				t.Fatal(err)
			}
			var docker int
			if err := f.s.DB().QueryRow(f.rebind(`SELECT count(*) FROM assignments a JOIN tasks t ON t.id = a.task_id
				WHERE t.key = 'docker' AND a.person_id = ?`), ids["cleo"]).Scan(&docker); err != nil || docker != 0 {
				t.Fatalf("an ended enrolment released docker to cleo (%d), %v", docker, err)
			}
		})
		t.Run("SharedNamespace", func(t *testing.T) {
			err := f.s.CreatePath(ctx, &storage.Path{WorkspaceID: f.ws, Key: "git", Title: "x"}, f.guide.ID)
			if !errors.Is(err, storage.ErrTaken) {
				t.Fatalf("path named as a task: %v; want ErrTaken", err)
			}
			err = f.s.CreateTask(ctx, &storage.Task{WorkspaceID: f.ws, Key: "onboarding", Title: "x"}, f.guide.ID)
			if !errors.Is(err, storage.ErrTaken) {
				t.Fatalf("task named as a path: %v; want ErrTaken", err)
			}
		})
		t.Run("AutocompleteOffersPaths", func(t *testing.T) {
			keys, err := f.s.TaskKeys(ctx, "console", "console", "", 25)
			if err != nil || strings.Join(keys, " ") != "docker git onboarding sql" {
				t.Fatalf("TaskKeys = %v, %v; want tasks and paths in order", keys, err)
			}
		})
		t.Run("ArchivedPathRefused", func(t *testing.T) {
			if _, _, err := f.s.SetPathArchived(ctx, f.ws, "onboarding", true, f.guide.ID); err != nil {
				t.Fatal(err)
			}
			_, err := f.s.Enrol(ctx, storage.EnrolParams{WorkspaceID: f.ws, PathID: f.path.ID, GuideID: f.guide.ID,
				PersonIDs: []int64{ids["ben"]}, DecisionTTL: time.Hour, Start: date(t, "2026-12-05")})
			if !errors.Is(err, storage.ErrArchived) {
				t.Fatalf("enrol in an archived path: %v; want ErrArchived", err)
			}
		})
	})
}

// TestReleaseOnceAcrossScans: replicas scanning at the same moment release
// each step once.
func TestReleaseOnceAcrossScans(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := openPath(t, url)
		people := f.people(t, "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8")
		f.enrol(t, people)
		f.now = time.Date(2026, 12, 13, 0, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		counts := make([]int, 4)
		for i := range counts {
			wg.Go(func() {
				n, err := f.s.ClaimDueReleases(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		total := 0
		for _, n := range counts {
			total += n
		}
		if total != len(people) {
			t.Fatalf("scans released %v; want %d in all", counts, len(people))
		}
		for name, n := range f.held(t, f.sql) {
			if n != 1 {
				t.Fatalf("%s holds sql %d times", name, n)
			}
		}
	})
}

package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// BenchmarkWeeklyDigests1kx100k: 1,000 guides (four time zones) who made
// 100,000 open assignments (100 tasks, 1,000 learners; a tenth overdue).
// On Monday at 14:00 UTC every guide's 09:00 has passed: one scan claims
// and queues the 1,000 weekly digests, and Digests builds all 1,000 of
// them. Both are a fixed number of statements whatever the count, counted
// on the wire (every query and exec, River's job insert included):
// reported as claim-stmts and build-stmts, with claim-ms and build-ms.
//
//	go test ./storage -run '^$' -bench WeeklyDigests1kx100k -benchtime 3x
func BenchmarkWeeklyDigests1kx100k(b *testing.B) {
	for _, d := range testdb.Dialects {
		b.Run(d, func(b *testing.B) { benchDigests(b, d) })
	}
}

func benchDigests(b *testing.B, dialect string) {
	ctx := context.Background()
	url := testdb.New(b, dialect)
	s, err := storage.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := queue.Migrate(ctx, s); err != nil {
		b.Fatal(err)
	}
	statements, err := storage.CountStatements(s, url)
	if err != nil {
		b.Fatal(err)
	}
	if err := storage.GiveOutbox(s, queue.NewOutbox); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC) // Monday
	s.SetClock(func() time.Time { return now })
	admin, err := s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console", User: model.User{ID: "root"}, Admin: true})
	if err != nil {
		b.Fatal(err)
	}
	ws := admin.WorkspaceID
	zones := []string{"", "Europe/Berlin", "America/New_York", "Asia/Tokyo"}
	ids := func(prefix string, n int) []int64 {
		users := make([]model.User, n)
		for i := range users {
			users[i] = model.User{ID: fmt.Sprintf("%s%05d", prefix, i), Name: fmt.Sprintf("%s %d", prefix, i), TZ: zones[i%len(zones)]}
		}
		people, err := s.EnsurePeople(ctx, ws, users)
		if err != nil {
			b.Fatal(err)
		}
		out := make([]int64, len(people))
		for i, p := range people {
			out[i] = p.ID
		}
		return out
	}
	guides := ids("g", 1000)
	ids("l", 1000)
	for i := range 100 {
		if err := s.CreateTask(ctx, &storage.Task{WorkspaceID: ws, Key: fmt.Sprintf("t%03d", i), Title: "T"}, admin.ID); err != nil {
			b.Fatal(err)
		}
	}
	gmin, gmax := guides[0], guides[0]
	for _, id := range guides {
		gmin, gmax = min(gmin, id), max(gmax, id)
	}
	if gmax-gmin != int64(len(guides)-1) {
		b.Fatalf("guide IDs %d..%d are not contiguous", gmin, gmax)
	}
	// Each task goes to 1,000 learners, made by ten guides (a hundred each):
	// every guide has one task with 100 open assignments, a tenth overdue.
	q := `UPDATE people SET role = 'guide', status = 'active' WHERE id BETWEEN $1 AND $2`
	if _, err := s.DB().ExecContext(ctx, q, gmin, gmax); err != nil {
		b.Fatal(err)
	}
	q = `INSERT INTO assignments (workspace_id, task_id, person_id, assigned_by, forced, state, created_at, due_date)
		SELECT t.workspace_id, t.id, p.id, $1 + (t.id * 10 + p.id % 10) % 1000, FALSE, 'open', $2,
			CASE WHEN (p.id / 10 + t.id) % 10 = 1 THEN $3 ELSE $4 END
		FROM tasks t CROSS JOIN people p WHERE t.workspace_id = $5 AND p.workspace_id = $5 AND p.chat_id LIKE 'l%'`
	if dialect == "postgres" {
		q = `INSERT INTO assignments (workspace_id, task_id, person_id, assigned_by, forced, state, created_at, due_date)
		SELECT t.workspace_id, t.id, p.id, $1 + (t.id * 10 + p.id % 10) % 1000, FALSE, 'open', $2::timestamptz,
			CASE WHEN (p.id / 10 + t.id) % 10 = 1 THEN $3::date ELSE $4::date END
		FROM tasks t CROSS JOIN people p WHERE t.workspace_id = $5 AND p.workspace_id = $5 AND p.chat_id LIKE 'l%'`
	}
	res, err := s.DB().ExecContext(ctx, q, gmin, now.Add(-30*24*time.Hour), "2026-12-04", "2026-12-20", ws)
	if err != nil {
		b.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 100000 {
		b.Fatalf("%d assignments; want 100,000", n)
	}
	if dialect == "postgres" {
		if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	var claim, build []time.Duration
	var claimStmts, buildStmts int64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for _, q := range []string{`DELETE FROM notices`, `DELETE FROM river_job`, `DELETE FROM escalations`} {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		before := statements.Load()
		t0 := time.Now()
		n, err := s.ClaimNotices(ctx)
		if err != nil || n != 1000 {
			b.Fatalf("claimed %d, %v; want 1,000 digests", n, err)
		}
		claim = append(claim, time.Since(t0))
		claimStmts = statements.Load() - before
		before = statements.Load()
		t1 := time.Now()
		ds, err := s.Digests(ctx, guides)
		if err != nil || len(ds) != 1000 {
			b.Fatalf("built %d digests, %v", len(ds), err)
		}
		build = append(build, time.Since(t1))
		buildStmts = statements.Load() - before
		d := ds[gmin]
		if len(d.Tasks) != 1 || d.Tasks[0].Open != 100 || d.Tasks[0].Overdue != 10 || len(d.Tasks[0].OverdueNames) != 10 {
			b.Fatalf("first guide's digest = %+v", d.Tasks)
		}
	}
	b.StopTimer()
	b.ReportMetric(median(claim), "claim-ms")
	b.ReportMetric(float64(claimStmts), "claim-stmts")
	b.ReportMetric(median(build), "build-ms")
	b.ReportMetric(float64(buildStmts), "build-stmts")
}

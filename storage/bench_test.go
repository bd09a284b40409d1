package storage_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// BenchmarkAssignGroup10k assigns a task to a group of 10,000 of whom 5,000
// already hold it: detection (the prompt), then "Only new" (5,000
// assignments and 5,000 DM jobs queued in the same transaction).
//
//	go test ./storage -run '^$' -bench AssignGroup10k -benchtime 10x
func BenchmarkAssignGroup10k(b *testing.B) {
	for _, d := range testdb.Dialects {
		b.Run(d, func(b *testing.B) { benchAssignGroup(b, d) })
	}
}

func benchAssignGroup(b *testing.B, dialect string) {
	ctx := context.Background()
	s, err := storage.Open(ctx, testdb.New(b, dialect), storage.WithOutbox(queue.NewOutbox)) // no workers run
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := queue.Migrate(ctx, s); err != nil {
		b.Fatal(err)
	}
	guide, err := s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console", User: model.User{ID: "gina"}, Admin: true})
	if err != nil {
		b.Fatal(err)
	}
	ws := guide.WorkspaceID
	users := make([]model.User, 10000)
	for i := range users {
		users[i] = model.User{ID: fmt.Sprintf("u%05d", i)}
	}
	people, err := s.EnsurePeople(ctx, ws, users)
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	group, err := s.CreateGroup(ctx, ws, "all", guide.ID)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.AddMembers(ctx, group, ids, guide.ID); err != nil {
		b.Fatal(err)
	}
	var detect, resolve []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		task := &storage.Task{WorkspaceID: ws, Key: fmt.Sprintf("t%d", i), Title: "T"}
		if err := s.CreateTask(ctx, task, guide.ID); err != nil {
			b.Fatal(err)
		}
		half, err := s.Assign(ctx, storage.AssignParams{WorkspaceID: ws, TaskID: task.ID, GuideID: guide.ID, PersonIDs: ids[:5000]})
		if err != nil || half.Assigned != 5000 {
			b.Fatalf("setup assign = %+v, %v", half, err)
		}
		b.StartTimer()

		t0 := time.Now()
		res, err := s.Assign(ctx, storage.AssignParams{WorkspaceID: ws, TaskID: task.ID, GuideID: guide.ID,
			GroupIDs: []int64{group.ID}, DecisionTTL: time.Hour})
		if err != nil || res.Decision == nil || res.Holders != 5000 || res.New != 5000 {
			b.Fatalf("assign = %+v, %v", res, err)
		}
		t1 := time.Now()
		r, err := s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: ws, DecisionID: res.Decision.ID,
			PersonID: guide.ID, Resolution: storage.ResolutionOnlyNew})
		if err != nil || r.Assigned != 5000 {
			b.Fatalf("only new = %+v, %v", r, err)
		}
		detect = append(detect, t1.Sub(t0))
		resolve = append(resolve, time.Since(t1))
	}
	b.StopTimer()
	b.ReportMetric(median(detect), "detect-ms")
	b.ReportMetric(median(resolve), "onlynew-ms")
}

func median(ds []time.Duration) float64 {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(ds[len(ds)/2]) / float64(time.Millisecond)
}

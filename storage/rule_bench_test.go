package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// BenchmarkRules: a rule with existing applied to a source of 10,000
// members (10,000 assignments and their DM jobs queued, not sent), and the
// reconciliation of 100 rules over sources of 1,000 members each, nobody
// left to serve: its statements per rule are reported (statements/rule).
//
//	go test ./storage -run '^$' -bench Rules -benchtime 3x
func BenchmarkRules(b *testing.B) {
	for _, d := range testdb.Dialects {
		b.Run(d, func(b *testing.B) {
			ctx := context.Background()
			url := testdb.New(b, d)
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
			guide, err := s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console", User: model.User{ID: "gina"}, Admin: true})
			if err != nil {
				b.Fatal(err)
			}
			ws := guide.WorkspaceID
			users := make([]model.User, 10000)
			for i := range users {
				users[i] = model.User{ID: fmt.Sprintf("u%05d", i), Name: fmt.Sprintf("u%d", i)}
			}
			people, err := s.EnsurePeople(ctx, ws, users)
			if err != nil {
				b.Fatal(err)
			}
			ids := make([]int64, len(people))
			for i, p := range people {
				ids[i] = p.ID
			}
			n := 0
			newRule := func(b *testing.B) *storage.Rule {
				n++
				task := &storage.Task{WorkspaceID: ws, Key: fmt.Sprintf("t%d", n), Title: "T"}
				if err := s.CreateTask(ctx, task, guide.ID); err != nil {
					b.Fatal(err)
				}
				r := &storage.Rule{WorkspaceID: ws, TaskID: &task.ID, CreatedBy: guide.ID,
					Source: storage.Source{Kind: storage.SourceChannel, ID: fmt.Sprintf("C%d", n), Name: "#c"}}
				if err := s.CreateRule(ctx, r); err != nil {
					b.Fatal(err)
				}
				return r
			}
			b.Run("Existing10k", func(b *testing.B) {
				for range b.N {
					b.StopTimer()
					r := newRule(b)
					b.StartTimer()
					served, err := s.ApplyRule(ctx, r, ids)
					if err != nil || served != len(ids) {
						b.Fatalf("served %d, %v", served, err)
					}
				}
			})
			b.Run("Reconcile100x1k", func(b *testing.B) {
				rules := make([]*storage.Rule, 100)
				for i := range rules {
					rules[i] = newRule(b)
					if err := s.ExcludeFromRule(ctx, rules[i], ids[i*90:i*90+1000]); err != nil {
						b.Fatal(err)
					}
				}
				b.ResetTimer()
				before := statements.Load()
				for range b.N {
					for i, r := range rules {
						if served, err := s.ApplyRule(ctx, r, ids[i*90:i*90+1000]); err != nil || served != 0 {
							b.Fatalf("served %d, %v", served, err)
						}
					}
				}
				b.ReportMetric(float64(statements.Load()-before)/float64(b.N*len(rules)), "statements/rule")
			})
		})
	}
}

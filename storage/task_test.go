package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/learnbot/learnbot/storage"
)

func TestEditTask(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		got, err := f.s.EditTask(ctx, f.ws, "git", "Git in depth", "https://learn.example.com/git", f.guide.ID)
		if err != nil || got.Title != "Git in depth" || got.URL != "https://learn.example.com/git" || got.ID != f.task.ID {
			t.Fatalf("EditTask = %+v, %v", got, err)
		}
		if _, err := f.s.EditTask(ctx, f.ws, "nope", "X", "", f.guide.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("EditTask of an unknown key = %v, want ErrNotFound", err)
		}
		other, err := f.s.EnsureWorkspace(ctx, "slack", "T2", "Other")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.EditTask(ctx, other, "git", "Stolen", "", f.guide.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("EditTask from another workspace = %v, want ErrNotFound", err)
		}
		if t2, _ := f.s.TaskByKey(ctx, f.ws, "git"); t2.Title != "Git in depth" {
			t.Errorf("title after another workspace's edit = %q", t2.Title)
		}
	})
}

// TestArchiveTask: an archived task leaves the catalogue, autocomplete and
// assign (also a decision pending when it was archived), keeps its
// assignments, and comes back with restore.
func TestArchiveTask(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		people := f.people(t, "anna", "ben")
		f.assign(t, people[:1], nil)
		pending := f.assign(t, people, nil) // anna holds it: a decision
		if pending.Decision == nil {
			t.Fatal("no decision")
		}

		task, changed, err := f.s.SetTaskArchived(ctx, f.ws, "git", true, f.guide.ID)
		if err != nil || !changed || !task.Archived() {
			t.Fatalf("archive = %+v, %v, %v", task, changed, err)
		}
		if _, changed, err := f.s.SetTaskArchived(ctx, f.ws, "git", true, f.guide.ID); err != nil || changed {
			t.Errorf("archiving again = changed %v, %v; want no change", changed, err)
		}
		if list, err := f.s.ListTasks(ctx, f.ws); err != nil || len(list) != 0 {
			t.Errorf("ListTasks = %+v, %v; want the archived task left out", list, err)
		}
		if keys, err := f.s.TaskKeys(ctx, "console", "console", "g", 25); err != nil || len(keys) != 0 {
			t.Errorf("TaskKeys = %v, %v; want none", keys, err)
		}
		_, err = f.s.Assign(ctx, storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID, GuideID: f.guide.ID,
			PersonIDs: people[1:], DecisionTTL: time.Hour})
		if !errors.Is(err, storage.ErrArchived) {
			t.Errorf("Assign of an archived task = %v, want ErrArchived", err)
		}
		_, err = f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: pending.Decision.ID,
			PersonID: f.guide.ID, Resolution: storage.ResolutionForce})
		if !errors.Is(err, storage.ErrArchived) {
			t.Errorf("Force on a decision of an archived task = %v, want ErrArchived", err)
		}
		if n := f.holdings(t); n != 1 {
			t.Errorf("%d assignments after archiving; want anna's one kept and none added", n)
		}

		task, changed, err = f.s.SetTaskArchived(ctx, f.ws, "git", false, f.guide.ID)
		if err != nil || !changed || task.Archived() {
			t.Fatalf("restore = %+v, %v, %v", task, changed, err)
		}
		if list, err := f.s.ListTasks(ctx, f.ws); err != nil || len(list) != 1 || list[0].Holders != 1 {
			t.Errorf("ListTasks after restore = %+v, %v", list, err)
		}
		if res := f.assign(t, people[1:], nil); res.Assigned != 1 {
			t.Errorf("assign after restore = %+v", res)
		}
		if _, _, err := f.s.SetTaskArchived(ctx, f.ws, "nope", true, f.guide.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("archive of an unknown key = %v, want ErrNotFound", err)
		}
	})
}

func TestRenameGroup(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		g, err := f.s.CreateGroup(ctx, f.ws, "cohort-7", f.guide.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddMembers(ctx, g, f.people(t, "anna", "ben"), f.guide.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.CreateGroup(ctx, f.ws, "cohort-8", f.guide.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.RenameGroup(ctx, f.ws, "cohort-7", "spring", f.guide.ID); err != nil {
			t.Fatal(err)
		}
		renamed, err := f.s.GroupByName(ctx, f.ws, "spring")
		if err != nil || renamed.ID != g.ID || renamed.Size != 2 {
			t.Errorf("after rename: %+v, %v; want the same group with its 2 members", renamed, err)
		}
		if _, err := f.s.GroupByName(ctx, f.ws, "cohort-7"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("old name still found: %v", err)
		}
		if err := f.s.RenameGroup(ctx, f.ws, "spring", "cohort-8", f.guide.ID); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("rename onto a taken name = %v, want ErrConflict", err)
		}
		if err := f.s.RenameGroup(ctx, f.ws, "nope", "x", f.guide.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("rename of an unknown group = %v, want ErrNotFound", err)
		}
		other, err := f.s.EnsureWorkspace(ctx, "slack", "T2", "Other")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.RenameGroup(ctx, other, "spring", "mine", f.guide.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("rename from another workspace = %v, want ErrNotFound", err)
		}
	})
}

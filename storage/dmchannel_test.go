package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// TestKeepDMChannel: a learner's kept DM channel comes with their
// assignments (the queue hands it to the sender), "" forgets it, and it
// stays in its workspace: the same chat ID elsewhere keeps nothing.
func TestKeepDMChannel(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		people := f.people(t, "ben")
		f.assign(t, people, nil)
		vs, _, err := f.s.AssignmentsOf(ctx, f.ws, people[0], 1)
		if err != nil || len(vs) != 1 {
			t.Fatalf("AssignmentsOf = %+v, %v", vs, err)
		}
		channel := func() string {
			t.Helper()
			v, err := f.s.AssignmentByID(ctx, vs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if v.DMChannel == nil {
				return ""
			}
			return *v.DMChannel
		}
		if c := channel(); c != "" {
			t.Fatalf("a new learner has DM channel %q", c)
		}
		if err := f.s.KeepDMChannels(ctx, "console", []storage.KeptDMChannel{{Workspace: "elsewhere", ChatID: "ben", Channel: "DOTHER"}, {Workspace: "console", ChatID: "nobody", Channel: "DNOBODY"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.KeepDMChannels(ctx, "slack", []storage.KeptDMChannel{{Workspace: "console", ChatID: "ben", Channel: "DOTHER"}}); err != nil {
			t.Fatal(err)
		}
		if c := channel(); c != "" {
			t.Fatalf("another workspace's channel %q kept for ben", c)
		}
		if err := f.s.KeepDMChannels(ctx, model.PlatformConsole, []storage.KeptDMChannel{{Workspace: "console", ChatID: "ben", Channel: "DBEN"}}); err != nil {
			t.Fatal(err)
		}
		if c := channel(); c != "DBEN" {
			t.Fatalf("kept %q, want DBEN", c)
		}
		if err := f.s.KeepDMChannels(ctx, model.PlatformConsole, []storage.KeptDMChannel{{Workspace: "console", ChatID: "ben", Channel: ""}}); err != nil {
			t.Fatal(err)
		}
		if c := channel(); c != "" {
			t.Fatalf("kept %q after forgetting it", c)
		}
	})
}

// TestKeepDMChannelsBesideAssign: keeping DM channels locks the people it
// changes and nothing more. A transaction that writes in the same workspace
// (an /assign creating a learner: its foreign key holds a key-share lock on
// the workspace's row until it commits) neither waits for it nor holds it
// up; locking the workspace's row too made every batch of kept channels
// queue behind the commands in flight, and the commands behind it.
func TestKeepDMChannelsBesideAssign(t *testing.T) {
	f := open(t, testdb.New(t, "postgres"))
	ctx := context.Background()
	f.people(t, "ben")
	tx, err := f.s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO people (workspace_id, role, status, display_name, chat_id, created_at)
		VALUES ($1, 'learner', 'active', 'dora', 'dora', now())`, f.ws); err != nil {
		t.Fatal(err)
	}
	kctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	err = f.s.KeepDMChannels(kctx, model.PlatformConsole, []storage.KeptDMChannel{{Workspace: "console", ChatID: "ben", Channel: "DBEN"}})
	if err != nil {
		t.Fatalf("keeping ben's DM channel beside a transaction in flight: %v", err)
	}
}

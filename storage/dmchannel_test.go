package storage_test

import (
	"context"
	"testing"

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

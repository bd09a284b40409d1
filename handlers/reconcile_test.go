package handlers_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// TestTwoReplicasReconcileOnce: 200 people joined a rule's group while no
// event reached learnbot; two replicas reconcile at the same moment, and
// each person gets the task's DM once.
func TestTwoReplicasReconcileOnce(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		ctx := context.Background()
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina"))
		says(t, b, gina, "task add git Git basics", "Added the task git")
		says(t, b, gina, "group create cohort-7", "Created the group cohort-7")
		says(t, b, gina, "auto git cohort-7", "Rule #1")

		// The second replica: its own store and handlers on the same database.
		store2, err := storage.Open(ctx, b.URL, storage.WithOutbox(queue.NewOutbox)) // the first replica's workers deliver
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store2.Close() })
		h2 := handlers.New(store2, b.Config, nil)

		// Members added behind the rule's back, as when the events were lost.
		users := make([]model.User, 200)
		for i := range users {
			users[i] = model.User{ID: fmt.Sprintf("m%03d", i), Name: fmt.Sprintf("m%03d", i)}
		}
		people, err := b.Store.EnsurePeople(ctx, mustWorkspace(t, b), users)
		if err != nil {
			t.Fatal(err)
		}
		g, err := b.Store.GroupByName(ctx, people[0].WorkspaceID, "cohort-7")
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(people))
		for i, p := range people {
			ids[i] = p.ID
		}
		if _, err := b.Store.AddMembers(ctx, g, ids, people[0].ID); err != nil {
			t.Fatal(err)
		}

		var wg sync.WaitGroup
		served := make([]int, 2)
		for i, h := range []*handlers.Handlers{b.Handlers, h2} {
			wg.Go(func() {
				n, err := h.Reconcile(ctx)
				if err != nil {
					t.Error(err)
				}
				served[i] = n
			})
		}
		wg.Wait()
		if served[0]+served[1] != 200 {
			t.Fatalf("replicas served %v; want 200 in all", served)
		}
		b.WaitJobs(t)
		for _, u := range users {
			if dms := in.to(u.ID); len(dms) != 1 {
				t.Fatalf("%s got %d DMs; want 1", u.ID, len(dms))
			}
		}
	})
}

package queue_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// countingSender counts the DMs of each assignment.
type countingSender struct {
	mu   sync.Mutex
	sent map[string]int
}

func (s *countingSender) SendDM(_ context.Context, m bot.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[m.Key.String()]++
	return nil
}

// TestFanOut: an assignment to more learners than a fan-out's threshold
// (1,000; here 10) queues one fan-out job in its transaction, not a DM job
// each; the fan-out queues them in chunks (1,000; here 4: seven chunk
// transactions) and every learner gets one DM.
func TestFanOut(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		defer queue.SetFanOutForTest(10, 4)()
		sender := &countingSender{sent: map[string]int{}}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: sender}, testbot.NoWorkers())
		ctx := context.Background()
		guide, err := b.Store.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console", User: model.User{ID: "gina"}, Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		users := make([]model.User, 25)
		for i := range users {
			users[i] = model.User{ID: fmt.Sprintf("u%04d", i)}
		}
		people, err := b.Store.EnsurePeople(ctx, guide.WorkspaceID, users)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(people))
		for i, p := range people {
			ids[i] = p.ID
		}
		task := &storage.Task{WorkspaceID: guide.WorkspaceID, Key: "git", Title: "Git"}
		if err := b.Store.CreateTask(ctx, task, guide.ID); err != nil {
			t.Fatal(err)
		}
		res, err := b.Store.Assign(ctx, storage.AssignParams{WorkspaceID: guide.WorkspaceID, TaskID: task.ID, GuideID: guide.ID, PersonIDs: ids})
		if err != nil || res.Assigned != 25 {
			t.Fatalf("assign = %+v, %v", res, err)
		}
		count := func(q string) int {
			t.Helper()
			var n int
			if err := b.Store.DB().QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if dms, fanouts := count(`SELECT count(*) FROM river_job WHERE kind = 'dm'`), count(`SELECT count(*) FROM river_job WHERE kind = 'dm_fanout'`); dms != 0 || fanouts != 1 {
			t.Fatalf("the assignment queued %d DM jobs and %d fan-outs; want 0 and 1", dms, fanouts)
		}
		testbot.Restart(t, b, map[string]bot.Sender{model.PlatformConsole: sender})
		b.WaitJobs(t)
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'dm_fanout' AND state = 'completed'`); n != 7 {
			t.Errorf("%d fan-out chunks completed, want 7", n)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'dm'`); n != 25 {
			t.Errorf("%d DM jobs, want 25", n)
		}
		sender.mu.Lock()
		defer sender.mu.Unlock()
		if len(sender.sent) != 25 {
			t.Errorf("%d learners got a DM, want 25", len(sender.sent))
		}
		for key, n := range sender.sent {
			if n != 1 {
				t.Errorf("%s sent %d times", key, n)
			}
		}
	})
}

func TestIDRanges(t *testing.T) {
	ranges := queue.IDRangesForTest([]int64{7, 3, 4, 5, 9, 10, 4})
	if fmt.Sprint(ranges) != "[[3 5] [7 7] [9 10]]" {
		t.Fatalf("ranges %v", ranges)
	}
	ids, rest := queue.TakeIDsForTest(ranges, 4)
	if fmt.Sprint(ids, rest) != "[3 4 5 7] [[9 10]]" {
		t.Errorf("take 4: %v, rest %v", ids, rest)
	}
	ids, rest = queue.TakeIDsForTest(ranges, 2)
	if fmt.Sprint(ids, rest) != "[3 4] [[5 5] [7 7] [9 10]]" {
		t.Errorf("take 2: %v, rest %v", ids, rest)
	}
	ids, rest = queue.TakeIDsForTest(ranges, 10)
	if len(ids) != 6 || rest != nil {
		t.Errorf("take all: %v, rest %v", ids, rest)
	}
}

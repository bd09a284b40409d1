package queue_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/pacer"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// pacedSender delivers DMs of one workspace through a pacer against a
// limit of 50 a second (bursts of 5, 429 with Retry-After 1 s beyond), as
// the Slack adapter does, and the others at once; it records when each
// workspace's DMs went out.
type pacedSender struct {
	limited string
	api     *rate.Limiter
	pacers  *pacer.Set
	mu      sync.Mutex
	sent    map[string][]time.Time
}

func (s *pacedSender) SendDM(ctx context.Context, m bot.Message) error {
	if m.Workspace == s.limited {
		err := s.pacers.Do(ctx, m.Workspace+" chat.postMessage", func() error {
			if !s.api.Allow() {
				return &model.RetryAfterError{After: time.Second, Err: errors.New("429")}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[m.Workspace] = append(s.sent[m.Workspace], time.Now())
	return nil
}

func (s *pacedSender) times(ws string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.sent[ws]...)
}

// Workspace A assigns a task to 10,000 learners under a rate limit of 50
// DMs a second (over 3 minutes of backlog); workspace B assigns one task to
// one learner meanwhile: B's DM goes out within 2 s, and A's keep going.
func TestFairAcrossWorkspaces(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		sender := &pacedSender{limited: "TA", api: rate.NewLimiter(50, 5), pacers: pacer.NewSet(2*time.Second, nil),
			sent: map[string][]time.Time{}}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformSlack: sender})
		ctx := context.Background()
		assign := func(ws string, n int) time.Time {
			t.Helper()
			guide, err := b.Store.Identify(ctx, storage.Identity{Platform: model.PlatformSlack, Workspace: ws, User: model.User{ID: "UGUIDE", Name: "gina"}, Admin: true})
			if err != nil {
				t.Fatal(err)
			}
			users := make([]model.User, n)
			for i := range users {
				users[i] = model.User{ID: fmt.Sprintf("U%05d", i), Name: fmt.Sprintf("learner %d", i)}
			}
			people, err := b.Store.EnsurePeople(ctx, guide.WorkspaceID, users)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]int64, len(people))
			for i, p := range people {
				ids[i] = p.ID
			}
			task := &storage.Task{WorkspaceID: guide.WorkspaceID, Key: "git", Title: "Git basics"}
			if err := b.Store.CreateTask(ctx, task, guide.ID); err != nil {
				t.Fatal(err)
			}
			res, err := b.Store.Assign(ctx, storage.AssignParams{WorkspaceID: guide.WorkspaceID, TaskID: task.ID, GuideID: guide.ID, PersonIDs: ids})
			if err != nil || res.Assigned != n {
				t.Fatalf("assign in %s: %+v, %v", ws, res, err)
			}
			return time.Now()
		}
		assign("TA", 10000)
		time.Sleep(3 * time.Second) // A's DMs go out at the limit's pace
		before := len(sender.times("TA"))
		assigned := assign("TB", 1)
		deadline := time.Now().Add(10 * time.Second)
		for len(sender.times("TB")) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		got := sender.times("TB")
		if len(got) == 0 {
			t.Fatal("B's DM not sent within 10 s")
		}
		took := got[0].Sub(assigned)
		t.Logf("B's DM went out %s after its assignment; A had sent %d DMs by then", took.Round(time.Millisecond), before)
		if took > 2*time.Second {
			t.Errorf("B's DM took %s behind A's backlog, want under 2 s", took.Round(time.Millisecond))
		}
		time.Sleep(2 * time.Second)
		if before == 0 || len(sender.times("TA")) <= before {
			t.Errorf("A's DMs stopped: %d before B's assignment, %d after", before, len(sender.times("TA")))
		}
	})
}

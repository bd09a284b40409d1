package queue_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// clock is a time the test moves by hand, shared by every store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// texts lists what each person was sent, in order.
func (f *flaky) texts() map[string][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]string{}
	for _, m := range f.delivered {
		out[m.To.ID] = append(out[m.To.ID], m.Reply.Text)
	}
	return out
}

// find is the last message delivered whose text contains s.
func (f *flaky) find(s string) *bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.delivered) - 1; i >= 0; i-- {
		if strings.Contains(f.delivered[i].Reply.Text, s) {
			m := f.delivered[i]
			return &m
		}
	}
	return nil
}

// TestReminders runs the clock through a due date on both databases: the
// reminder two days before and the overdue one the day after go out at
// 09:00 in each learner's time zone, once, though two replicas scan at the
// same moment and the workers restart; none for a done assignment; a
// changed date re-arms both.
func TestReminders(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		ctx := context.Background()
		clk := &clock{now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
		b.Store.SetClock(clk.Now)
		// A second replica: its own store and queue on the same database.
		other, err := storage.Open(ctx, b.URL, storage.WithOutbox(queue.NewOutbox))
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		other.SetClock(clk.Now)
		replica, err := queue.New(other, queue.Config{})
		if err != nil {
			t.Fatal(err)
		}

		setup(t, b)
		anna, err := b.Store.Identify(ctx, storage.Identity{Platform: model.PlatformConsole, Workspace: "console",
			User: model.User{ID: "anna", Name: "anna", TZ: "Europe/Berlin"}})
		if err != nil {
			t.Fatal(err)
		}
		ben, err := b.Store.Identify(ctx, storage.Identity{Platform: model.PlatformConsole, Workspace: "console",
			User: model.User{ID: "ben", Name: "ben"}}) // no time zone: LEARNBOT_TIMEZONE (UTC)
		if err != nil {
			t.Fatal(err)
		}
		gina, err := b.Store.PersonByChatID(ctx, anna.WorkspaceID, "gina")
		if err != nil {
			t.Fatal(err)
		}
		task, err := b.Store.TaskByKey(ctx, anna.WorkspaceID, "git")
		if err != nil {
			t.Fatal(err)
		}
		due, _ := calendar.Parse("2026-12-04")
		res, err := b.Store.Assign(ctx, storage.AssignParams{WorkspaceID: anna.WorkspaceID, TaskID: task.ID, GuideID: gina.ID,
			PersonIDs: []int64{anna.ID, ben.ID}, Due: due})
		if err != nil || res.Assigned != 2 {
			t.Fatalf("assign = %+v, %v", res, err)
		}

		// scan runs both replicas' scans at once and returns how many
		// reminders they queued together.
		scan := func(at time.Time) int {
			t.Helper()
			clk.Set(at)
			var wg sync.WaitGroup
			counts := make([]int, 2)
			for i, q := range []*queue.Queue{b.Queue, replica} {
				wg.Go(func() {
					n, err := q.ScanReminders(ctx)
					if err != nil {
						t.Error(err)
					}
					counts[i] = n
				})
			}
			wg.Wait()
			return counts[0] + counts[1]
		}

		if n := scan(time.Date(2026, 12, 2, 7, 59, 0, 0, time.UTC)); n != 0 {
			t.Fatalf("%d reminders before 09:00 Berlin; want none", n)
		}
		if n := scan(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)); n != 1 {
			t.Fatalf("%d reminders at 09:00 Berlin; want anna's only, once", n)
		}
		if n := scan(time.Date(2026, 12, 2, 8, 30, 0, 0, time.UTC)); n != 0 {
			t.Fatalf("%d reminders on a second scan; want none", n)
		}

		// The workers start (a restart: the reminder job was queued by a
		// process that never worked it).
		s := &flaky{}
		testbot.Restart(t, b, map[string]bot.Sender{model.PlatformConsole: s})
		waitFor(t, 20*time.Second, "anna's reminder", func() bool { return len(s.texts()["anna"]) == 2 })
		// The assignment DM and the reminder may arrive in either order.
		reminder := s.find("Reminder:")
		if reminder == nil || reminder.To.ID != "anna" || !strings.Contains(reminder.Reply.Text, "Reminder: Git basics (git) is due Friday, December 4.") {
			t.Fatalf("reminder = %+v; delivered %v", reminder, s.texts())
		}
		if len(reminder.Reply.Buttons) != 1 || !strings.HasPrefix(reminder.Reply.Buttons[0].ID, "done:") {
			t.Fatalf("reminder buttons = %+v; want Mark done", reminder.Reply.Buttons)
		}

		if n := scan(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)); n != 1 {
			t.Fatalf("%d reminders at 09:00 UTC; want ben's", n)
		}
		waitFor(t, 20*time.Second, "ben's reminder", func() bool { return len(s.texts()["ben"]) == 2 })

		// ben finishes; anna's date moves to Dec 6, which re-arms hers.
		list, _, err := b.Store.AssignmentsOf(ctx, ben.WorkspaceID, ben.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Store.MarkDone(ctx, ben.WorkspaceID, list[0].ID, ben.ID); err != nil {
			t.Fatal(err)
		}
		moved, _ := calendar.Parse("2026-12-06")
		if _, err := b.Store.SetDue(ctx, storage.SetDueParams{WorkspaceID: anna.WorkspaceID, TaskID: task.ID, Due: moved,
			PersonIDs: []int64{anna.ID}}); err != nil {
			t.Fatal(err)
		}
		if n := scan(time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)); n != 1 {
			t.Fatalf("%d reminders on Dec 4; want anna's re-armed one", n)
		}
		waitFor(t, 20*time.Second, "anna's re-armed reminder", func() bool { return len(s.texts()["anna"]) == 3 })
		if got := s.texts()["anna"][2]; !strings.Contains(got, "Reminder: Git basics (git) is due Sunday, December 6.") {
			t.Fatalf("re-armed reminder = %q", got)
		}
		if n := scan(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)); n != 0 {
			t.Fatalf("%d reminders on Dec 5; ben is done and anna's old date no longer counts", n)
		}
		if n := scan(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)); n != 1 {
			t.Fatalf("%d reminders on Dec 7; want anna's overdue one", n)
		}
		waitFor(t, 20*time.Second, "anna's overdue reminder", func() bool { return len(s.texts()["anna"]) == 4 })
		if got := s.texts()["anna"][3]; !strings.Contains(got, "Git basics (git) is 1 day overdue (it was due Sunday, December 6)") {
			t.Fatalf("overdue reminder = %q", got)
		}

		// Another restart and more scans send nothing more.
		testbot.Restart(t, b, map[string]bot.Sender{model.PlatformConsole: s})
		if n := scan(time.Date(2026, 12, 30, 9, 0, 0, 0, time.UTC)); n != 0 {
			t.Fatalf("%d reminders after all were sent", n)
		}
		time.Sleep(500 * time.Millisecond)
		b.WaitJobs(t)
		if got := s.texts(); len(got["anna"]) != 4 || len(got["ben"]) != 2 {
			t.Fatalf("delivered = %v; want anna 4 (assignment, reminder, re-armed reminder, overdue), ben 2", got)
		}
	})
}

package queue_test

import (
	"context"
	"fmt"
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

// digestWorld is a core whose queue works no jobs (the test starts worker
// sets when it wants the DMs), a second replica's store and queue on the
// same database, and a clock both follow.
type digestWorld struct {
	b       *testbot.Bot
	replica *queue.Queue
	clk     *clock
	ws      int64
	admins  map[string]bool
}

func newDigestWorld(t *testing.T, db string, start time.Time, admins ...string) *digestWorld {
	t.Helper()
	ctx := context.Background()
	clk := &clock{now: start}
	var ids []string
	for _, a := range admins {
		ids = append(ids, "console:"+a)
	}
	b := testbot.New(t, db, nil, testbot.Admins(ids...), testbot.NoWorkers())
	b.Store.SetClock(clk.Now)
	b.Store.SetReminderPolicy(storage.ReminderPolicy{Zone: time.UTC, Lead: 2, EscalateAfter: 7})
	other, err := storage.Open(ctx, b.URL, storage.WithOutbox(queue.NewOutbox))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	other.SetClock(clk.Now)
	other.SetReminderPolicy(b.Store.ReminderPolicy())
	replica, err := queue.New(other, queue.Config{})
	if err != nil {
		t.Fatal(err)
	}
	w := &digestWorld{b: b, replica: replica, clk: clk, admins: map[string]bool{}}
	for _, a := range admins {
		w.admins[a] = true
	}
	return w
}

// person makes someone known with a time zone ("" for LEARNBOT_TIMEZONE),
// an admin when the world was made with their name.
func (w *digestWorld) person(t *testing.T, name, zone string) *storage.Person {
	t.Helper()
	p, err := w.b.Store.Identify(context.Background(), storage.Identity{Platform: model.PlatformConsole, Workspace: "console",
		User: model.User{ID: name, Name: name, TZ: zone}, Admin: w.admins[name]})
	if err != nil {
		t.Fatal(err)
	}
	w.ws = p.WorkspaceID
	return p
}

// assign makes guide add the task key and assign it to learners, due on due.
func (w *digestWorld) assign(t *testing.T, guide *storage.Person, key, due string, learners ...*storage.Person) *storage.Task {
	t.Helper()
	ctx := context.Background()
	task, err := w.b.Store.TaskByKey(ctx, w.ws, key)
	if err != nil {
		task = &storage.Task{WorkspaceID: w.ws, Key: key, Title: strings.ToUpper(key[:1]) + key[1:]}
		if err := w.b.Store.CreateTask(ctx, task, guide.ID); err != nil {
			t.Fatal(err)
		}
	}
	d, err := calendar.Parse(due)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, l := range learners {
		ids = append(ids, l.ID)
	}
	res, err := w.b.Store.Assign(ctx, storage.AssignParams{WorkspaceID: w.ws, TaskID: task.ID, GuideID: guide.ID, PersonIDs: ids, Due: d})
	if err != nil || res.Assigned != len(ids) {
		t.Fatalf("assign = %+v, %v", res, err)
	}
	return task
}

// scan sets the clock and runs both replicas' scans at once; it returns
// how many DMs they queued together.
func (w *digestWorld) scan(t *testing.T, at time.Time) int {
	t.Helper()
	w.clk.Set(at)
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, q := range []*queue.Queue{w.b.Queue, w.replica} {
		wg.Go(func() {
			n, err := q.ScanNotices(context.Background())
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	return counts[0] + counts[1]
}

// expect runs scans and checks what each queued.
func (w *digestWorld) expect(t *testing.T, steps []scanStep) {
	t.Helper()
	for _, s := range steps {
		if n := w.scan(t, s.at); n != s.want {
			t.Fatalf("%s (%s): %d DMs queued; want %d", s.what, s.at.Format(time.RFC3339), n, s.want)
		}
	}
}

type scanStep struct {
	what string
	at   time.Time
	want int
}

func utc(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, time.UTC)
}

// deliver starts two worker sets on the database (two replicas' workers,
// as after a restart) and waits until the queue is empty.
func (w *digestWorld) deliver(t *testing.T) *flaky {
	t.Helper()
	s := &flaky{}
	senders := map[string]bot.Sender{model.PlatformConsole: s}
	testbot.Restart(t, w.b, senders)
	testbot.Restart(t, w.b, senders)
	time.Sleep(300 * time.Millisecond)
	w.b.WaitJobs(t)
	return s
}

// digests lists the digests each person was sent.
func (f *flaky) digests() map[string][]bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]bot.Message{}
	for _, m := range f.delivered {
		if m.Key.Kind == storage.NoticeDigest {
			out[m.To.ID] = append(out[m.To.ID], m)
		}
	}
	return out
}

// TestDigestMondayInThreeZones: weekly digests (the default) go out on
// Monday at 09:00 in each guide's time zone (Tokyo, Berlin, New York), once
// although two replicas scan at each moment and two worker sets deliver,
// and not again that week. The digest counts per task, names the overdue,
// has a Nudge overdue button for the recipient and the report link.
func TestDigestMondayInThreeZones(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		w := newDigestWorld(t, db, utc(12, 1, 12, 0), "gina", "nina", "tom")
		gina := w.person(t, "gina", "Europe/Berlin")
		nina := w.person(t, "nina", "America/New_York")
		tom := w.person(t, "tom", "Asia/Tokyo")
		anna, ben := w.person(t, "anna", ""), w.person(t, "ben", "")
		git := w.assign(t, gina, "git", "2026-12-02", anna, ben)
		w.assign(t, nina, "sql", "2026-12-20", anna)
		w.assign(t, tom, "go", "2026-12-02", ben)
		w.expect(t, []scanStep{
			{"Tuesday to Sunday", utc(12, 6, 23, 59), 0},
			{"Monday 09:00 Tokyo", utc(12, 7, 0, 0), 1},
			{"Monday 08:59 Berlin", utc(12, 7, 7, 59), 0},
			{"Monday 09:00 Berlin", utc(12, 7, 8, 0), 1},
			{"Monday 08:59 New York", utc(12, 7, 13, 59), 0},
			{"Monday 09:00 New York", utc(12, 7, 14, 0), 1},
			{"Monday evening", utc(12, 7, 22, 0), 0},
			{"Tuesday", utc(12, 8, 10, 0), 0},
		})
		s := w.deliver(t)
		got := s.digests()
		for _, who := range []string{"gina", "nina", "tom"} {
			if len(got[who]) != 1 {
				t.Fatalf("%s got %d digests; want 1 (all: %v)", who, len(got[who]), s.texts())
			}
		}
		if len(got) != 3 {
			t.Fatalf("digests went to %v; want the three guides", got)
		}
		d := got["gina"][0]
		if !strings.Contains(d.Reply.Text, "Your digest: 1 task") || len(d.Reply.Items) != 1 {
			t.Fatalf("gina's digest = %+v", d.Reply)
		}
		item := d.Reply.Items[0]
		text := fmt.Sprint(item.Fields)
		for _, want := range []string{"{holders 2}", "{open 2}", "{overdue 2}", "Overdue: anna, ben"} {
			if !strings.Contains(text, want) {
				t.Fatalf("gina's digest item %q: fields %s lack %q", item.Text, text, want)
			}
		}
		if len(item.Buttons) != 1 || item.Buttons[0].Label != "Nudge overdue" ||
			item.Buttons[0].ID != fmt.Sprintf("nudge:%d:%d", git.ID, gina.ID) {
			t.Fatalf("gina's digest buttons = %+v", item.Buttons)
		}
		if !strings.Contains(d.Reply.Footer, "http://learnbot.test/reports/") {
			t.Fatalf("digest footer = %q; want the report link", d.Reply.Footer)
		}
		if n := got["nina"][0]; len(n.Reply.Items) != 1 || len(n.Reply.Items[0].Buttons) != 0 {
			t.Fatalf("nina's digest (nobody overdue) = %+v", n.Reply)
		}
	})
}

// TestDigestDailyForAWeek: a guide on daily digests gets one each morning
// at 09:00 Berlin for a week, none before and none twice; off stops them,
// and a day with nothing open sends none.
func TestDigestDailyForAWeek(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		w := newDigestWorld(t, db, utc(12, 1, 12, 0), "gina")
		gina := w.person(t, "gina", "Europe/Berlin")
		anna := w.person(t, "anna", "")
		w.assign(t, gina, "git", "2026-12-04", anna)
		r := w.b.Run(model.PlatformConsole, "console", model.User{ID: "gina", Name: "gina", TZ: "Europe/Berlin"}, "digest daily")
		if !strings.Contains(r.String(), "every day at 09:00") {
			t.Fatal(r.String())
		}
		for day := 2; day <= 8; day++ {
			w.expect(t, []scanStep{
				{fmt.Sprintf("Dec %d 08:59 Berlin", day), utc(12, day, 7, 59), 0},
				{fmt.Sprintf("Dec %d 09:00 Berlin", day), utc(12, day, 8, 0), 1},
				{fmt.Sprintf("Dec %d evening", day), utc(12, day, 20, 0), 0},
			})
		}
		w.b.Run(model.PlatformConsole, "console", model.User{ID: "gina", Name: "gina"}, "digest off")
		w.expect(t, []scanStep{{"off", utc(12, 9, 8, 0), 0}})
		w.b.Run(model.PlatformConsole, "console", model.User{ID: "gina", Name: "gina"}, "digest daily")
		list, _, err := w.b.Store.AssignmentsOf(context.Background(), w.ws, anna.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.b.Store.MarkDone(context.Background(), w.ws, list[0].ID, anna.ID); err != nil {
			t.Fatal(err)
		}
		w.expect(t, []scanStep{{"nothing open", utc(12, 10, 8, 0), 0}})
		s := w.deliver(t)
		// The digests queued while anna's task was open find it done now:
		// nothing open, nothing sent.
		if n := len(s.digests()["gina"]); n != 0 {
			t.Fatalf("%d digests sent with nothing open; want none", n)
		}
	})
}

// TestDigestDailyWeekDelivered: the week's daily digests, delivered while
// the assignment is open: seven DMs, one per day.
func TestDigestDailyWeekDelivered(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		w := newDigestWorld(t, db, utc(12, 1, 12, 0), "gina")
		gina := w.person(t, "gina", "Europe/Berlin")
		w.assign(t, gina, "git", "2026-12-04", w.person(t, "anna", ""))
		if err := w.b.Store.SetDigest(context.Background(), w.ws, gina.ID, storage.DigestDaily); err != nil {
			t.Fatal(err)
		}
		for day := 2; day <= 8; day++ {
			w.expect(t, []scanStep{{fmt.Sprintf("Dec %d", day), utc(12, day, 8, 30), 1}})
		}
		s := w.deliver(t)
		got := s.digests()["gina"]
		if len(got) != 7 {
			t.Fatalf("gina got %d digests; want 7", len(got))
		}
		seen := map[string]bool{}
		for _, m := range got {
			seen[m.Key.Variant] = true
		}
		if len(seen) != 7 || !seen["2026-12-02"] || !seen["2026-12-08"] {
			t.Fatalf("digest periods = %v; want Dec 2 to Dec 8", seen)
		}
	})
}

// TestDigestDaylightSaving: Europe/Berlin leaves summer time on Sunday,
// October 25, 2026: 09:00 is 07:00 UTC on Saturday and 08:00 UTC from
// Sunday on. Daily digests follow the local 09:00.
func TestDigestDaylightSaving(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		w := newDigestWorld(t, db, utc(10, 20, 12, 0), "gina")
		gina := w.person(t, "gina", "Europe/Berlin")
		w.assign(t, gina, "git", "2026-10-30", w.person(t, "anna", ""))
		if err := w.b.Store.SetDigest(context.Background(), w.ws, gina.ID, storage.DigestDaily); err != nil {
			t.Fatal(err)
		}
		w.expect(t, []scanStep{
			{"Saturday 08:59 CEST", utc(10, 24, 6, 59), 0},
			{"Saturday 09:00 CEST", utc(10, 24, 7, 0), 1},
			{"Sunday 08:00 CET", utc(10, 25, 7, 0), 0},
			{"Sunday 08:59 CET", utc(10, 25, 7, 59), 0},
			{"Sunday 09:00 CET", utc(10, 25, 8, 0), 1},
			{"Monday 08:59 CET", utc(10, 26, 7, 59), 0},
			{"Monday 09:00 CET", utc(10, 26, 8, 0), 1},
		})
	})
}

// TestEscalation: assignments still open 7 days (LEARNBOT_ESCALATE_AFTER)
// after their due date are reported once to the guide who made them, at
// 09:00 in the guide's zone; everything crossing on one day in one DM.
func TestEscalation(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		w := newDigestWorld(t, db, utc(12, 1, 12, 0), "gina")
		gina := w.person(t, "gina", "Europe/Berlin")
		anna, ben, cam := w.person(t, "anna", ""), w.person(t, "ben", ""), w.person(t, "cam", "")
		w.assign(t, gina, "git", "2026-12-02", anna, ben)
		w.assign(t, gina, "sql", "2026-12-03", cam)
		if err := w.b.Store.SetDigest(context.Background(), w.ws, gina.ID, storage.DigestOff); err != nil {
			t.Fatal(err)
		}
		w.expect(t, []scanStep{
			{"6 days after", utc(12, 8, 10, 0), 0},
			{"7 days after, 08:59 Berlin", utc(12, 9, 7, 59), 0},
			{"7 days after, 09:00 Berlin", utc(12, 9, 8, 0), 1},
			{"again that day", utc(12, 9, 15, 0), 0},
			{"cam's 7 days", utc(12, 10, 8, 0), 1},
			{"later", utc(12, 20, 8, 0), 0},
		})
		s := w.deliver(t)
		var got []bot.Message
		for _, m := range s.delivered {
			if m.Key.Kind == storage.NoticeEscalation {
				got = append(got, m)
			}
		}
		if len(got) != 2 {
			t.Fatalf("%d escalations; want 2: %v", len(got), s.texts())
		}
		byDay := map[string]bot.Message{}
		for _, m := range got {
			byDay[m.Key.Variant] = m
		}
		first, second := byDay["2026-12-09"], byDay["2026-12-10"]
		if first.To.ID != "gina" || !strings.Contains(first.Reply.Text, "2 assignments you made are still open 7 days") ||
			len(first.Reply.Items) != 2 || !strings.HasPrefix(first.Reply.Items[0].Text, "anna: Git (git)") {
			t.Fatalf("first escalation = %+v", first.Reply)
		}
		if len(second.Reply.Items) != 1 || !strings.HasPrefix(second.Reply.Items[0].Text, "cam: Sql (sql)") {
			t.Fatalf("second escalation = %+v", second.Reply)
		}
	})
}

package handlers_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// movable is a clock the test sets.
type movable struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movable) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *movable) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// nudges lists the nudge DMs a person got.
func nudges(in *inbox, user string) []bot.Message {
	var out []bot.Message
	for _, m := range in.to(user) {
		if strings.HasPrefix(m.Reply.Text, "A nudge from your guide") {
			out = append(out, m)
		}
	}
	return out
}

// TestNudgeOncePerDay: nudge <task> (by any guide) and a digest's Nudge
// overdue button remind each overdue learner at most once a day of the
// learner's calendar, and the reply counts those sent and skipped; only
// the digest's recipient may press its button.
func TestNudgeOncePerDay(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		ctx := context.Background()
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina", "console:nina"))
		clk := &movable{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
		b.Store.SetClock(clk.Now)
		nina := model.User{ID: "nina", Name: "nina"}
		tokyo := model.User{ID: "kenji", Name: "kenji", TZ: "Asia/Tokyo"}
		says(t, b, tokyo, "tasks") // kenji is known, with his time zone
		says(t, b, gina, "task add git Git basics", "git")
		says(t, b, gina, "assign git @anna @ben @kenji due 2026-12-02", "Assigned")
		says(t, b, gina, "nudge git", "Nobody is overdue on Git basics (git).")
		says(t, b, gina, "nudge nothing", "nothing")

		// Dec 3, 12:00 UTC: all three are a day overdue.
		clk.Set(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
		says(t, b, nina, "nudge git", "3 reminded now, 0 skipped")
		says(t, b, gina, "nudge git", "0 reminded now, 3 skipped")
		// 23:30 UTC is still Dec 3 for anna and ben, but Dec 4 in Tokyo.
		clk.Set(time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC))
		says(t, b, gina, "nudge git", "1 reminded now, 2 skipped")
		b.WaitJobs(t)
		if n, k := len(nudges(in, "anna")), len(nudges(in, "kenji")); n != 1 || k != 2 {
			t.Fatalf("anna got %d nudges, kenji %d; want 1 and 2", n, k)
		}
		if m := nudges(in, "anna")[0]; !strings.Contains(m.Reply.Text, "Git basics (git) is 1 day overdue") ||
			len(m.Reply.Buttons) != 1 || !strings.HasPrefix(m.Reply.Buttons[0].ID, "done:") {
			t.Fatalf("nudge = %+v", m.Reply)
		}

		// The button of gina's digest, on Dec 4 in every zone.
		clk.Set(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
		p, err := b.Store.PersonByChat(ctx, model.PlatformConsole, "console", "gina")
		if err != nil {
			t.Fatal(err)
		}
		d, err := b.Store.Digest(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		dm, err := b.Handlers.DigestDM(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		r := &dm.Reply
		if got := labels(r); len(got) != 1 || got[0] != "Nudge overdue" {
			t.Fatalf("digest buttons = %v", got)
		}
		mustSay(t, press(t, b, nina, "Nudge overdue", r), "Only the person this digest was sent to may press its button")
		if got := press(t, b, anna, "Nudge overdue", r).String(); strings.Contains(got, "reminded") {
			t.Fatalf("a learner pressed Nudge overdue: %q", got)
		}
		mustSay(t, press(t, b, gina, "Nudge overdue", r), "2 reminded now, 1 skipped")
		mustSay(t, press(t, b, gina, "Nudge overdue", r), "0 reminded now, 3 skipped")
		b.WaitJobs(t)
		if n, k := len(nudges(in, "anna")), len(nudges(in, "kenji")); n != 2 || k != 2 {
			t.Fatalf("anna got %d nudges, kenji %d; want 2 and 2", n, k)
		}

		// The button's label in German and French.
		for lang, label := range map[string]string{"de": "Überfällige erinnern", "fr": "Relancer les retards"} {
			says(t, b, gina, "language "+lang)
			d, err := b.Store.Digest(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			dm, err := b.Handlers.DigestDM(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			if got := labels(&dm.Reply); len(got) != 1 || got[0] != label {
				t.Fatalf("%s: digest buttons = %v; want %q", lang, got, label)
			}
		}
	})
}

// TestDigestCommand: digest shows the setting, daily|weekly|off set it,
// now sends the digest at once (or says there is nothing open), and
// learners may not run it.
func TestDigestCommand(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina"))
		says(t, b, gina, "digest", "every Monday at 09:00 your time")
		says(t, b, gina, "digest daily", "every day at 09:00")
		says(t, b, gina, "digest", "every day at 09:00")
		says(t, b, gina, "digest off", "You get no digest")
		says(t, b, gina, "digest", "You get no digest")
		says(t, b, gina, "digest WEEKLY", "every Monday")
		says(t, b, gina, "digest sometimes", "Say how often you want your digest")
		says(t, b, gina, "digest now", "Nothing you assigned is open, so there is no digest.")
		says(t, b, gina, "task add git Git basics", "git")
		says(t, b, gina, "assign git @anna", "Assigned")
		says(t, b, gina, "digest now", "Your digest is on its way")
		b.WaitJobs(t)
		var got []bot.Message
		for _, m := range in.to("gina") {
			if strings.HasPrefix(m.Reply.Text, "Your digest") {
				got = append(got, m)
			}
		}
		if len(got) != 1 || len(got[0].Reply.Items) != 1 || got[0].Reply.Items[0].Text != "Git basics (git)" ||
			!strings.Contains(got[0].Reply.Footer, "/reports/") {
			t.Fatalf("digest now sent %+v", got)
		}
		if r := run(t, b, anna, "digest now"); strings.Contains(r.String(), "on its way") {
			t.Fatalf("a learner ran digest now: %q", r.String())
		}
		says(t, b, gina, "language de")
		says(t, b, gina, "digest", "jeden Montag um 09:00")
		says(t, b, gina, "language fr")
		says(t, b, gina, "digest", "chaque lundi à 09:00")
	})
}

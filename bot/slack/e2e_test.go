package slack_test

import (
	"context"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// lateCore lets the adapter exist before the core it hands requests to:
// the core's queue needs the adapter as its Slack sender.
type lateCore struct {
	core  atomic.Pointer[handlers.Handlers]
	dedup atomic.Value // slack.EventDedup
}

func (l *lateCore) Handle(ctx context.Context, req *bot.Request) *bot.Reply {
	return l.core.Load().Handle(ctx, req)
}

func (l *lateCore) Home(ctx context.Context, platform, workspace string, user model.User) (*bot.Reply, error) {
	return l.core.Load().Home(ctx, platform, workspace, user)
}

func (l *lateCore) Touch(ctx context.Context, key string) error {
	return l.dedup.Load().(slack.EventDedup).Touch(ctx, key)
}

func (l *lateCore) FirstSeen(ctx context.Context, key string) (bool, error) {
	return l.dedup.Load().(slack.EventDedup).FirstSeen(ctx, key)
}

func (l *lateCore) Seen(ctx context.Context, key string) (bool, error) {
	return l.dedup.Load().(slack.EventDedup).Seen(ctx, key)
}

// newCoreEnv runs the real core (handlers, store, queue) behind the Slack
// HTTP endpoints, with UG as an admin.
func newCoreEnv(t testing.TB, db string, opts ...slack.Option) (*testEnv, *testbot.Bot) {
	t.Helper()
	fake := newFakeSlack(t)
	addPeople(fake)
	fake.AddUser(fakeslack.User{ID: "UG", Name: "gina", Display: "Gina Guide", Email: "gina@example.com"})
	core := &lateCore{}
	env := newEnvWith(t, fake, slack.Config{}, core, append([]slack.Option{slack.WithDedup(core)}, opts...)...)
	b := testbot.New(t, db, map[string]bot.Sender{model.PlatformSlack: env.adapter}, testbot.Admins("slack:UG"))
	core.dedup.Store(slack.EventDedup(b.Store))
	core.core.Store(b.Handlers)
	return env, b
}

func TestDuplicateFlowEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, b := newCoreEnv(t, db)
		say := func(user, command, text string) string {
			t.Helper()
			r := env.command(t, user, command, text)
			if r == nil {
				t.Fatalf("%s %s: no inline reply", command, text)
			}
			if r.ResponseType != "ephemeral" {
				t.Errorf("%s %s: response_type %q", command, text, r.ResponseType)
			}
			return fakeslack.TextOf(r.Blocks)
		}
		mustContain := func(what, got string, wants ...string) {
			t.Helper()
			for _, w := range wants {
				if !strings.Contains(got, w) {
					t.Fatalf("%s: %q does not contain %q", what, got, w)
				}
			}
		}

		mustContain("task add", say("UG", "/learn", "task add git Git basics <https://git-scm.com/book|git-scm.com/book>"), "git")
		mustContain("group create", say("UG", "/learn", "group create devs"), "devs")
		mustContain("group add", say("UG", "/learn", "group add devs <@U2|ben> <@U3>"), "devs")

		// Anna has her Home open, so her DMs refresh it.
		if status, _ := env.post(t, "/slack/events", "application/json",
			`{"type":"event_callback","team_id":"T1","event_id":"EvHome0","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`,
			testSecret, testNow, nil); status != 200 {
			t.Fatalf("event: status %d", status)
		}
		mustContain("first assign", say("UG", "/assign", "git <@U1|anna>"), "Assigned Git basics (git)", "Anna D")
		b.WaitJobs(t)
		dms := env.fake.DMs()
		if len(dms) != 1 || dms[0].Channel != "DU1" || !strings.Contains(dms[0].Text, "Git basics") || !strings.Contains(dms[0].Text, "https://git-scm.com/book") {
			t.Fatalf("DMs after the first assign: %+v", dms)
		}
		if got := fakeslack.ButtonsOf(dms[0].Blocks); len(got) != 1 || got[0].Label != "Mark done" || !strings.HasPrefix(got[0].Value, "done:") {
			t.Fatalf("DM buttons %+v", got)
		}
		eventually(t, "U1's Home refreshed after the DM", func() bool {
			v := lastView(env.fake, "U1")
			return v != nil && strings.Contains(fakeslack.TextOf(v.View.Blocks), "Git basics")
		})

		// Anna holds git already: the prompt
		r := env.command(t, "UG", "/assign", "git <@U1|anna> devs")
		mustContain("prompt", fakeslack.TextOf(r.Blocks), "already assigned to 1 of the 3 people you chose", "Anna D", "duplicate")
		buttons := fakeslack.ButtonsOf(r.Blocks)
		var labels, styles []string
		ids := map[string]string{}
		for _, b := range buttons {
			labels = append(labels, b.Label)
			styles = append(styles, b.Style)
			ids[b.Label] = b.Value
		}
		if want := []string{"Do not assign", "Only new", "Force reassignment", "Show selected groups"}; !reflect.DeepEqual(labels, want) {
			t.Fatalf("prompt buttons %q, want %q", labels, want)
		}
		if styles[2] != "danger" {
			t.Errorf("Force reassignment styled %q", styles[2])
		}
		if n := len(env.fake.DMs()); n != 1 {
			t.Fatalf("the prompt assigned something: %d DMs", n)
		}

		promptURL := env.fake.responseURL("prompt")
		env.press(t, "UG", ids["Show selected groups"], promptURL, false)
		p := lastPost(t, env.fake)
		if p.ReplaceOriginal || p.ResponseType != "ephemeral" {
			t.Errorf("Show selected groups must leave the prompt: %+v", p)
		}
		mustContain("show groups", fakeslack.TextOf(p.Blocks), "devs", "ben", "Cleo")

		env.press(t, "UG", ids["Only new"], promptURL, false)
		p = lastPost(t, env.fake)
		if !p.ReplaceOriginal || p.ID != "prompt" || len(fakeslack.ButtonsOf(p.Blocks)) != 0 {
			t.Errorf("Only new must replace the prompt: %+v", p)
		}
		mustContain("outcome", fakeslack.TextOf(p.Blocks), "Only new: assigned Git basics (git) to 2 people")

		b.WaitJobs(t)
		var to []string
		for _, dm := range env.fake.DMs() {
			to = append(to, dm.Channel)
		}
		if want := []string{"DU1", "DU2", "DU3"}; !sameSet(to, want) {
			t.Errorf("DMs to %v, want %v", to, want)
		}

		env.press(t, "UG", ids["Only new"], promptURL, false)
		p = lastPost(t, env.fake)
		if p.ReplaceOriginal {
			t.Errorf("a second press replaced the outcome: %+v", p)
		}
		mustContain("second press", fakeslack.TextOf(p.Blocks), "Already decided: Only new")

		// Ben marks it done from his DM
		var done string
		for _, dm := range env.fake.DMs() {
			if dm.Channel == "DU2" {
				done = fakeslack.ButtonsOf(dm.Blocks)[0].Value
			}
		}
		env.press(t, "U2", done, env.fake.responseURL("dm-ben"), false)
		p = lastPost(t, env.fake)
		if !p.ReplaceOriginal || p.ID != "dm-ben" {
			t.Errorf("Mark done must replace the DM: %+v", p)
		}
		mustContain("mark done", fakeslack.TextOf(p.Blocks), "Marked done: Git basics (git)")
		if v := lastView(env.fake, "U2"); v == nil || !strings.Contains(fakeslack.TextOf(v.View.Blocks), "[x] Git basics") {
			t.Errorf("Ben's Home not refreshed after Mark done: %+v", v)
		}

		// Cleo opens the Home tab; Slack sends the event twice
		slack.WaitHomeRefreshes(env.adapter)
		views := len(env.fake.Views())
		for retry := range 2 {
			header := map[string][]string{}
			if retry > 0 {
				header["X-Slack-Retry-Num"] = []string{"1"}
			}
			status, _ := env.post(t, "/slack/events", "application/json",
				`{"type":"event_callback","team_id":"T1","event_id":"EvHome1","event":{"type":"app_home_opened","user":"U3","tab":"home"}}`,
				testSecret, testNow, header)
			if status != 200 {
				t.Fatalf("event: status %d", status)
			}
		}
		if n := len(env.fake.Views()) - views; n != 1 {
			t.Errorf("%d views published for one event sent twice", n)
		}
		if v := lastView(env.fake, "U3"); v == nil || !strings.Contains(fakeslack.TextOf(v.View.Blocks), "[ ] Git basics") {
			t.Errorf("Cleo's Home: %+v", v)
		}
	})
}

func lastPost(t testing.TB, f *slackFake) fakeslack.Response {
	t.Helper()
	posts := f.Posts()
	if len(posts) == 0 {
		t.Fatal("nothing posted to a response_url")
	}
	return posts[len(posts)-1]
}

func lastView(f *slackFake, user string) *fakeslack.View {
	views := f.Views()
	for i := len(views) - 1; i >= 0; i-- {
		if views[i].UserID == user {
			return &views[i]
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestTimeZoneFromUsersInfo: each person's time zone is Slack's (users.info
// tz), for the actor and for a newcomer named in a command.
func TestTimeZoneFromUsersInfo(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, b := newCoreEnv(t, db)
		env.fake.AddUser(fakeslack.User{ID: "U7", Name: "ida", Display: "Ida", TZ: "America/New_York"})
		env.fake.AddUser(fakeslack.User{ID: "UG", Name: "gina", Display: "Gina Guide", Email: "gina@example.com", TZ: "Europe/Berlin"})
		if r := env.command(t, "UG", "/learn", "task add git Git basics"); r == nil {
			t.Fatal("no reply")
		}
		if r := env.command(t, "UG", "/assign", "git <@U7>"); r == nil {
			t.Fatal("no reply")
		}
		ctx := context.Background()
		for user, want := range map[string]string{"UG": "Europe/Berlin", "U7": "America/New_York"} {
			p, err := b.Store.PersonByChat(ctx, model.PlatformSlack, "T1", user)
			if err != nil {
				t.Fatal(err)
			}
			if p.TimeZone != want {
				t.Errorf("%s's time zone = %q; want %q from users.info", user, p.TimeZone, want)
			}
		}
	})
}

// TestNamedPersonFollowsSlack: a learner learnbot knows moves to another
// time zone and switches Slack to German; the next command that names them
// takes both (users.info): the reminders of their assignments move to 09:00
// where they are now, and their next DM is German.
func TestNamedPersonFollowsSlack(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, b := newCoreEnv(t, db, slack.WithUserCacheTTL(time.Nanosecond))
		env.fake.AddUser(fakeslack.User{ID: "U7", Name: "ida", Display: "Ida", TZ: "America/New_York", Locale: "en-US"})
		for _, c := range [][2]string{{"/learn", "task add git Git basics"}, {"/learn", "task add sql SQL basics"},
			{"/assign", "git <@U7> due 3w"}} {
			if r := env.command(t, "UG", c[0], c[1]); r == nil {
				t.Fatalf("%s %s: no reply", c[0], c[1])
			}
		}
		// The "before" reminder of git, and when it should be in zone.
		reminder := func(zone string) (got, want time.Time) {
			t.Helper()
			var due calendar.Date
			err := b.Store.DB().QueryRow(`SELECT r.due_date, r.remind_at FROM reminders r JOIN assignments a ON a.id = r.assignment_id
				JOIN people p ON p.id = a.person_id WHERE p.chat_id = 'U7' AND r.kind = 'before'`).Scan(&due, &got)
			if err != nil {
				t.Fatal(err)
			}
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			return got, calendar.BeforeAt(due, b.Store.ReminderPolicy().Lead, loc)
		}
		if got, want := reminder("America/New_York"); !got.Equal(want) {
			t.Fatalf("reminder at %s; want %s, 09:00 in New York", got, want)
		}
		b.WaitJobs(t) // git's DM goes out in English
		env.fake.AddUser(fakeslack.User{ID: "U7", Name: "ida", Display: "Ida", TZ: "Asia/Tokyo", Locale: "de-DE"})
		if r := env.command(t, "UG", "/assign", "sql <@U7>"); r == nil {
			t.Fatal("no reply")
		}
		b.WaitJobs(t)
		var texts []string
		for _, dm := range env.fake.DMs() {
			texts = append(texts, dm.Text)
		}
		if len(texts) != 2 || !strings.Contains(texts[0], "New learning task") || !strings.Contains(texts[1], "Neue Lernaufgabe") {
			t.Errorf("DMs %q; want git's in English, then sql's in German", texts)
		}
		p, err := b.Store.PersonByChat(context.Background(), model.PlatformSlack, "T1", "U7")
		if err != nil {
			t.Fatal(err)
		}
		if p.TimeZone != "Asia/Tokyo" {
			t.Errorf("time zone = %q; want Slack's new Asia/Tokyo", p.TimeZone)
		}
		if got, want := reminder("Asia/Tokyo"); !got.Equal(want) {
			t.Errorf("reminder at %s; want %s, 09:00 in Tokyo", got, want)
		}
	})
}

// TestDecisionOutcomeSaysTheDueDate: Force reassignment with a due date,
// pressed by a guide whose Slack speaks German: the outcome that replaces
// the prompt repeats the date the prompt promised, as the direct outcome
// does.
func TestDecisionOutcomeSaysTheDueDate(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, _ := newCoreEnv(t, db)
		env.fake.AddUser(fakeslack.User{ID: "UG", Name: "gina", Display: "Gina Guide", Email: "gina@example.com", Locale: "de-DE"})
		say := func(text string) *inlineReply {
			t.Helper()
			r := env.command(t, "UG", "/learn", text)
			if r == nil {
				t.Fatalf("%s: no inline reply", text)
			}
			return r
		}
		say("task add git Git-Grundlagen")
		say("assign git <@U1|anna>")
		r := say("assign git <@U1|anna> <@U2|ben> due 2w")
		prompt := fakeslack.TextOf(r.Blocks)
		_, day, ok := strings.Cut(prompt, "bekommt das Fälligkeitsdatum ")
		day, _, _ = strings.Cut(day, "\n")
		day = strings.TrimSuffix(day, ".")
		if !ok || day == "" {
			t.Fatalf("prompt %q names no due date", prompt)
		}
		var force string
		for _, btn := range fakeslack.ButtonsOf(r.Blocks) {
			if btn.Label == "Neuzuweisung erzwingen" {
				force = btn.Value
			}
		}
		env.press(t, "UG", force, env.fake.responseURL("prompt"), false)
		p := lastPost(t, env.fake)
		if got := fakeslack.TextOf(p.Blocks); !p.ReplaceOriginal || !strings.Contains(got, "Neuzuweisung erzwingen: Git-Grundlagen (git) ist 2 Personen erneut zugewiesen") ||
			!strings.Contains(got, "Fällig am "+day+"; Erinnerungen kommen vorher") {
			t.Fatalf("outcome %q; want Force's outcome and \"Fällig am %s\"", got, day)
		}
	})
}

package handlers_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// inbox is a bot.Sender that records DMs.
type inbox struct {
	mu   sync.Mutex
	msgs []bot.Message
}

func (in *inbox) SendDM(ctx context.Context, m bot.Message) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.msgs = append(in.msgs, m)
	return nil
}

func (in *inbox) to(user string) []bot.Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []bot.Message
	for _, m := range in.msgs {
		if m.To.ID == user {
			out = append(out, m)
		}
	}
	return out
}

var (
	gina = model.User{ID: "gina", Name: "gina"}
	anna = model.User{ID: "anna", Name: "anna"}
)

// line makes a console-style request: @name words mention users.
func line(actor model.User, s string) *bot.Request {
	var args []bot.Arg
	for _, w := range strings.Fields(s) {
		a := bot.Arg{Text: w}
		if strings.HasPrefix(w, "@") && len(w) > 1 {
			a.User = &model.User{ID: w[1:], Name: w[1:]}
		}
		args = append(args, a)
	}
	return &bot.Request{Platform: model.PlatformConsole, Workspace: "console", Actor: actor, Args: args}
}

func run(t *testing.T, b *testbot.Bot, actor model.User, s string) *bot.Reply {
	t.Helper()
	return b.Router.Handle(context.Background(), line(actor, s))
}

func press(t *testing.T, b *testbot.Bot, actor model.User, label string, r *bot.Reply) *bot.Reply {
	t.Helper()
	for _, btn := range r.AllButtons() {
		if btn.Label == label {
			return b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
				Actor: actor, Action: &bot.Action{ID: btn.ID}})
		}
	}
	t.Fatalf("no button %q on %q", label, r.String())
	return nil
}

func labels(r *bot.Reply) []string {
	var out []string
	for _, b := range r.AllButtons() {
		out = append(out, b.Label)
	}
	return out
}

func TestDuplicateFlow(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina"))
		for _, cmd := range []string{"task add git Git basics https://learn.example.com/git", "group create cohort-7",
			"group add cohort-7 @anna @ben @cleo"} {
			if r := run(t, b, gina, cmd); strings.Contains(r.String(), "Usage") || strings.Contains(r.String(), "wrong") {
				t.Fatalf("%s: %s", cmd, r.String())
			}
		}
		r := run(t, b, gina, "assign git @anna")
		if !strings.Contains(r.String(), "Assigned Git basics (git) to 1 person: anna") || len(r.Buttons) != 0 {
			t.Fatalf("first assign: %+v", r)
		}
		prompt := run(t, b, gina, "assign git @anna cohort-7")
		want := []string{"Do not assign", "Only new", "Force reassignment", "Show selected groups"}
		if strings.Join(labels(prompt), "|") != strings.Join(want, "|") {
			t.Fatalf("prompt buttons = %v; want %v (%s)", labels(prompt), want, prompt.String())
		}
		if !strings.Contains(prompt.String(), "anna") || !strings.Contains(prompt.String(), "1 of the 3 people you chose") {
			t.Fatalf("prompt text = %q", prompt.String())
		}
		for _, btn := range prompt.Buttons {
			if btn.Label == "Force reassignment" && btn.Style != bot.StyleDanger {
				t.Fatalf("Force reassignment style = %q", btn.Style)
			}
		}

		t.Run("ShowSelectedGroupsKeepsPromptOpen", func(t *testing.T) {
			r := press(t, b, gina, "Show selected groups", prompt)
			if r.Replace || !strings.Contains(r.String(), "cohort-7 (3 members, 1 holds it): anna *, ben, cleo") {
				t.Fatalf("show groups = %+v", r)
			}
		})
		t.Run("OtherUserRefused", func(t *testing.T) {
			r := press(t, b, anna, "Only new", prompt)
			if r.Replace || !strings.Contains(r.String(), "need the guide role") {
				t.Fatalf("learner press = %+v", r)
			}
		})
		t.Run("OnlyNew", func(t *testing.T) {
			r := press(t, b, gina, "Only new", prompt)
			if !r.Replace || !strings.Contains(r.String(), "assigned Git basics (git) to 2 people: ben, cleo") {
				t.Fatalf("only new = %+v", r)
			}
			b.WaitJobs(t)
			for _, u := range []string{"anna", "ben", "cleo"} {
				if got := len(in.to(u)); got != 1 {
					t.Fatalf("%s got %d DMs; want 1", u, got)
				}
			}
			dm := in.to("ben")[0]
			if !strings.Contains(dm.String(), "Git basics") || !strings.Contains(dm.String(), "https://learn.example.com/git") ||
				!strings.Contains(dm.String(), "gina") || len(dm.Buttons) != 1 || dm.Buttons[0].Label != "Mark done" {
				t.Fatalf("DM = %+v", dm)
			}
		})
		t.Run("SecondClickChangesNothing", func(t *testing.T) {
			r := press(t, b, gina, "Force reassignment", prompt)
			if r.Replace || r.String() != "Already decided: Only new, by @gina." {
				t.Fatalf("second click = %+v", r)
			}
			if p := run(t, b, gina, "progress git"); !strings.Contains(p.String(), "3 people hold it") {
				t.Fatalf("progress = %q", p.String())
			}
		})
		t.Run("MarkDoneFromDM", func(t *testing.T) {
			dm := in.to("anna")[0]
			r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
				Actor: anna, Action: &bot.Action{ID: dm.Buttons[0].ID}})
			if !strings.Contains(r.String(), "Marked done: Git basics") {
				t.Fatalf("mark done = %+v", r)
			}
			if r := press(t, b, gina, "Mark done", &bot.Reply{Buttons: dm.Buttons}); !strings.Contains(r.String(), "someone else") {
				t.Fatalf("mark done by another = %+v", r)
			}
			tasks := run(t, b, anna, "tasks")
			if !strings.Contains(tasks.String(), "[x] Git basics (git), from gina") || len(tasks.AllButtons()) != 0 {
				t.Fatalf("tasks = %+v", tasks)
			}
		})
	})
}

func TestBadInputWritesNothing(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"))
		run(t, b, gina, "task add git Git basics")
		cases := []struct{ name, line, want string }{
			{"UnknownTask", "assign nope @anna", `There is no task "nope"`},
			{"UnknownGroup", "assign git @anna nogroup", `"nogroup" is not a group`},
			{"EmptyTargets", "assign git", "Name a task and at least one target"},
			{"UnknownEmail", "assign git zed@example.com", "Nobody with the email zed@example.com"},
			{"MalformedEmail", "invite not-an-email", `"not-an-email" is not a valid email address`},
			{"BadTaskKey", "task add Bad!Key title", "is not a valid task key"},
			{"MissingTitle", "task add only-key", "Give the task a key and a title"},
			{"BadRole", "role @anna boss", `"boss" is not a role`},
			{"TooLong", "assign git " + strings.Repeat("x", 4001), "too long"},
			{"UnknownCommand", "frobnicate", `Unknown command "frobnicate"`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := run(t, b, gina, c.line)
				if !strings.Contains(r.String(), c.want) {
					t.Fatalf("%q: reply %q; want it to say %q", c.line, r.String(), c.want)
				}
			})
		}
		if r := run(t, b, gina, "progress git"); !strings.Contains(r.String(), "Nobody holds") {
			t.Fatalf("bad input wrote assignments: %q", r.String())
		}
		if r := run(t, b, gina, "group list"); !strings.Contains(r.String(), "No groups") {
			t.Fatalf("bad input wrote groups: %q", r.String())
		}
	})
}

func TestPermissions(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"))
		run(t, b, gina, "task add git Git basics")
		for _, cmd := range []string{"assign git @ben", "task add x X", "invite x@example.com", "group create g", "role @ben guide"} {
			if r := run(t, b, anna, cmd); !strings.Contains(r.String(), "You need the") {
				t.Fatalf("learner ran %q: %q", cmd, r.String())
			}
		}
		if r := run(t, b, gina, "role @anna guide"); !strings.Contains(r.String(), "anna now has the role guide") {
			t.Fatalf("role: %q", r.String())
		}
		if r := run(t, b, gina, "role @anna guide"); r.String() != "anna already has the role guide; nothing changed." {
			t.Fatalf("the same role again: %q", r.String())
		}
		if r := run(t, b, anna, "invite boss@example.com admin"); !strings.Contains(r.String(), "Only admins can create, re-send or revoke an admin invitation") {
			t.Fatalf("guide invited an admin: %q", r.String())
		}
		if r := run(t, b, anna, "role @ben guide"); !strings.Contains(r.String(), "You need the admin role") {
			t.Fatalf("guide ran role: %q", r.String())
		}
		if r := run(t, b, anna, "assign git @ben"); !strings.Contains(r.String(), "Assigned") {
			t.Fatalf("guide assign: %q", r.String())
		}
		if r := run(t, b, anna, "help"); !strings.Contains(r.String(), "/assign") || strings.Contains(r.String(), "/role") {
			t.Fatalf("guide help: %q", r.String())
		}
	})
}

func TestInviteWithoutEmail(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"))
		r := run(t, b, gina, "invite anna@example.com")
		if !strings.Contains(r.String(), "http://learnbot.test/invite/") {
			t.Fatalf("invite reply shows no link: %q", r.String())
		}
		again := run(t, b, gina, "invite anna@example.com")
		if len(again.Buttons) != 1 || again.Buttons[0].Label != "Invite again" {
			t.Fatalf("pending invite: %+v", again)
		}
		list := run(t, b, gina, "invite list")
		if !strings.Contains(list.String(), "anna@example.com (learner): sent 0 times") || len(list.AllButtons()) != 1 {
			t.Fatalf("invite list: %+v", list)
		}
		r = press(t, b, gina, "Invite again", list)
		if !strings.Contains(r.String(), "old one no longer works") {
			t.Fatalf("invite again: %q", r.String())
		}
		if r := run(t, b, gina, "invite revoke anna@example.com"); !strings.Contains(r.String(), "Revoked") {
			t.Fatalf("revoke: %q", r.String())
		}
		if r := run(t, b, gina, "invite list"); r.String() != "No pending invitations." {
			t.Fatalf("after revoke: %q", r.String())
		}
	})
}

// TestHome: the App Home's own entry point lists a person's tasks with their
// buttons, and only reads: a chat user learnbot has not met stays unknown.
func TestHome(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: &inbox{}}, testbot.Admins("console:gina"))
		ctx := context.Background()
		run(t, b, gina, "task add git Git basics https://learn.example.com/git")
		run(t, b, gina, "assign git @anna")
		t.Run("ListsTasksWithTheirButtons", func(t *testing.T) {
			r, err := b.Handlers.Home(ctx, model.PlatformConsole, "console", anna)
			if err != nil {
				t.Fatal(err)
			}
			tasks := run(t, b, anna, "tasks")
			if r.String() != tasks.String() || len(r.Items) != 1 || len(r.Items[0].Buttons) != 1 ||
				r.Items[0].Buttons[0].ID != tasks.Items[0].Buttons[0].ID {
				t.Fatalf("home = %+v; want what tasks shows: %+v", r, tasks)
			}
		})
		t.Run("UnknownUserStaysUnknown", func(t *testing.T) {
			stranger := model.User{ID: "stranger", Name: "stranger"}
			for _, ws := range []string{"console", "elsewhere"} {
				r, err := b.Handlers.Home(ctx, model.PlatformConsole, ws, stranger)
				if err != nil || r.String() != "You have no tasks yet." {
					t.Fatalf("home of a stranger in %s = %+v, %v", ws, r, err)
				}
			}
			if _, err := b.Store.PersonByChat(ctx, model.PlatformConsole, "console", "stranger"); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("Home created the stranger: %v", err)
			}
		})
	})
}

// olga is an admin of another workspace (Slack team T2).
var olga = model.User{ID: "U1", Name: "olga"}

// says fails the test unless the reply to line contains every word.
func says(t *testing.T, b *testbot.Bot, actor model.User, line string, words ...string) *bot.Reply {
	t.Helper()
	r := run(t, b, actor, line)
	for _, w := range words {
		if !strings.Contains(r.String(), w) {
			t.Fatalf("%s: reply %q does not say %q", line, r.String(), w)
		}
	}
	return r
}

// inOtherWorkspace runs line as olga in Slack team T2.
func inOtherWorkspace(b *testbot.Bot, line string) string {
	return b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformSlack, Workspace: "T2", Actor: olga,
		Args: bot.Words(line)}).String()
}

// completions are the task keys autocomplete offers gina (an admin) in the
// console workspace for prefix.
func completions(t *testing.T, b *testbot.Bot, prefix string) []string {
	t.Helper()
	keys, err := handlers.Completer{Store: b.Store}.CompleteTasks(context.Background(), model.PlatformConsole, "console", gina,
		model.RoleGuide, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestRefusalNamesFirstAdmin checks a refusal in a workspace without an
// admin says how to become the first one (LEARNBOT_ADMINS with the caller's
// ID), and that once there is an admin it does not.
func TestRefusalNamesFirstAdmin(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("slack:UADMIN"))
		ben := model.User{ID: "UBEN", Name: "ben"}
		r := b.Run(model.PlatformSlack, "T1", ben, "task add git Git basics")
		if got := r.String(); !strings.Contains(got, "You need the guide role") ||
			!strings.Contains(got, "adding slack:UBEN to LEARNBOT_ADMINS") {
			t.Fatalf("refusal without an admin = %q; want the LEARNBOT_ADMINS hint with ben's ID", got)
		}
		b.Run(model.PlatformSlack, "T1", model.User{ID: "UADMIN", Name: "ada"}, "tasks") // the admin appears
		r = b.Run(model.PlatformSlack, "T1", ben, "task add git Git basics")
		if got := r.String(); !strings.Contains(got, "You need the guide role") || strings.Contains(got, "LEARNBOT_ADMINS") {
			t.Fatalf("refusal with an admin = %q; want no hint", got)
		}
	})
}

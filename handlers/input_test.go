package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// TestControlCharactersAndInvalidUTF8Refused: text no store should keep
// gets the same clear reply on both databases (PostgreSQL used to fail on
// NUL and invalid UTF-8 with "Something went wrong", SQLite stored them),
// and nothing is written. A newline in a title is text.
func TestControlCharactersAndInvalidUTF8Refused(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"))
		cases := []struct {
			name string
			args []string
			want string
		}{
			{"NULInTitle", []string{"task", "add", "nul", "Git\x00basics"}, "control character (U+0000)"},
			{"BellInGroupName", []string{"group", "create", "devs\a"}, "control character (U+0007)"},
			{"EscapeInTitle", []string{"task", "add", "esc", "Git \x1b[31mbasics"}, "control character (U+001B)"},
			{"C1InTitle", []string{"task", "add", "c1", "Git\u0085basics"}, "control character (U+0085)"},
			{"InvalidUTF8InTitle", []string{"task", "add", "utf", "Git \xff\xfe basics"}, "not valid UTF-8"},
			{"NULInEmail", []string{"invite", "anna\x00@example.com"}, "control character (U+0000)"},
			{"BidiOverrideInTitle", []string{"task", "add", "rlo", "Read \u202Etxt.exe"}, "control character (U+202E)"},
			{"BidiIsolateInGroupName", []string{"group", "create", "devs\u2067"}, "control character (U+2067)"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
					Actor: gina, Args: words(c.args)})
				if got := r.String(); !strings.Contains(got, c.want) || !strings.Contains(got, "Usage: /") {
					t.Fatalf("%q: reply %q; want it to say %q and show the usage", c.args, got, c.want)
				}
			})
		}
		t.Run("RightToLeftTextKept", func(t *testing.T) {
			// A right-to-left mark and the joiner of an emoji are text.
			r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
				Actor: gina, Args: words([]string{"task", "add", "rtl", "\u05e9\u05dc\u05d5\u05dd\u200F \U0001F469\u200D\U0001F4BB"})})
			if !strings.Contains(r.String(), "rtl") || strings.Contains(r.String(), "control character") {
				t.Fatalf("right-to-left text was refused: %q", r.String())
			}
		})
		t.Run("NewlineInTitleKept", func(t *testing.T) {
			r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
				Actor: gina, Args: words([]string{"task", "add", "nl", "Line one\nline two"})})
			if !strings.Contains(r.String(), "nl") || strings.Contains(r.String(), "control character") {
				t.Fatalf("a newline in a title was refused: %q", r.String())
			}
		})
		list := run(t, b, gina, "task list").String()
		for _, key := range []string{"nul", "esc", "c1", "utf", "rlo"} {
			if strings.Contains(list, "("+key+")") || strings.Contains(list, key+":") {
				t.Errorf("task %s was stored: %q", key, list)
			}
		}
		if r := run(t, b, gina, "group list"); !strings.Contains(r.String(), "No groups") {
			t.Errorf("a group was stored: %q", r.String())
		}
		if r := run(t, b, gina, "invite list"); !strings.Contains(r.String(), "No pending") {
			t.Errorf("an invitation was stored: %q", r.String())
		}
	})
}

func words(ws []string) []bot.Arg {
	args := make([]bot.Arg, len(ws))
	for i, w := range ws {
		args[i] = bot.Arg{Text: w}
	}
	return args
}

// roleDirectory is a platform with one role, R1, of two members.
type roleDirectory struct{ calls int }

func (d *roleDirectory) GroupMembers(_ context.Context, g bot.PlatformGroup, page func([]model.User) error) error {
	d.calls++
	return page([]model.User{{ID: "anna", Name: "anna"}, {ID: "ben", Name: "ben"}})
}

func (d *roleDirectory) UserByEmail(context.Context, string) (*model.User, error) {
	return nil, model.ErrNoUser
}

// TestRoleNamedTwiceListedOnce: a platform group mentioned twice in one
// assign is one target: its members are listed once, and it is expanded once.
func TestRoleNamedTwiceListedOnce(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"))
		run(t, b, gina, "task add git Git basics")
		dir := &roleDirectory{}
		role := bot.Arg{Text: "@devs", Group: &bot.PlatformGroup{Kind: "role", ID: "R1", Name: "devs"}}
		r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
			Actor: gina, Directory: dir, Args: append(words([]string{"assign", "git"}), role, role)})
		if got := r.String(); !strings.Contains(got, "to 2 people: anna, ben.") {
			t.Fatalf("reply %q; want anna and ben, each once", got)
		}
		if dir.calls != 1 {
			t.Errorf("the role was expanded %d times", dir.calls)
		}
	})
}

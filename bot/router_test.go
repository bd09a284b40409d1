package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

func router(t *testing.T) *bot.Router {
	r := bot.NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.Timeout = 100 * time.Millisecond
	r.Use(func(next bot.HandlerFunc) bot.HandlerFunc {
		return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			req.Caller.Role = bot.Role(req.Actor.ID) // the test's users are named by role
			return next(ctx, req)
		}
	})
	echo := func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		return bot.Text("%s|%d", req.Command.Name, len(req.Params)), nil
	}
	r.Add(
		&bot.Command{Name: "invite", Usage: "<email>", Role: bot.RoleGuide, Handler: echo, Description: desc("Invite.")},
		&bot.Command{Name: "invite list", Role: bot.RoleGuide, Handler: echo, Description: desc("List.")},
		&bot.Command{Name: "role", Role: bot.RoleAdmin, Handler: echo, Description: desc("Set a role."), Examples: []string{"role @a guide"}},
		&bot.Command{Name: "boom", Role: bot.RoleLearner, Description: desc("Panics."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { panic("boom") }},
		&bot.Command{Name: "slow", Role: bot.RoleLearner, Description: desc("Outlives its deadline."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			}},
		&bot.Command{Name: "fail", Role: bot.RoleLearner, Description: desc("Fails."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				return nil, errors.New("db password is hunter2")
			}},
		&bot.Command{Name: "usage", Usage: "<x>", Role: bot.RoleLearner, Description: desc("Bad input."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				return nil, bot.UsageErrorf("Missing x.")
			}},
	)
	return r
}

func TestRouter(t *testing.T) {
	r := router(t)
	var outcomes []string
	r.Observer = observerFunc(func(o bot.Observation) { outcomes = append(outcomes, o.Command+":"+o.Outcome) })
	handle := func(role bot.Role, line string) string {
		return r.Handle(context.Background(), &bot.Request{Actor: bot.User{ID: string(role)}, Args: bot.Words(line)}).Text
	}
	cases := []struct {
		name, line string
		role       bot.Role
		want       string
	}{
		{"LongestCommandWins", "invite list", bot.RoleGuide, "invite list|0"},
		{"ParamsAfterCommandWords", "invite a@b.c", bot.RoleGuide, "invite|1"},
		{"CaseInsensitive", "INVITE LIST", bot.RoleGuide, "invite list|0"},
		{"Forbidden", "role x guide", bot.RoleGuide, "You need the admin role for that; you are a guide."},
		{"UnknownCommand", "nope", bot.RoleAdmin, `Unknown command "nope"`},
		{"PanicRecovered", "boom", bot.RoleLearner, "Something went wrong on our side"},
		{"DeadlineBounds", "slow", bot.RoleLearner, "That took too long"},
		{"InternalErrorHidden", "fail", bot.RoleLearner, "Something went wrong on our side"},
		{"UsageAppended", "usage", bot.RoleLearner, "Missing x.\nUsage: /usage <x>"},
		{"TooLong", "invite " + strings.Repeat("a", 4001), bot.RoleGuide, "too long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := handle(c.role, c.line); !strings.Contains(got, c.want) {
				t.Fatalf("%q as %s = %q; want %q", c.line, c.role, got, c.want)
			}
		})
	}
	if got := handle(bot.RoleLearner, "fail"); strings.Contains(got, "hunter2") {
		t.Fatalf("internal error leaked: %q", got)
	}
	want := []string{"invite list:ok", "invite:ok", "invite list:ok", "role:forbidden", "unknown:bad_input", "boom:panic",
		"slow:timeout", "fail:error", "usage:bad_input", "unknown:bad_input"}
	if strings.Join(outcomes[:len(want)], " ") != strings.Join(want, " ") {
		t.Fatalf("observed %v; want %v", outcomes[:len(want)], want)
	}
}

func TestHelpFromDefinitions(t *testing.T) {
	r := router(t)
	as := func(role bot.Role) *bot.Request { return &bot.Request{Caller: bot.Caller{Role: role}} }
	learner := r.Help(as(bot.RoleLearner), "")
	if strings.Contains(learner, "/invite") || !strings.Contains(learner, "/boom: Panics.") {
		t.Fatalf("learner help = %q", learner)
	}
	if admin := r.Help(as(bot.RoleAdmin), ""); !strings.Contains(admin, "/role: Set a role.") {
		t.Fatalf("admin help = %q", admin)
	}
	one := r.Help(as(bot.RoleAdmin), "role")
	if !strings.Contains(one, "e.g. /role @a guide") || !strings.Contains(one, "(for admins only)") {
		t.Fatalf("help role = %q", one)
	}
	if sub := r.Help(as(bot.RoleAdmin), "invite"); !strings.Contains(sub, "/invite <email>") || !strings.Contains(sub, "/invite list") {
		t.Fatalf("help invite = %q", sub)
	}
	slack := &bot.Request{Caller: bot.Caller{Role: bot.RoleAdmin}, CommandText: func(n string) string { return "/learn " + n }}
	if sub := r.Help(slack, "role"); !strings.Contains(sub, "/learn role\n") || !strings.Contains(sub, "e.g. /learn role @a guide") {
		t.Fatalf("help role on Slack = %q", sub)
	}
}

// desc is a command description for tests, outside the catalogue.
func desc(s string) *i18n.Message { return &i18n.Message{ID: "test." + s, Other: s} }

// observerFunc observes finished requests only.
type observerFunc func(o bot.Observation)

func (f observerFunc) Started(ctx context.Context)                     {}
func (f observerFunc) Finished(ctx context.Context, o bot.Observation) { f(o) }

package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

func router(t *testing.T) *bot.Router {
	r := bot.NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.Timeout = 100 * time.Millisecond
	r.Use(func(next bot.HandlerFunc) bot.HandlerFunc {
		return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			req.Caller.Role = model.Role(req.Actor.ID) // the test's users are named by role
			return next(ctx, req)
		}
	})
	echo := func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		return bot.Text("%s|%d", req.Command.Name, len(req.Params)), nil
	}
	r.Add(
		&bot.Command{Name: "invite", Usage: "<email>", Role: model.RoleGuide, Handler: echo, Description: desc("Invite.")},
		&bot.Command{Name: "invite list", Role: model.RoleGuide, Handler: echo, Description: desc("List.")},
		&bot.Command{Name: "role", Role: model.RoleAdmin, Handler: echo, Description: desc("Set a role."), Examples: []string{"role @a guide"}},
		&bot.Command{Name: "boom", Role: model.RoleLearner, Description: desc("Panics."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { panic("boom") }},
		&bot.Command{Name: "slow", Role: model.RoleLearner, Description: desc("Outlives its deadline."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			}},
		&bot.Command{Name: "fail", Role: model.RoleLearner, Description: desc("Fails."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				return nil, errors.New("db password is hunter2")
			}},
		&bot.Command{Name: "usage", Usage: "<x>", Role: model.RoleLearner, Description: desc("Bad input."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				return nil, model.UsageErrorf("Missing x.")
			}},
	)
	return r
}

func TestRouter(t *testing.T) {
	r := router(t)
	var outcomes []string
	r.Observer = observerFunc(func(o bot.Observation) { outcomes = append(outcomes, o.Command+":"+o.Outcome) })
	handle := func(role model.Role, line string) string {
		return r.Handle(context.Background(), &bot.Request{Actor: model.User{ID: string(role)}, Args: bot.Words(line)}).Text
	}
	cases := []struct {
		name, line string
		role       model.Role
		want       string
	}{
		{"LongestCommandWins", "invite list", model.RoleGuide, "invite list|0"},
		{"ParamsAfterCommandWords", "invite a@b.c", model.RoleGuide, "invite|1"},
		{"CaseInsensitive", "INVITE LIST", model.RoleGuide, "invite list|0"},
		{"Forbidden", "role x guide", model.RoleGuide, "You need the admin role for that; your role is guide."},
		{"UnknownCommand", "nope", model.RoleAdmin, `Unknown command "nope"`},
		{"PanicRecovered", "boom", model.RoleLearner, "Something went wrong on our side"},
		{"DeadlineBounds", "slow", model.RoleLearner, "That took too long"},
		{"InternalErrorHidden", "fail", model.RoleLearner, "Something went wrong on our side"},
		{"UsageAppended", "usage", model.RoleLearner, "Missing x.\nUsage: /usage <x>"},
		{"TooLong", "invite " + strings.Repeat("a", 4001), model.RoleGuide, "too long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := handle(c.role, c.line); !strings.Contains(got, c.want) {
				t.Fatalf("%q as %s = %q; want %q", c.line, c.role, got, c.want)
			}
		})
	}
	if got := handle(model.RoleLearner, "fail"); strings.Contains(got, "hunter2") {
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
	as := func(role model.Role) *bot.Request { return &bot.Request{Caller: bot.Caller{Role: role}} }
	learner := r.Help(as(model.RoleLearner), "")
	if strings.Contains(learner, "/invite") || !strings.Contains(learner, "/boom: Panics.") {
		t.Fatalf("learner help = %q", learner)
	}
	if admin := r.Help(as(model.RoleAdmin), ""); !strings.Contains(admin, "/role: Set a role.") {
		t.Fatalf("admin help = %q", admin)
	}
	one := r.Help(as(model.RoleAdmin), "role")
	if !strings.Contains(one, "e.g. /role @a guide") || !strings.Contains(one, "(for admins only)") {
		t.Fatalf("help role = %q", one)
	}
	if sub := r.Help(as(model.RoleAdmin), "invite"); !strings.Contains(sub, "/invite <email>") || !strings.Contains(sub, "/invite list") {
		t.Fatalf("help invite = %q", sub)
	}
	slack := &bot.Request{Caller: bot.Caller{Role: model.RoleAdmin}, CommandText: func(n string) string { return "/learn " + n }}
	if sub := r.Help(slack, "role"); !strings.Contains(sub, "/learn role\n") || !strings.Contains(sub, "e.g. /learn role @a guide") {
		t.Fatalf("help role on Slack = %q", sub)
	}
}

// desc is a command description for tests, outside the catalogue.
func desc(s string) *catalog.Message { return &i18n.Message{ID: "test." + s, Other: s} }

// observerFunc observes finished requests only.
type observerFunc func(o bot.Observation)

func (f observerFunc) Started(ctx context.Context)                     {}
func (f observerFunc) Finished(ctx context.Context, o bot.Observation) { f(o) }

func TestRouterSpeaksGerman(t *testing.T) {
	r := router(t)
	handle := func(role model.Role, line string) string {
		return r.Handle(t.Context(), &bot.Request{Actor: model.User{ID: string(role)}, Args: bot.Words(line), Lang: catalog.Lang("de")}).Text
	}
	for _, c := range []struct{ name, line, want string }{
		{"UnknownCommand", "nope", `Unbekannter Befehl "nope". Mit /help siehst du alle Befehle.`},
		{"Forbidden", "role x guide", "Dafür brauchst du die Rolle admin; deine Rolle ist guide."},
		{"UsageAppended", "usage", "Missing x.\nAufruf: /usage <x>"},
		{"InternalErrorHidden", "fail", "Bei uns ist etwas schiefgegangen"},
	} {
		t.Run(c.name, func(t *testing.T) {
			role := model.RoleGuide
			if c.name != "Forbidden" {
				role = model.RoleLearner
			}
			if got := handle(role, c.line); !strings.Contains(got, c.want) {
				t.Fatalf("%q = %q; want %q", c.line, got, c.want)
			}
		})
	}
	help := r.Help(&bot.Request{Caller: bot.Caller{Role: model.RoleAdmin}, Lang: catalog.Lang("de")}, "role")
	if !strings.Contains(help, "z. B. /role @a guide") || !strings.Contains(help, "(nur für Admins)") {
		t.Fatalf("German help = %q", help)
	}
}

// TestAdmission: a request that finds the router full is answered "busy"
// at once and runs nothing; one that waits gets the place a finished
// request gives back.
func TestAdmission(t *testing.T) {
	r := router(t)
	started, release := make(chan struct{}), make(chan struct{})
	ran := 0
	r.Add(
		&bot.Command{Name: "hold", Role: model.RoleLearner, Description: desc("Holds its place."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				started <- struct{}{}
				<-release
				return bot.Text("held"), nil
			}},
		&bot.Command{Name: "count", Role: model.RoleLearner, Description: desc("Counts its runs."),
			Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				ran++
				return bot.Text("counted"), nil
			}},
	)
	var mu sync.Mutex
	var outcomes []string
	r.Observer = observerFunc(func(o bot.Observation) {
		mu.Lock()
		defer mu.Unlock()
		outcomes = append(outcomes, o.Command+":"+o.Outcome)
	})
	handle := func(line string) string {
		return r.Handle(context.Background(), &bot.Request{Actor: model.User{ID: string(model.RoleLearner)}, Args: bot.Words(line)}).Text
	}
	holding := make(chan string)
	hold := func() {
		go func() { holding <- handle("hold") }()
		<-started
	}

	t.Run("BusyWhenFull", func(t *testing.T) {
		r.Admit(2, 0)
		hold()
		hold()
		if got := handle("count"); !strings.Contains(got, "busy") || !strings.Contains(got, "try again") {
			t.Errorf("a third request while two run = %q, want the busy reply", got)
		}
		if ran != 0 {
			t.Errorf("the refused command ran %d times", ran)
		}
		release <- struct{}{}
		release <- struct{}{}
		<-holding
		<-holding
		if got := handle("count"); got != "counted" || ran != 1 {
			t.Errorf("once the places came free: %q, ran %d times; want it to run once", got, ran)
		}
	})
	t.Run("WaitsForAPlace", func(t *testing.T) {
		r.Admit(1, time.Hour)
		hold()
		done := make(chan string)
		go func() { done <- handle("count") }()
		release <- struct{}{}
		<-holding
		if got := <-done; got != "counted" {
			t.Errorf("a request that waited for a place = %q, want it run", got)
		}
	})
	t.Run("Unbounded", func(t *testing.T) {
		r.Admit(0, 0)
		hold()
		if got := handle("count"); got != "counted" {
			t.Errorf("without a bound = %q, want it run", got)
		}
		release <- struct{}{}
		<-holding
	})
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(outcomes, "count:busy") {
		t.Errorf("outcomes %v: no busy outcome observed", outcomes)
	}
}

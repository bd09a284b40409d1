package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// fakeStore is a handlers.Store without a database, for commands whose
// reply depends on their words and a lookup or two, not on SQL. The
// embedded Store is nil: a method a test did not provide for panics, and
// the router answers with its generic error, which no test here expects.
type fakeStore struct {
	handlers.Store
	caller   storage.Person            // who Identify and PersonByChat find
	hasAdmin bool                      // the workspace has an admin
	tasks    map[string]*storage.Task  // TaskByKey, by key
	paths    map[string]*storage.Path  // PathByKey, by key
	groups   map[string]*storage.Group // GroupByName, by name
	// setStep answers SetStep; nil: SetStep is not expected.
	setStep func(pathID, taskID int64, day int, dueDays *int) (*storage.Step, error)
	// chosen is the language SetLanguage stored; nil while it was not called.
	chosen *catalog.Lang
}

func (f *fakeStore) Identify(_ context.Context, id storage.Identity) (*storage.Person, error) {
	p := f.caller
	return &p, nil
}

func (f *fakeStore) PersonByChat(_ context.Context, _, _, _ string) (*storage.Person, error) {
	p := f.caller
	return &p, nil
}

func (f *fakeStore) HasAdmin(context.Context, int64) (bool, error) { return f.hasAdmin, nil }

func (f *fakeStore) SetLanguage(_ context.Context, _, _ int64, l catalog.Lang) error {
	f.chosen = &l
	return nil
}

func (f *fakeStore) TaskByKey(_ context.Context, _ int64, key string) (*storage.Task, error) {
	if t, ok := f.tasks[key]; ok {
		return t, nil
	}
	return nil, storage.ErrNotFound
}

func (f *fakeStore) PathByKey(_ context.Context, _ int64, key string) (*storage.Path, error) {
	if p, ok := f.paths[key]; ok {
		return p, nil
	}
	return nil, storage.ErrNotFound
}

func (f *fakeStore) GroupByName(_ context.Context, _ int64, name string) (*storage.Group, error) {
	if g, ok := f.groups[name]; ok {
		return g, nil
	}
	return nil, storage.ErrNotFound
}

func (f *fakeStore) SetStep(_ context.Context, _, pathID, taskID int64, day int, dueDays *int, _ int64) (*storage.Step, error) {
	return f.setStep(pathID, taskID, day, dueDays)
}

// fakeGuide is an active guide of workspace 1 who chose no language.
func fakeGuide() *fakeStore {
	return &fakeStore{caller: storage.Person{ID: 7, WorkspaceID: 1, Role: model.RoleGuide, Status: storage.StatusActive, Name: "gina"},
		hasAdmin: true,
		tasks:    map[string]*storage.Task{"git": {ID: 11, WorkspaceID: 1, Key: "git", Title: "Git basics"}},
		paths:    map[string]*storage.Path{"onboarding": {ID: 21, WorkspaceID: 1, Key: "onboarding", Title: "Onboarding"}},
		groups:   map[string]*storage.Group{"cohort-7": {ID: 31, WorkspaceID: 1, Name: "cohort-7"}}}
}

// handle runs one console line through handlers on the fake.
func handle(f *fakeStore, s string) *bot.Reply {
	h := handlers.New(f, handlers.Config{Language: catalog.English}, nil)
	return h.Router.Handle(context.Background(), line(gina, s))
}

func TestLanguageOnFake(t *testing.T) {
	t.Run("ShowsTheDefault", func(t *testing.T) {
		f := fakeGuide()
		want := "You read learnbot in English (this workspace's default). Change it with /language and one of "
		if r := handle(f, "language").String(); !strings.HasPrefix(r, want) || !strings.Contains(r, "fr") || !strings.HasSuffix(r, "|auto.") {
			t.Fatalf("reply %q; want %q, the registered languages and auto", r, want)
		}
		if f.chosen != nil {
			t.Errorf("showing the language stored %q", *f.chosen)
		}
	})
	t.Run("ShowsThePlatformsLanguage", func(t *testing.T) {
		f := fakeGuide()
		f.caller.PlatformLanguage = catalog.Lang("de")
		if r := handle(f, "language").String(); !strings.HasPrefix(r, "Du liest learnbot auf Deutsch") {
			t.Fatalf("reply %q; want German, the platform's language", r)
		}
	})
	t.Run("SetAnswersInTheNewLanguage", func(t *testing.T) {
		f := fakeGuide()
		r := handle(f, "language FR")
		if r.String() != "Désormais, je vous réponds en français." {
			t.Fatalf("reply %q; want French", r.String())
		}
		if f.chosen == nil || *f.chosen != catalog.Lang("fr") {
			t.Errorf("stored %v, want fr", f.chosen)
		}
		if len(r.Homes) != 1 || r.Homes[0].ID != gina.ID {
			t.Errorf("homes to refresh %v, want gina's", r.Homes)
		}
	})
	t.Run("AutoFollowsThePlatform", func(t *testing.T) {
		f := fakeGuide()
		f.caller.Language, f.caller.PlatformLanguage = catalog.Lang("de"), catalog.Lang("fr")
		r := handle(f, "language auto").String()
		if r != "Désormais, j’utilise la langue de votre plateforme ; pour vous : Français." {
			t.Fatalf("reply %q; want French, the platform's language", r)
		}
		if f.chosen == nil || *f.chosen != "" {
			t.Errorf("stored %v, want the empty choice", f.chosen)
		}
	})
	for _, c := range []struct{ name, line, want string }{
		{"UnknownRefused", "language klingon", `"klingon" is not a language: use one of `},
		{"RegionRefused", "language fr-CA", `"fr-CA" is not a language`},
		{"TwoRefused", "language de fr", `"de fr" is not a language`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := fakeGuide()
			if r := handle(f, c.line).String(); !strings.HasPrefix(r, c.want) || !strings.Contains(r, "Usage: /language") {
				t.Fatalf("reply %q; want %q and the usage", r, c.want)
			}
			if f.chosen != nil {
				t.Errorf("a refused language stored %q", *f.chosen)
			}
		})
	}
}

func TestHelpOnFake(t *testing.T) {
	t.Run("LearnerSeesTheirCommands", func(t *testing.T) {
		f := fakeGuide()
		f.caller.Role = model.RoleLearner
		r := handle(f, "help").String()
		if !strings.Contains(r, "/tasks") || !strings.Contains(r, "/language") || strings.Contains(r, "/assign") {
			t.Fatalf("a learner's help %q; want /tasks and /language, not /assign", r)
		}
	})
	t.Run("InvitedGuideIsALearner", func(t *testing.T) {
		f := fakeGuide()
		f.caller.Status = storage.StatusInvited
		if r := handle(f, "help").String(); strings.Contains(r, "/assign") {
			t.Fatalf("an invited guide's help %q lists /assign", r)
		}
	})
	t.Run("TopicWithExamples", func(t *testing.T) {
		r := handle(fakeGuide(), "help path add").String()
		if !strings.HasPrefix(r, "/path add <name> <task> [day <n>] [due <n>d|<n>w]") || !strings.Contains(r, "e.g. /path add") {
			t.Fatalf("help of path add %q; want its usage and examples", r)
		}
	})
	t.Run("UnknownTopic", func(t *testing.T) {
		if r := handle(fakeGuide(), "help frobnicate").String(); !strings.Contains(r, `"frobnicate"`) {
			t.Fatalf("help of an unknown topic %q; want it named", r)
		}
	})
}

func TestPathAddWordsOnFake(t *testing.T) {
	var got struct {
		day     int
		dueDays *int
	}
	step := func(pathID, taskID int64, day int, dueDays *int) (*storage.Step, error) {
		if pathID != 21 || taskID != 11 {
			t.Errorf("SetStep of path %d, task %d; want 21, 11", pathID, taskID)
		}
		got.day, got.dueDays = day, dueDays
		return &storage.Step{TaskID: taskID, TaskKey: "git", TaskTitle: "Git basics", Position: 1, Day: max(day, 0), DueDays: dueDays}, nil
	}
	for _, c := range []struct {
		name, line string
		day, due   int // due -1: none
		want       string
	}{
		{"NoWords", "path add onboarding git", -1, -1, "Git basics (git) is step 1 of onboarding, released on day 0."},
		{"DayAndWeeks", "path add onboarding git day 3 due 2w", 3, 14, "Git basics (git) is step 1 of onboarding, released on day 3. It is due 14 days after its release."},
		{"DueBeforeDay", "path add onboarding git DUE 1d day 0", 0, 1, "It is due 1 day after its release."},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := fakeGuide()
			f.setStep = step
			if r := handle(f, c.line).String(); !strings.HasSuffix(r, c.want) {
				t.Fatalf("reply %q; want %q", r, c.want)
			}
			if got.day != c.day || (got.dueDays == nil) != (c.due < 0) || got.dueDays != nil && *got.dueDays != c.due {
				t.Errorf("SetStep day %d, due %v; want %d, %d", got.day, got.dueDays, c.day, c.due)
			}
		})
	}
	for _, c := range []struct{ name, line, want string }{
		{"Missing", "path add onboarding", "Name the path and the task to add."},
		{"UnknownPath", "path add nowhere git", `There is no path "nowhere"`},
		{"UnknownTask", "path add onboarding nope", `There is no task "nope". See /task list.`},
		{"DayNotANumber", "path add onboarding git day soon", `"soon" is not a day: write day and a number from 0 to 3650.`},
		{"DayTooLate", "path add onboarding git day 3651", `"3651" is not a day`},
		{"DueZero", "path add onboarding git due 0", `"0" is not a due offset`},
		{"DueInMonths", "path add onboarding git due 2m", `"2m" is not a due offset`},
		{"WordWithoutValue", "path add onboarding git day", `"day" is not understood here`},
		{"StrayWord", "path add onboarding git soon 3", `"soon" is not understood here`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := fakeGuide() // no setStep: a refused line must not reach SetStep
			if r := handle(f, c.line).String(); !strings.HasPrefix(r, c.want) {
				t.Fatalf("reply %q; want %q", r, c.want)
			}
		})
	}
}

// TestAutoBadInputOnFake: a rule the words do not make is refused before
// anyone is listed or any rule stored (the fake has neither call).
func TestAutoBadInputOnFake(t *testing.T) {
	for _, c := range []struct{ name, line, want string }{
		{"Missing", "auto git", "Name a task or path and a source."},
		{"UnknownWhat", "auto nope cohort-7", `"nope" is not a task or a path. See /task list and /path list.`},
		{"UserAsSource", "auto git @anna", `"@anna" is not a source`},
		{"UnknownGroup", "auto git cohort-8", `"cohort-8" is not a source`},
		{"EveryoneOnConsole", "auto git everyone", "The console has no workspace to join: name a group."},
		{"EveryWithoutUnit", "auto git cohort-7 every 30", `"30" is not a period`},
		{"EveryZero", "auto git cohort-7 every 0d", `"0d" is not a period`},
		{"EveryTooLong", "auto git cohort-7 every 999y", `"999y" is not a period`},
		{"DueZero", "auto git cohort-7 due 0d", `"0d" is not a due offset`},
		{"StrayWord", "auto git cohort-7 weekly", `"weekly" is not understood here: after the source come every`},
		{"EveryWithoutValue", "auto git cohort-7 every", `"every" is not understood here`},
		{"PathWithDue", "auto onboarding cohort-7 due 1w", "A path’s steps carry their own due dates: see /path show onboarding."},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := handle(fakeGuide(), c.line).String(); !strings.HasPrefix(r, c.want) {
				t.Fatalf("reply %q; want %q", r, c.want)
			}
		})
	}
}

// TestRefusalOnFake: a command above the caller's role is refused, and in
// a workspace without an admin the refusal says how the first one is made.
func TestRefusalOnFake(t *testing.T) {
	f := fakeGuide()
	f.caller.Role = model.RoleLearner
	r := handle(f, "task add git Git basics").String()
	if !strings.HasPrefix(r, "You need the guide role for that; your role is learner.") || strings.Contains(r, "LEARNBOT_ADMINS") {
		t.Fatalf("refusal %q; want the roles and no word of the operator", r)
	}
	f.hasAdmin = false
	if r := handle(f, "task add git Git basics").String(); !strings.Contains(r, "by adding console:gina to LEARNBOT_ADMINS") {
		t.Fatalf("refusal without an admin %q; want the ID to name", r)
	}
}

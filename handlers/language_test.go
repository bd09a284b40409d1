package handlers_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/internal/testlog"
	"github.com/learnbot/learnbot/model"
)

// TestDuplicateFlowInGerman: a guide who chose German gets the prompt, its
// four buttons (DESIGN 4a's words) and the outcome in German, while the
// learners, who chose nothing, get their DMs in English.
func TestDuplicateFlowInGerman(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina"))
		if r := run(t, b, gina, "language de"); r.String() != "Ab jetzt antworte ich dir auf Deutsch." {
			t.Fatalf("language de = %q", r.String())
		}
		for _, cmd := range []string{"task add git Git basics https://learn.example.com/git", "group create cohort-7",
			"group add cohort-7 @anna @ben @cleo"} {
			if r := run(t, b, gina, cmd); strings.Contains(r.String(), "Aufruf") || strings.Contains(r.String(), "schief") {
				t.Fatalf("%s: %s", cmd, r.String())
			}
		}
		if r := run(t, b, gina, "assign git @anna"); r.String() != "Git basics (git) ist 1 Person zugewiesen: anna. Sie bekommt eine DM." {
			t.Fatalf("first assign = %q", r.String())
		}
		prompt := run(t, b, gina, "assign git @anna cohort-7")
		want := []string{"Nicht zuweisen", "Nur neue", "Neuzuweisung erzwingen", "Ausgewählte Gruppen anzeigen"}
		if strings.Join(labels(prompt), "|") != strings.Join(want, "|") {
			t.Fatalf("prompt buttons = %v; want %v", labels(prompt), want)
		}
		wantText := "Git basics (git) ist schon 1 von 3 gewählten Personen zugewiesen: anna.\nNichts wird zugewiesen, bis du wählst." +
			" Nur neue weist sie den 2 Personen zu, die sie noch nicht haben." +
			" Neuzuweisung erzwingen weist sie allen Zielen erneut zu; so entstehen doppelte Zuweisungen."
		if prompt.String() != wantText {
			t.Fatalf("prompt = %q\nwant     %q", prompt.String(), wantText)
		}
		if r := press(t, b, gina, "Ausgewählte Gruppen anzeigen", prompt); !strings.Contains(r.String(),
			"cohort-7 (3 Mitglieder, 1 hat sie): anna *, ben, cleo\nDie Rückfrage ist noch offen.") {
			t.Fatalf("show groups = %q", r.String())
		}
		r := press(t, b, gina, "Nur neue", prompt)
		if !r.Replace || r.String() != "Nur neue: Git basics (git) ist 2 Personen zugewiesen: ben, cleo. Alle bekommen eine DM." {
			t.Fatalf("only new = %+v", r)
		}
		if r := press(t, b, gina, "Neuzuweisung erzwingen", prompt); r.Replace || r.String() != "Schon entschieden: Nur neue, von @gina." {
			t.Fatalf("second click = %+v", r)
		}
		b.WaitJobs(t)
		dm := in.to("ben")
		if len(dm) != 1 || !strings.HasPrefix(dm[0].String(), "New learning task from gina: Git basics (git)") ||
			dm[0].Buttons[0].Label != "Mark done" {
			t.Fatalf("ben's DM = %+v; want English (ben chose nothing)", dm)
		}
		if p := run(t, b, gina, "progress git"); !strings.Contains(p.String(), "Git basics (git): 3 Personen haben sie, 0 erledigt, 3 noch nicht.") {
			t.Fatalf("progress = %q", p.String())
		}
		if r := run(t, b, anna, "tasks"); !strings.HasPrefix(r.String(), "Your tasks (1 open") {
			t.Fatalf("anna's tasks = %q; want English", r.String())
		}
	})
}

// TestGermanDMFromEnglishGuide: the DM is in the learner's language, not
// the guide's; the guide's reply stays English.
func TestGermanDMFromEnglishGuide(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina"))
		dora := model.User{ID: "dora", Name: "dora", Lang: catalog.Lang("de")} // her platform speaks German
		if r := run(t, b, dora, "tasks"); r.String() != "Du hast noch keine Aufgaben." {
			t.Fatalf("dora's tasks = %q", r.String())
		}
		run(t, b, gina, "task add git Git basics https://learn.example.com/git")
		if r := run(t, b, gina, "assign git @dora @anna"); !strings.HasPrefix(r.String(), "Assigned Git basics (git) to 2 people") {
			t.Fatalf("assign = %q; want English for gina", r.String())
		}
		b.WaitJobs(t)
		dm := in.to("dora")
		if len(dm) != 1 || dm[0].String() != "Neue Lernaufgabe von gina: Git basics (git)\nhttps://learn.example.com/git" ||
			len(dm[0].Buttons) != 1 || dm[0].Buttons[0].Label != "Erledigt" {
			t.Fatalf("dora's DM = %+v", dm)
		}
		if got := in.to("anna"); len(got) != 1 || got[0].Buttons[0].Label != "Mark done" {
			t.Fatalf("anna's DM = %+v; want English", got)
		}
		r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
			Actor: model.User{ID: "dora", Name: "dora"}, Action: &bot.Action{ID: dm[0].Buttons[0].ID}})
		if r.String() != "Erledigt: Git basics (git). Gut gemacht!" {
			t.Fatalf("mark done = %q", r.String())
		}
		home, err := b.Handlers.Home(context.Background(), model.PlatformConsole, "console", model.User{ID: "dora"})
		if err != nil || !strings.HasPrefix(home.String(), "Deine Aufgaben (0 offen von 1 angezeigten") || !strings.Contains(home.String(), "erledigt") {
			t.Fatalf("dora's home = %q, %v", home.String(), err)
		}
	})
}

func TestLanguageCommand(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.Configure(func(c *handlers.Config) { c.Language = catalog.Lang("de") }))
		emil := model.User{ID: "emil", Name: "emil", Lang: catalog.English}
		for _, c := range []struct {
			name string
			who  model.User
			line string
			want string
		}{
			{"DefaultIsLEARNBOT_LANGUAGE", gina, "language", "Du liest learnbot auf Deutsch (Standard dieses Workspace). Ändere das mit /language und einer von en|de|fr|auto."},
			{"PlatformOverDefault", emil, "language", "You read learnbot in English (from your platform). Change it with /language and one of en|de|fr|auto."},
			{"ChoiceOverPlatform", emil, "language de", "Ab jetzt antworte ich dir auf Deutsch."},
			{"ChoiceHolds", emil, "language", "Du liest learnbot auf Deutsch (deine Wahl). Ändere das mit /language und einer von en|de|fr|auto."},
			{"BadValueRefused", emil, "language it", "\"it\" ist keine Sprache: Nimm eine von en|de|fr|auto.\nAufruf: /language [en|de|fr|auto]"},
			{"NothingChangedByBadValue", emil, "language", "Du liest learnbot auf Deutsch (deine Wahl)."},
			{"French", emil, "language fr", "Désormais, je vous réponds en français."},
			{"FrenchHolds", emil, "language", "Votre langue dans learnbot : Français (votre choix). Pour la changer : /language et l’une de en|de|fr|auto."},
			{"AutoFollowsPlatform", emil, "language auto", "From now on I follow your platform's language; for you that is English."},
			{"English", gina, "language en", "From now on I answer you in English."},
			{"HelpInGerman", emil, "help language", "/language [en|de|fr|auto]\n  Your language for replies"},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := run(t, b, c.who, c.line).String(); !strings.HasPrefix(got, c.want) {
					t.Fatalf("%s: %q\nwant %q", c.line, got, c.want)
				}
			})
		}
		run(t, b, emil, "language de")
		if got := run(t, b, emil, "help language").String(); !strings.Contains(got, "Deine Sprache für Antworten") || !strings.Contains(got, "z. B. /language de") {
			t.Fatalf("German help = %q", got)
		}
		if got := run(t, b, emil, "frobnicate").String(); !strings.HasPrefix(got, "Unbekannter Befehl \"frobnicate\"") {
			t.Fatalf("unknown command for a German platform user = %q", got)
		}
	})
}

// TestDeliveryReasonInGerman: why a DM was not delivered is stored in
// English and read in the guide's language. Someone invited by email and
// not on chat yet is no failure: the guide is told they find the task in
// /tasks once they join, and nothing is logged as an ERROR.
func TestDeliveryReasonInGerman(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		var logs testlog.Buffer
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: &inbox{}}, testbot.Admins("console:gina"),
			testbot.Logger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
		run(t, b, gina, "task add git Git basics")
		run(t, b, gina, "invite zed@example.com")
		run(t, b, gina, "invite yan@example.com")
		if got := run(t, b, gina, "assign git zed@example.com").String(); got !=
			"Assigned Git basics (git) to 1 person: zed@example.com. They are not on chat yet and find it in /tasks once they join." {
			t.Fatalf("assign to someone not on chat = %q", got)
		}
		if got := run(t, b, gina, "assign git yan@example.com @anna").String(); !strings.HasSuffix(got,
			"Each gets a DM. 1 of them is not on chat yet and finds it in /tasks once they join.") {
			t.Fatalf("assign to one on chat and one not = %q", got)
		}
		b.WaitJobs(t)
		if strings.Contains(logs.String(), "level=ERROR") || strings.Contains(logs.String(), "level=WARN") {
			t.Errorf("a DM to someone not on chat yet was logged as a failure:\n%s", logs.String())
		}
		if got := run(t, b, gina, "progress git").String(); !strings.Contains(got, "(DM not delivered: not on chat yet)") {
			t.Fatalf("English progress = %q", got)
		}
		run(t, b, gina, "language de")
		if got := run(t, b, gina, "progress git").String(); !strings.Contains(got, "(DM nicht zugestellt: noch nicht im Chat)") {
			t.Fatalf("German progress = %q", got)
		}
	})
}

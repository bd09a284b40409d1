package slack_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
)

// TestDuplicateFlowInGermanEndToEnd: a guide whose Slack speaks German
// (users.info locale de-DE) gets the prompt, its four buttons and the
// outcome in German through the real endpoints; an English learner's DM
// stays English, a German learner's DM and App Home are German.
func TestDuplicateFlowInGermanEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, b := newCoreEnv(t, db)
		env.fake.AddUser(fakeslack.User{ID: "UG", Name: "gina", Display: "Gina Guide", Email: "gina@example.com", Locale: "de-DE"})
		env.fake.AddUser(fakeslack.User{ID: "U4", Name: "dora", Display: "Dora", Locale: "de-AT"})
		say := func(command, text string) string {
			t.Helper()
			r := env.command(t, "UG", command, text)
			if r == nil {
				t.Fatalf("%s %s: no inline reply", command, text)
			}
			return fakeslack.TextOf(r.Blocks)
		}
		if got := say("/learn", "task add git Git-Grundlagen"); !strings.Contains(got, "Aufgabe git hinzugefügt: Git-Grundlagen.") {
			t.Fatalf("task add = %q", got)
		}
		say("/learn", "group create devs")
		say("/learn", "group add devs <@U2|ben> <@U3>")
		if got := say("/assign", "git <@U1|anna> <@U4|dora>"); !strings.Contains(got, "Git-Grundlagen (git) ist 2 Personen zugewiesen: Anna D, Dora. Alle bekommen eine DM.") {
			t.Fatalf("first assign = %q", got)
		}
		b.WaitJobs(t)
		if n := len(env.fake.DMs()); n != 2 {
			t.Fatalf("%d DMs after the first assign, want 2", n)
		}
		for _, dm := range env.fake.DMs() {
			label := fakeslack.ButtonsOf(dm.Blocks)[0].Label
			switch dm.Channel {
			case "DU1":
				if !strings.Contains(dm.Text, "New learning task from Gina Guide") || label != "Mark done" {
					t.Errorf("Anna's DM is not English: %q [%s]", dm.Text, label)
				}
			case "DU4":
				if !strings.Contains(dm.Text, "Neue Lernaufgabe von Gina Guide: Git-Grundlagen (git)") || label != "Erledigt" {
					t.Errorf("Dora's DM is not German: %q [%s]", dm.Text, label)
				}
			default:
				t.Errorf("DM to %s", dm.Channel)
			}
		}

		r := env.command(t, "UG", "/assign", "git <@U1|anna> devs")
		if got := fakeslack.TextOf(r.Blocks); !strings.Contains(got, "ist schon 1 von 3 gewählten Personen zugewiesen: Anna D.") ||
			!strings.Contains(got, "doppelte Zuweisungen") {
			t.Fatalf("prompt = %q", got)
		}
		var labels []string
		ids := map[string]string{}
		for _, btn := range fakeslack.ButtonsOf(r.Blocks) {
			labels = append(labels, btn.Label)
			ids[btn.Label] = btn.Value
		}
		if want := []string{"Nicht zuweisen", "Nur neue", "Neuzuweisung erzwingen", "Ausgewählte Gruppen anzeigen"}; !reflect.DeepEqual(labels, want) {
			t.Fatalf("prompt buttons %q, want %q", labels, want)
		}
		promptURL := env.fake.responseURL("prompt")
		env.press(t, "UG", ids["Nur neue"], promptURL, false)
		p := lastPost(t, env.fake)
		if got := fakeslack.TextOf(p.Blocks); !p.ReplaceOriginal || len(fakeslack.ButtonsOf(p.Blocks)) != 0 ||
			!strings.Contains(got, "Nur neue: Git-Grundlagen (git) ist 2 Personen zugewiesen") {
			t.Fatalf("outcome = %+v", p)
		}
		env.press(t, "UG", ids["Nur neue"], promptURL, false)
		if got := fakeslack.TextOf(lastPost(t, env.fake).Blocks); !strings.Contains(got, "Schon entschieden: Nur neue, von @Gina Guide.") {
			t.Fatalf("second press = %q", got)
		}

		// Dora opens her App Home: German heading, her task, an Erledigt button.
		status, _ := env.post(t, "/slack/events", "application/json",
			`{"type":"event_callback","team_id":"T1","event_id":"EvHomeDora","event":{"type":"app_home_opened","user":"U4","tab":"home"}}`,
			testSecret, testNow, nil)
		if status != 200 {
			t.Fatalf("event: status %d", status)
		}
		eventually(t, "Dora's German Home", func() bool {
			v := lastView(env.fake, "U4")
			if v == nil {
				return false
			}
			text := fakeslack.TextOf(v.View.Blocks)
			buttons := fakeslack.ButtonsOf(v.View.Blocks)
			return strings.Contains(text, "Deine Lernaufgaben") && strings.Contains(text, "[ ] Git-Grundlagen (git)") &&
				len(buttons) == 1 && buttons[0].Label == "Erledigt: git"
		})

		// She switches to English: the reply and her Home follow.
		r = env.command(t, "U4", "/learn", "language en")
		if got := fakeslack.TextOf(r.Blocks); got != "From now on I answer you in English." {
			t.Fatalf("language en = %q", got)
		}
		eventually(t, "Dora's Home in English", func() bool {
			v := lastView(env.fake, "U4")
			return v != nil && strings.Contains(fakeslack.TextOf(v.View.Blocks), "Your learning tasks")
		})
	})
}

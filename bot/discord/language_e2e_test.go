package discord_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/testbot"
)

// de marks an interaction as coming from a German Discord client.
func de(i map[string]any) map[string]any {
	i["locale"] = "de"
	return i
}

// TestDuplicateFlowInGermanEndToEnd: a guide whose Discord client is
// German gets the prompt, its four German buttons and the outcome in German
// (UPDATE_MESSAGE); a learner whose client was German when she last used
// learnbot gets her DM in German later, one who never did gets English.
func TestDuplicateFlowInGermanEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, b := coreEnv(t, db)
		ben := member{ID: "700000000000000003", Username: "ben"}
		e.fake.setMembers(testGuild, guide.JSON(), learner.JSON(), ben.JSON())

		expect(t, e, de(slash(testGuild, learner, "tasks")), 4, "Du hast noch keine Aufgaben.")
		expect(t, e, de(slash(testGuild, guide, "task", sub("add", str("key", "git"), str("title", "Git-Grundlagen")))),
			4, "Aufgabe git hinzugefügt: Git-Grundlagen.")
		expect(t, e, de(slash(testGuild, guide, "group", sub("create", str("name", "kohorte")))), 4, "Gruppe kohorte angelegt.")
		expect(t, e, de(slash(testGuild, guide, "group", sub("add", str("name", "kohorte"),
			str("members", "<@"+learner.ID+"> <@"+ben.ID+">")))), 4, "2 Personen zu kohorte hinzugefügt")
		expect(t, e, de(slash(testGuild, guide, "assign", str("task", "git"), str("targets", "<@"+learner.ID+">"))),
			4, "Git-Grundlagen (git) ist 1 Person zugewiesen: Anna. Sie bekommt eine DM.")
		b.WaitJobs(t)
		dms := e.fake.waitFor(t, 1, "POST", "/channels/9"+learner.ID+"/messages")
		var dm struct {
			Content    string      `json:"content"`
			Components []actionRow `json:"components"`
		}
		json.Unmarshal(dms[0].Body, &dm)
		if !strings.HasPrefix(dm.Content, "Neue Lernaufgabe von Gina: Git-Grundlagen (git)") ||
			len(dm.Components) != 1 || dm.Components[0].Components[0].Label != "Erledigt" {
			t.Fatalf("Anna's DM = %s", dms[0].Body)
		}

		r := expect(t, e, de(slash(testGuild, guide, "assign", str("task", "git"), str("targets", "kohorte"))), 4,
			"Git-Grundlagen (git) ist schon 1 von 2 gewählten Personen zugewiesen: Anna.", "Neuzuweisung erzwingen weist sie allen Zielen erneut zu")
		bs := r.Data.buttons()
		if got := labels(bs); !reflect.DeepEqual(got, []string{"Nicht zuweisen", "Nur neue", "Neuzuweisung erzwingen", "Ausgewählte Gruppen anzeigen"}) {
			t.Fatalf("prompt buttons = %q", got)
		}
		expect(t, e, de(press(testGuild, guide, bs[3].CustomID)), 4, "kohorte (2 Mitglieder, 1 hat sie)", "Die Rückfrage ist noch offen.")
		r = expect(t, e, de(press(testGuild, guide, bs[1].CustomID)), 7, "Nur neue: Git-Grundlagen (git) ist 1 Person zugewiesen: ", ". Sie bekommt eine DM.")
		if len(r.Data.Components) != 0 {
			t.Errorf("outcome still has components: %+v", r.Data.Components)
		}
		expect(t, e, de(press(testGuild, guide, bs[1].CustomID)), 4, "Schon entschieden: Nur neue, von @Gina.")
		b.WaitJobs(t)
		dms = e.fake.waitFor(t, 1, "POST", "/channels/9"+ben.ID+"/messages")
		if body := string(dms[0].Body); !strings.Contains(body, "New learning task from Gina") || !strings.Contains(body, `"Mark done"`) {
			t.Fatalf("Ben's DM (he never used learnbot) = %s; want English", body)
		}
	})
}

package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// eventCounts counts the audit trail's rows by kind, and all of them.
func eventCounts(t *testing.T, b *testbot.Bot) (map[string]int, int) {
	t.Helper()
	rows, err := b.Store.DB().QueryContext(context.Background(), `SELECT kind, count(*) FROM events GROUP BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts, total := map[string]int{}, 0
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			t.Fatal(err)
		}
		counts[kind], total = n, total+n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts, total
}

// TestHistory: every change of DESIGN section 1's Event list writes one
// event in its transaction (one per command for a set of people, with the
// count), a refused or failed change writes none, and history shows a task's,
// a person's or an invitation's trail newest first in the reader's language.
func TestHistory(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina", "console:olga"))
		for _, cmd := range []string{
			"task add git Git basics",
			"group create cohort-7",
			"group add cohort-7 @anna @ben @cleo",
			"assign git cohort-7",
			"assign git @dan",
			"invite eve@example.com guide",
			"invite again eve@example.com",
			"invite revoke eve@example.com",
			"group remove cohort-7 @cleo",
			"group create spare",
			"group delete spare",
			"role @ben guide",
		} {
			if r := run(t, b, gina, cmd); strings.Contains(r.String(), "Usage") || strings.Contains(r.String(), "wrong") {
				t.Fatalf("%s: %s", cmd, r.String())
			}
		}
		prompt := run(t, b, gina, "assign git @anna @fay")
		press(t, b, gina, "Only new", prompt)
		b.WaitJobs(t)
		done := in.to("anna")[0]
		if r := press(t, b, anna, "Mark done", &bot.Reply{Buttons: done.Buttons}); !strings.Contains(r.String(), "Marked done") {
			t.Fatalf("mark done: %q", r.String())
		}

		want := map[string]int{storage.EventTaskAdd: 1, storage.EventGroupCreate: 2, storage.EventGroupDelete: 1,
			storage.EventGroupAdd: 1, storage.EventGroupRemove: 1, storage.EventAssign: 2, storage.EventDecide: 1,
			storage.EventInvite: 1, storage.EventInviteAgain: 1, storage.EventRevoke: 1, storage.EventRole: 1, storage.EventDone: 1}
		t.Run("OneEventPerChange", func(t *testing.T) {
			counts, total := eventCounts(t, b)
			for kind, n := range want {
				if counts[kind] != n {
					t.Errorf("%s events = %d; want %d (all: %v)", kind, counts[kind], n, counts)
				}
			}
			if total != 14 {
				t.Errorf("%d events; want 14: %v", total, counts)
			}
		})

		t.Run("RefusedAndFailedWriteNone", func(t *testing.T) {
			_, before := eventCounts(t, b)
			for _, c := range []struct {
				actor model.User
				line  string
			}{
				{gina, "task add git Again"},            // the key is taken
				{gina, "group create cohort-7"},         // the name is taken
				{gina, "group delete nope"},             // no such group
				{gina, "invite revoke zed@example.com"}, // nothing pending
				{anna, "group create mine"},             // a learner
				{anna, "role @anna admin"},              // a learner
			} {
				run(t, b, c.actor, c.line)
			}
			press(t, b, anna, "Mark done", &bot.Reply{Buttons: done.Buttons}) // already done
			press(t, b, gina, "Force reassignment", prompt)                   // already decided
			if _, after := eventCounts(t, b); after != before {
				t.Fatalf("refused and failed commands wrote %d events", after-before)
			}
		})

		t.Run("TaskNewestFirst", func(t *testing.T) {
			r := run(t, b, gina, "history git")
			got := make([]string, len(r.Items))
			for i, it := range r.Items {
				got[i] = it.Text
			}
			wantItems := []string{
				"anna marked git done.",
				"gina chose “Only new” for git: assigned to fay.",
				"gina assigned git to dan.",
				"gina assigned git to 3 people (anna, ben, cleo).",
				"gina added the task git.",
			}
			if strings.Join(got, "\n") != strings.Join(wantItems, "\n") || !strings.HasPrefix(r.Text, "History of git") {
				t.Fatalf("history git:\n%s\nwant:\n%s", r.String(), strings.Join(wantItems, "\n"))
			}
			if len(r.Items[0].Fields) != 1 || !strings.Contains(r.Items[0].Fields[0].Value, "UTC") {
				t.Fatalf("an event does not say when: %+v", r.Items[0])
			}
		})

		t.Run("Person", func(t *testing.T) {
			r := run(t, b, gina, "history @ben")
			if len(r.Items) != 1 || r.Items[0].Text != "gina set the role of ben to guide." {
				t.Fatalf("history @ben: %q", r.String())
			}
			// What gina did shows in hers as well.
			if r := run(t, b, gina, "history @gina"); len(r.Items) != 13 {
				t.Fatalf("history @gina has %d events; want 13:\n%s", len(r.Items), r.String())
			}
		})

		t.Run("InvitationByEmail", func(t *testing.T) {
			r := run(t, b, gina, "history eve@example.com")
			want := "gina revoked the invitation of eve@example.com.\n" +
				"gina sent eve@example.com a new invitation link (guide).\n" +
				"gina invited eve@example.com as guide."
			var got []string
			for _, it := range r.Items {
				got = append(got, it.Text)
			}
			if strings.Join(got, "\n") != want {
				t.Fatalf("history eve@example.com:\n%s", r.String())
			}
		})

		t.Run("AcceptByPage", func(t *testing.T) {
			r := run(t, b, gina, "invite hana@example.com guide")
			_, token, ok := strings.Cut(r.String(), "/invite/")
			if !ok {
				t.Fatalf("no link: %q", r.String())
			}
			token, _, _ = strings.Cut(token, " ")
			if _, err := b.Store.AcceptInvitation(context.Background(), token); err != nil {
				t.Fatal(err)
			}
			h := run(t, b, gina, "history hana@example.com")
			if len(h.Items) != 2 || h.Items[0].Text != "hana@example.com accepted the invitation of hana@example.com and joined as guide." {
				t.Fatalf("history after accepting: %q", h.String())
			}
		})

		t.Run("LatestFifty", func(t *testing.T) {
			for i := range 52 {
				role := "guide"
				if i%2 == 1 {
					role = "learner"
				}
				run(t, b, gina, "role @ivy "+role) // each a change: an unchanged role records nothing
			}
			r := run(t, b, gina, "history @ivy")
			if len(r.Items) != 50 || r.Footer != "Only the latest 50 are shown." ||
				r.Items[0].Text != "gina set the role of ivy to learner." {
				t.Fatalf("history of 52 events: %d items, footer %q, first %q", len(r.Items), r.Footer, r.Items[0].Text)
			}
		})

		t.Run("Refusals", func(t *testing.T) {
			if r := run(t, b, anna, "history git"); !strings.Contains(r.String(), "You need the guide role") {
				t.Fatalf("a learner read the history: %q", r.String())
			}
			// olga is an admin too, of another workspace: she sees nothing of this one.
			olga := model.User{ID: "olga", Name: "olga"}
			elsewhere := func(s string) *bot.Reply {
				req := line(olga, s)
				req.Workspace = "elsewhere"
				return b.Router.Handle(context.Background(), req)
			}
			if r := elsewhere("history git"); !strings.Contains(r.String(), `"git" is not a task`) {
				t.Fatalf("another workspace's admin: %q", r.String())
			}
			if r := elsewhere("history eve@example.com"); r.String() != "Nothing recorded for eve@example.com yet." {
				t.Fatalf("another workspace's admin: %q", r.String())
			}
			if r := run(t, b, gina, "history nope"); !strings.Contains(r.String(), `"nope" is not a task, a mention or an email`) ||
				!strings.Contains(r.String(), "Usage: /history") {
				t.Fatalf("unknown subject: %q", r.String())
			}
			if r := run(t, b, gina, "history"); !strings.Contains(r.String(), "Name one task, person or email") {
				t.Fatalf("no subject: %q", r.String())
			}
			if r := run(t, b, gina, "history @stranger"); r.String() != "Nothing recorded for @stranger yet." {
				t.Fatalf("stranger: %q", r.String())
			}
		})

		// Last: gina's platform language is German from here on.
		t.Run("German", func(t *testing.T) {
			de := model.User{ID: "gina", Name: "gina", Lang: catalog.Lang("de")}
			req := line(de, "history git")
			req.Lang = catalog.Lang("de")
			r := b.Router.Handle(context.Background(), req)
			if !strings.HasPrefix(r.Text, "Verlauf von git") || len(r.Items) != 5 ||
				r.Items[3].Text != "gina hat git 3 Personen (anna, ben, cleo) zugewiesen." ||
				!strings.Contains(r.Items[0].Fields[0].Value, "um") {
				t.Fatalf("German history: %q", r.String())
			}
		})

	})
}

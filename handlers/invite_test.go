package handlers_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// jobs counts the queued jobs of a kind.
func jobs(t *testing.T, b *testbot.Bot, kind string) int {
	t.Helper()
	var n int
	q := `SELECT count(*) FROM river_job WHERE kind = $1`
	if b.Store.Dialect() == storage.SQLite {
		q = `SELECT count(*) FROM river_job WHERE kind = ?`
	}
	if err := b.Store.DB().QueryRowContext(context.Background(), q, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// as runs a command line given as one argument (as Discord's address
// option or a pasted column arrives) in a workspace.
func as(b *testbot.Bot, workspace string, actor model.User, words ...string) *bot.Reply {
	var args []bot.Arg
	for _, w := range words {
		args = append(args, bot.Arg{Text: w})
	}
	return b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: workspace, Actor: actor, Args: args})
}

// TestInviteMany: one invite command handles up to 100 addresses, each on
// its own, in one transaction with one email job each, and sums up invited,
// already pending (with Invite again), already active and invalid; over
// 100, or an admin invitation by a guide, writes nothing.
func TestInviteMany(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.NoWorkers(), testbot.Admins("console:gina", "console:olga"),
			testbot.Configure(func(c *handlers.Config) { c.EmailEnabled = true }))
		annaMail := model.User{ID: "anna", Name: "anna", Email: "anna@example.com"}
		run(t, b, annaMail, "tasks") // anna is an active member with her email
		run(t, b, gina, "invite pend@example.com")
		emails := jobs(t, b, "invitation_email")

		t.Run("Summary", func(t *testing.T) {
			r := as(b, "console", gina, "invite", "new1@example.com, new2@example.com;NEW1@example.com\nnew3@example.com pend@example.com",
				"anna@example.com not-an-email", "guide")
			if r.Text != "6 addresses: 3 invited, 1 already pending, 1 already active, 1 invalid." {
				t.Fatalf("summary: %q", r.String())
			}
			want := []string{
				"Invited (guide), each gets an email: new1@example.com, new2@example.com, new3@example.com",
				"Already active members: anna@example.com",
				`Not valid email addresses: "not-an-email"`,
				"Already pending: pend@example.com (learner); nothing new was sent.",
			}
			var got []string
			for _, it := range r.Items {
				got = append(got, it.Text)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if bs := r.AllButtons(); len(bs) != 1 || bs[0].Label != "Invite again: pend@example.com" {
				t.Fatalf("buttons: %+v", bs)
			}
			if n := jobs(t, b, "invitation_email") - emails; n != 3 {
				t.Fatalf("%d email jobs; want one per invitation (3)", n)
			}
			if !strings.Contains(r.Footer, "SPF/DKIM") {
				t.Fatalf("footer: %q", r.Footer)
			}
			// The invited are learners until they accept (issue 10).
			p, err := b.Store.PersonByEmail(context.Background(), mustWorkspace(t, b), "new2@example.com")
			if err != nil || p.Granted() != model.RoleLearner {
				t.Fatalf("new2 = %+v, %v", p, err)
			}
			if again := press(t, b, gina, "Invite again: pend@example.com", r); !strings.Contains(again.String(), "old one no longer works") {
				t.Fatalf("Invite again: %q", again.String())
			}
		})

		t.Run("Hundred", func(t *testing.T) {
			var list []string
			for i := range 100 {
				list = append(list, fmt.Sprintf("h%03d@example.com", i))
			}
			_, before := eventCounts(t, b)
			jobsBefore := jobs(t, b, "invitation_email")
			r := as(b, "console", gina, "invite", strings.Join(list, "\n"))
			if !strings.HasPrefix(r.Text, "100 addresses: 100 invited, 0 already pending") {
				t.Fatalf("100 addresses: %q", r.Text)
			}
			if n := jobs(t, b, "invitation_email") - jobsBefore; n != 100 {
				t.Fatalf("%d email jobs for 100 invitations", n)
			}
			if _, after := eventCounts(t, b); after-before != 100 {
				t.Fatalf("%d events for 100 invitations", after-before)
			}
		})

		t.Run("Refusals", func(t *testing.T) {
			_, before := eventCounts(t, b)
			jobsBefore := jobs(t, b, "invitation_email")
			var list []string
			for i := range 101 {
				list = append(list, fmt.Sprintf("o%03d@example.com", i))
			}
			if r := as(b, "console", gina, "invite", strings.Join(list, ",")); !strings.Contains(r.String(),
				"At most 100 addresses at once; you gave 101. Nothing was sent.") {
				t.Fatalf("101 addresses: %q", r.String())
			}
			run(t, b, gina, "role @ben guide")
			_, before = eventCounts(t, b)
			if r := run(t, b, model.User{ID: "ben", Name: "ben"}, "invite x1@example.com x2@example.com admin"); !strings.Contains(r.String(),
				"Only admins can create") {
				t.Fatalf("a guide invited admins: %q", r.String())
			}
			if r := run(t, b, anna, "invite x1@example.com x2@example.com"); !strings.Contains(r.String(), "You need the guide role") {
				t.Fatalf("a learner invited: %q", r.String())
			}
			if r := run(t, b, gina, "invite x1@example.com x2@example.com boss"); !strings.Contains(r.String(), `"boss" is not a role`) {
				t.Fatalf("bad role: %q", r.String())
			}
			if r := run(t, b, gina, "invite nope, nada@"); !strings.Contains(r.String(), `None of these is a valid email address: "nope", "nada@"`) {
				t.Fatalf("no valid address: %q", r.String())
			}
			if _, after := eventCounts(t, b); after != before {
				t.Fatalf("refused invites wrote %d events", after-before)
			}
			if n := jobs(t, b, "invitation_email") - jobsBefore; n != 0 {
				t.Fatalf("refused invites queued %d emails", n)
			}
			if _, err := b.Store.PersonByEmail(context.Background(), mustWorkspace(t, b), "o000@example.com"); err == nil {
				t.Fatal("the refused 101 wrote a person")
			}
		})

		t.Run("OtherWorkspace", func(t *testing.T) {
			olga := model.User{ID: "olga", Name: "olga"}
			r := as(b, "elsewhere", olga, "invite", "pend@example.com, anna@example.com")
			if !strings.HasPrefix(r.Text, "2 addresses: 2 invited, 0 already pending, 0 already active") {
				t.Fatalf("another workspace sees this one's invitations: %q", r.String())
			}
		})
	})
}

func mustWorkspace(t *testing.T, b *testbot.Bot) int64 {
	t.Helper()
	p, err := b.Store.PersonByChat(context.Background(), model.PlatformConsole, "console", "gina")
	if err != nil {
		t.Fatal(err)
	}
	return p.WorkspaceID
}

var inviteLinkRE = regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`)

// tokenOf is the token of the invitation link a reply shows.
func tokenOf(t *testing.T, r *bot.Reply) string {
	t.Helper()
	m := inviteLinkRE.FindStringSubmatch(r.String())
	if m == nil {
		t.Fatalf("no invitation link in %q", r.String())
	}
	return m[1]
}

// TestInviteOfActiveRefused (issue 25): invite and invite again are refused
// for an active member, even one whose old invitation is still stored as
// pending, and accepting such an invitation changes no role: a guide
// cannot give back a role an admin took away, nor take an admin's.
func TestInviteOfActiveRefused(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.NoWorkers(), testbot.Admins("console:gina", "console:olga"))
		ctx := context.Background()
		ben := model.User{ID: "ben", Name: "ben"}
		run(t, b, gina, "role @ben guide")
		role := func(id string) model.Role {
			t.Helper()
			p, err := b.Store.PersonByChat(ctx, model.PlatformConsole, "console", id)
			if err != nil {
				t.Fatal(err)
			}
			return p.Granted()
		}
		// Anna lets her guide invitation expire, then talks to learnbot
		// with its address: an active learner, the expired invitation
		// still stored as pending.
		annaToken := tokenOf(t, run(t, b, ben, "invite anna@example.com guide"))
		start := time.Now()
		b.Store.SetClock(func() time.Time { return start.Add(15 * 24 * time.Hour) })
		run(t, b, model.User{ID: "anna", Name: "anna", Email: "anna@example.com"}, "tasks")
		// Olga, an admin, has an invitation as a learner waiting when she
		// first talks to learnbot with its address.
		b.Store.SetClock(time.Now)
		olgaToken := tokenOf(t, run(t, b, ben, "invite olga@example.com"))
		run(t, b, model.User{ID: "olga", Name: "olga", Email: "olga@example.com"}, "tasks")
		if role("anna") != model.RoleLearner || role("olga") != model.RoleAdmin {
			t.Fatalf("before: anna %s, olga %s", role("anna"), role("olga"))
		}
		_, before := eventCounts(t, b)

		for _, email := range []string{"anna@example.com", "olga@example.com"} {
			t.Run("InviteAgain/"+email, func(t *testing.T) {
				r := run(t, b, ben, "invite again "+email)
				want := email + " is already an active member of this workspace, so nothing was sent: use /role to change their role."
				if r.String() != want {
					t.Fatalf("invite again: %q; want %q", r.String(), want)
				}
			})
			t.Run("Invite/"+email, func(t *testing.T) {
				r := run(t, b, ben, "invite "+email+" guide")
				if !strings.Contains(r.String(), email+" is already an active member") || len(r.AllButtons()) != 0 {
					t.Fatalf("invite: %q, buttons %v", r.String(), labels(r))
				}
			})
		}
		if _, after := eventCounts(t, b); after != before {
			t.Fatalf("refused invitations wrote %d events", after-before)
		}
		t.Run("AcceptKeepsRole", func(t *testing.T) {
			// The clock is back: Anna's invitation is valid again.
			for _, token := range []string{annaToken, olgaToken} {
				if _, err := b.Store.AcceptInvitation(ctx, token); err != nil {
					t.Fatal(err)
				}
			}
			if role("anna") != model.RoleLearner || role("olga") != model.RoleAdmin {
				t.Fatalf("after: anna %s, olga %s; want learner, admin", role("anna"), role("olga"))
			}
		})
	})
}

// TestConcurrentInvites (issue 25): ten guides inviting one address at
// once make one invitation, and the others are told it is pending; ten
// invite again at once each send a new link, the last one standing. No one
// is told that something went wrong or that nothing is pending.
func TestConcurrentInvites(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.NoWorkers(), testbot.Admins("console:gina"))
		run(t, b, gina, "tasks")
		concurrently := func(line string) []string {
			var wg sync.WaitGroup
			replies := make([]string, 10)
			for i := range replies {
				wg.Go(func() { replies[i] = run(t, b, gina, line).String() })
			}
			wg.Wait()
			return replies
		}
		pending := func(t *testing.T) int {
			t.Helper()
			list, err := b.Store.PendingInvitations(context.Background(), mustWorkspace(t, b))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, inv := range list {
				if inv.Email == "anna@example.com" {
					n++
				}
			}
			return n
		}
		t.Run("Invite", func(t *testing.T) {
			created, already := 0, 0
			for _, r := range concurrently("invite anna@example.com") {
				switch {
				case strings.Contains(r, "Invitation for anna@example.com (learner) created"):
					created++
				case strings.HasPrefix(r, "anna@example.com already has a pending invitation"):
					already++
				default:
					t.Errorf("reply: %q", r)
				}
			}
			if created != 1 || already != 9 || pending(t) != 1 {
				t.Fatalf("%d created, %d already pending, %d stored; want 1, 9, 1", created, already, pending(t))
			}
		})
		t.Run("ManyInEitherOrder", func(t *testing.T) {
			var wg sync.WaitGroup
			replies := make([]string, 10)
			for i := range replies {
				line := "invite b1@example.com b2@example.com"
				if i%2 == 1 {
					line = "invite b2@example.com b1@example.com"
				}
				wg.Go(func() { replies[i] = run(t, b, gina, line).String() })
			}
			wg.Wait()
			for _, r := range replies {
				if !strings.HasPrefix(r, "2 addresses: ") {
					t.Errorf("reply: %q", r)
				}
			}
		})
		t.Run("InviteAgain", func(t *testing.T) {
			for _, r := range concurrently("invite again anna@example.com") {
				if !strings.HasPrefix(r, "New link: the old one no longer works.") {
					t.Errorf("reply: %q", r)
				}
			}
			if n := pending(t); n != 1 {
				t.Fatalf("%d pending invitations; want 1", n)
			}
		})
	})
}

// TestHiddenCharactersRefused (issue 25): invisible characters in titles,
// names and emails, and a task link with user info, are refused and write
// nothing; a joiner inside an emoji sequence is fine.
func TestHiddenCharactersRefused(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.NoWorkers(), testbot.Admins("console:gina"))
		run(t, b, gina, "tasks")
		_, before := eventCounts(t, b)
		for _, c := range []string{"\u200B", "\u200D", "\u2060", "\uFEFF", "\U000E0041", "\u202E"} {
			for _, line := range []string{"task add sql SQL" + c + " basics", "invite ann" + c + "a@example.com",
				"group create team" + c} {
				if r := as(b, "console", gina, strings.Fields(line)...); !strings.Contains(r.String(), "character (U+") ||
					!strings.Contains(r.String(), "Usage:") {
					t.Errorf("%q: %q", line, r.String())
				}
			}
		}
		if r := run(t, b, gina, "task add sql SQL https://learn.example.com@evil.example/"); !strings.Contains(r.String(), "Usage:") {
			t.Errorf("a link with user info: %q", r.String())
		}
		if _, after := eventCounts(t, b); after != before {
			t.Fatalf("refused commands wrote %d events", after-before)
		}
		if r := run(t, b, gina, "task add dev Developer 👩\u200d💻 https://learn.example.com/dev"); !strings.Contains(r.String(), "dev") ||
			strings.Contains(r.String(), "Usage:") {
			t.Fatalf("an emoji sequence: %q", r.String())
		}
	})
}

package slack_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/web"
)

var inviteLinkRE = regexp.MustCompile(`http://learnbot\.test(/invite/[A-Za-z0-9_-]+)`)

// TestInvitationGrantsNothingUntilAccepted drives the Slack HTTP endpoints
// and the invitation page against the real core: an invited role counts
// only once the invitation is accepted (the DM's Accept button or the
// page's POST), a revoked, replaced or expired invitation grants nothing by
// any path, and guides may not handle admin invitations.
func TestInvitationGrantsNothingUntilAccepted(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, b := newCoreEnv(t, db)
		page := httptest.NewServer(func() http.Handler {
			mux := http.NewServeMux()
			web.New(b.Store, slog.New(slog.DiscardHandler)).Routes(mux)
			return mux
		}())
		t.Cleanup(page.Close)
		say := func(user, text string) string {
			t.Helper()
			r := env.command(t, user, "/learn", text)
			if r == nil {
				t.Fatalf("%s: no inline reply", text)
			}
			return fakeslack.TextOf(r.Blocks)
		}
		// isAdmin tells whether the user may run an admin command (role on
		// someone else is harmless: the same role again).
		isAdmin := func(user string) bool {
			t.Helper()
			got := say(user, "role <@UG> admin")
			return !strings.Contains(got, "You need the admin role")
		}
		// acceptButtons lists the Accept buttons DMed to a user, oldest first.
		acceptButtons := func(user string) []string {
			t.Helper()
			b.WaitJobs(t)
			var out []string
			for _, dm := range env.fake.DMs() {
				if dm.Channel != "D"+user {
					continue
				}
				for _, btn := range fakeslack.ButtonsOf(dm.Blocks) {
					if btn.Label == "Accept" {
						out = append(out, btn.Value)
					}
				}
			}
			return out
		}
		press := func(user, value string) string {
			t.Helper()
			env.press(t, user, value, env.fake.responseURL("dm-"+user), false)
			return fakeslack.TextOf(lastPost(t, env.fake).Blocks)
		}
		post := func(path string) int {
			t.Helper()
			resp, err := http.Post(page.URL+path, "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		mustContain := func(what, got, want string) {
			t.Helper()
			if !strings.Contains(got, want) {
				t.Fatalf("%s: %q does not contain %q", what, got, want)
			}
		}
		mustContain("role", say("UG", "role <@U2> guide"), "now has the role guide")

		// Cleo (U3) is on Slack with cleo@example.com: users.lookupByEmail
		// links her at once, and she gets a DM with Accept.
		reply := say("UG", "invite cleo@example.com admin")
		if isAdmin("U3") {
			t.Fatal("an invited admin is an admin before accepting")
		}
		mustContain("invite cleo", reply, "Accept button")
		buttons := acceptButtons("U3")
		if len(buttons) != 1 {
			t.Fatalf("Accept buttons DMed to Cleo: %q", buttons)
		}
		first := buttons[0]

		t.Run("GuideMayNotHandleAdminInvitations", func(t *testing.T) {
			mustContain("invite admin", say("U2", "invite dora@example.com admin"), "Only admins")
			mustContain("invite again", say("U2", "invite again cleo@example.com"), "Only admins")
			mustContain("revoke", say("U2", "invite revoke cleo@example.com"), "Only admins")
			list := env.command(t, "U2", "/learn", "invite list")
			var again string
			for _, btn := range fakeslack.ButtonsOf(list.Blocks) {
				if strings.HasPrefix(btn.Label, "Invite again") {
					again = btn.Value
				}
			}
			if again == "" {
				t.Fatalf("invite list without Invite again: %q", fakeslack.TextOf(list.Blocks))
			}
			env.press(t, "U2", again, env.fake.responseURL("list-U2"), false)
			mustContain("Invite again button", fakeslack.TextOf(lastPost(t, env.fake).Blocks), "Only admins")
			if got := acceptButtons("U3"); len(got) != 1 {
				t.Fatalf("a guide's attempt sent Cleo a new invitation: %q", got)
			}
			mustContain("still pending", say("UG", "invite list"), "cleo@example.com (admin): sent")
		})

		t.Run("RevokedGrantsNothing", func(t *testing.T) {
			mustContain("revoke", say("UG", "invite revoke cleo@example.com"), "Revoked")
			mustContain("Accept after revoke", press("U3", first), "can no longer be accepted")
			if isAdmin("U3") {
				t.Fatal("Accept of a revoked invitation made Cleo an admin")
			}
		})

		t.Run("SupersededGrantsNothing", func(t *testing.T) {
			// Cleo talked to learnbot after the revocation: an active
			// learner now, whose role changes only with role (issue 25).
			mustContain("invite an active member", say("UG", "invite cleo@example.com admin"), "already an active member")
			env.fake.AddUser(fakeslack.User{ID: "U9", Name: "iris", Display: "Iris", Email: "iris@example.com"})
			say("UG", "invite iris@example.com admin")
			if got := acceptButtons("U9"); len(got) != 1 {
				t.Fatalf("Accept buttons after a new invitation: %q", got)
			}
			say("UG", "invite again iris@example.com")
			got := acceptButtons("U9")
			if len(got) != 2 {
				t.Fatalf("Accept buttons after invite and invite again: %q", got)
			}
			mustContain("Accept of the replaced DM", press("U9", got[0]), "can no longer be accepted")
			if isAdmin("U9") {
				t.Fatal("Accept of a replaced invitation made Iris an admin")
			}
			mustContain("someone else's Accept", press("U1", got[1]), "not yours")
			if isAdmin("U1") {
				t.Fatal("Anna accepted Iris's invitation")
			}
			mustContain("Accept", press("U9", got[1]), "you joined")
			if !isAdmin("U9") {
				t.Fatal("Iris is not an admin after accepting")
			}
		})

		t.Run("EmailMatchOfRevokedGrantsNothing", func(t *testing.T) {
			// Eve is not on Slack when invited: nothing links her then.
			say("UG", "invite eve@example.com admin")
			say("UG", "invite revoke eve@example.com")
			env.fake.AddUser(fakeslack.User{ID: "U5", Name: "eve", Display: "Eve", Email: "eve@example.com"})
			mustContain("eve's first command", say("U5", "help"), "Commands")
			if isAdmin("U5") {
				t.Fatal("a Slack user whose email matches a revoked admin invitation is an admin")
			}
		})

		t.Run("EmailMatchOfPendingIsALearnerUntilThePagePOST", func(t *testing.T) {
			reply := say("UG", "invite finn@example.com guide")
			link := inviteLinkRE.FindStringSubmatch(reply)
			if link == nil {
				t.Fatalf("invite reply without a link: %q", reply)
			}
			env.fake.AddUser(fakeslack.User{ID: "U6", Name: "finn", Display: "Finn", Email: "finn@example.com"})
			mustContain("invited guide", say("U6", "task add x X"), "You need the guide role")
			if status := post(link[1]); status != http.StatusOK {
				t.Fatalf("accept page: status %d", status)
			}
			mustContain("accepted guide", say("U6", "task add x X"), "x")
			if isAdmin("U6") {
				t.Fatal("Finn is more than a guide")
			}
		})

		t.Run("RoleOfInvitedPersonRefused", func(t *testing.T) {
			env.fake.AddUser(fakeslack.User{ID: "U8", Name: "hank", Display: "Hank", Email: "hank@example.com"})
			say("UG", "invite hank@example.com guide")
			mustContain("role of an invited person", say("UG", "role <@U8> admin"), "has not accepted")
			if isAdmin("U8") {
				t.Fatal("role made an invited person an admin")
			}
		})

		t.Run("ExpiredGrantsNothing", func(t *testing.T) {
			say("UG", "invite ben@example.com admin") // Ben (U2) is active: refused
			env.fake.AddUser(fakeslack.User{ID: "U7", Name: "gus", Display: "Gus", Email: "gus@example.com"})
			say("UG", "invite gus@example.com admin")
			got := acceptButtons("U7")
			if len(got) != 1 {
				t.Fatalf("Accept buttons DMed to Gus: %q", got)
			}
			b.Store.SetClock(func() time.Time { return time.Now().Add(15 * 24 * time.Hour) })
			t.Cleanup(func() { b.Store.SetClock(time.Now) })
			mustContain("Accept after expiry", press("U7", got[0]), "expired")
			if isAdmin("U7") {
				t.Fatal("Accept of an expired invitation made Gus an admin")
			}
		})
	})
}

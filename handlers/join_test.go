package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// TestJoinCommand: a guide invited by email accepts on the page; on
// Discord, which gives no email, `join <code>` makes their account the
// invited guide; a wrong code and a second use are refused.
func TestJoinCommand(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		ctx := context.Background()
		b := testbot.New(t, db, nil, testbot.Admins("discord:D0"))
		admin := model.User{ID: "D0", Name: "Dana"}
		gus := model.User{ID: "D7", Name: "Gus"}
		run := func(u model.User, line string) string { return b.Run(model.PlatformDiscord, "G1", u, line).String() }
		if got := run(admin, "help"); got == "" {
			t.Fatal("no help")
		}
		a, err := b.Store.PersonByChat(ctx, model.PlatformDiscord, "G1", "D0")
		if err != nil {
			t.Fatal(err)
		}
		inv, err := b.Store.CreateInvitation(ctx, storage.InviteParams{WorkspaceID: a.WorkspaceID, Email: "gus@example.com",
			Role: model.RoleGuide, InvitedBy: a.ID, ByRole: model.RoleAdmin, TTL: time.Hour, PublicURL: "http://lb.test/"})
		if err != nil {
			t.Fatal(err)
		}
		page, err := b.Store.AcceptInvitation(ctx, inv.Link[len("http://lb.test/invite/"):])
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ name, line, want string }{
			{"NoCode", "join", "Type the code the invitation page showed you"},
			{"WrongCode", "join ABCDEFGHJK", "That code is unknown, used or expired."},
			{"Linked", "join " + page.JoinCode, "Linked: you are gus@example.com, guide here. Type /tasks"},
			{"NowAGuide", "task list", "The catalogue is empty."},
			{"CodeUsed", "join " + page.JoinCode, "That code is unknown, used or expired."},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := run(gus, c.line); !strings.Contains(got, c.want) {
					t.Fatalf("%s: %q\nwant %q", c.line, got, c.want)
				}
			})
		}
	})
}

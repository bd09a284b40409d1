package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// TestJoinCode: on Discord, accepting on the page gives a one-time code;
// `join <code>` by a Discord user links them to the invited person, once.
func TestJoinCode(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := storage.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		identify := func(id string) *storage.Person {
			t.Helper()
			p, err := s.Identify(ctx, storage.Identity{Platform: "discord", Workspace: "G1", User: model.User{ID: id, Name: id}, Admin: id == "D0"})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		admin := identify("D0")
		inv, err := s.CreateInvitation(ctx, storage.InviteParams{WorkspaceID: admin.WorkspaceID, Email: "gus@example.com", Role: model.RoleGuide,
			InvitedBy: admin.ID, ByRole: model.RoleAdmin, TTL: time.Hour, PublicURL: "http://lb.test/"})
		if err != nil {
			t.Fatal(err)
		}
		page, err := s.AcceptInvitation(ctx, inv.Link[len("http://lb.test/invite/"):])
		if err != nil || len(page.JoinCode) != 10 || page.Platform != "discord" {
			t.Fatalf("accepted page = %+v, %v; want a 10-character join code on discord", page, err)
		}
		gus := identify("D7") // first contact: a learner of their own
		t.Run("UnknownCode", func(t *testing.T) {
			if _, err := s.Join(ctx, admin.WorkspaceID, gus.ID, "ABCDEFGHJK"); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("join with an unknown code: %v", err)
			}
		})
		t.Run("OtherWorkspace", func(t *testing.T) {
			other, err := s.Identify(ctx, storage.Identity{Platform: "discord", Workspace: "G2", User: model.User{ID: "D9"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Join(ctx, other.WorkspaceID, other.ID, page.JoinCode); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("join from another server: %v", err)
			}
		})
		t.Run("Linked", func(t *testing.T) {
			p, err := s.Join(ctx, admin.WorkspaceID, gus.ID, " "+page.JoinCode[:5]+page.JoinCode[5:]+" ")
			if err != nil || p.ID != inv.Invitation.PersonID || p.Role != model.RoleGuide || p.ChatID == nil || *p.ChatID != "D7" {
				t.Fatalf("join = %+v, %v; want the invited guide linked to D7", p, err)
			}
			if again := identify("D7"); again.ID != inv.Invitation.PersonID || again.Role != model.RoleGuide {
				t.Fatalf("D7 is now %+v; want the invited guide", again)
			}
		})
		t.Run("UsedOnce", func(t *testing.T) {
			other := identify("D8")
			if _, err := s.Join(ctx, admin.WorkspaceID, other.ID, page.JoinCode); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("second use of the code: %v", err)
			}
		})
	})
}

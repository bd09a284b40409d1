package fourthlang_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
	"github.com/learnbot/learnbot/web"
)

// TestFourthLanguage loads Italian from testdata (a registry line and a
// catalogue, as a translator would add them) and finds it in /language,
// the Discord command localizations and the invitation page.
func TestFourthLanguage(t *testing.T) {
	if err := catalog.Load(os.DirFS("testdata")); err != nil {
		t.Fatal(err)
	}
	t.Run("Language", func(t *testing.T) {
		testbot.ForEachDatabase(t, func(t *testing.T, db string) {
			b := testbot.New(t, db, nil, testbot.Admins("console:gina"))
			gina := model.User{ID: "gina", Name: "gina"}
			if got := b.Run("console", "console", gina, "language it").String(); got != "D'ora in poi ti rispondo in italiano." {
				t.Fatalf("language it = %q", got)
			}
			want := "Leggi learnbot in Italiano (tua scelta). Cambialo con /language e una tra en|de|fr|it|auto."
			if got := b.Run("console", "console", gina, "language").String(); got != want {
				t.Fatalf("language = %q\nwant %q", got, want)
			}
		})
	})
	t.Run("DiscordLocalizations", func(t *testing.T) {
		cmds, err := discord.ApplicationCommands(handlers.New(nil, handlers.Config{}, nil).Commands())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			if c.Name != "assign" {
				continue
			}
			if got := (*c.NameLocalizations)[discordgo.Italian]; got != "assegna" {
				t.Errorf("/assign's Italian name = %q", got)
			}
			if got := (*c.DescriptionLocalizations)[discordgo.Italian]; got != "Assegnare un compito a persone e gruppi." {
				t.Errorf("/assign's Italian description = %q", got)
			}
			return
		}
		t.Fatal("no /assign")
	})
	t.Run("InvitationPage", func(t *testing.T) {
		mux := http.NewServeMux()
		web.New(pageStore{}, nil).Routes(mux)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/invite/tok", nil)
		req.Header.Set("Accept-Language", "it-IT,it;q=0.9,en;q=0.5")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), "Sei invitata o invitato a Acme") || !strings.Contains(string(body), `lang="it"`) {
			t.Fatalf("page:\n%s", body)
		}
	})
}

// pageStore has one pending invitation, token "tok".
type pageStore struct{}

func (pageStore) InvitationByToken(_ context.Context, token string) (*storage.InvitationPage, error) {
	if token != "tok" {
		return nil, storage.ErrNotFound
	}
	return &storage.InvitationPage{
		Invitation: storage.Invitation{ID: 1, WorkspaceID: 1, Email: "anna@example.com", Role: model.RoleLearner,
			Status: storage.InvitationPending, ExpiresAt: time.Now().Add(time.Hour)},
		WorkspaceName: "Acme",
		InviterName:   "Maria",
	}, nil
}

func (pageStore) AcceptInvitation(context.Context, string) (*storage.InvitationPage, error) {
	return nil, storage.ErrGone
}

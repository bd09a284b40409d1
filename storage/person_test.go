package storage_test

import (
	"context"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/storage"
)

// TestLanguage follows a person's language: the platform's as last seen,
// their own choice over it, auto again, and the learner's language on the
// assignment a DM is composed from.
func TestLanguage(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := open(t, url)
		identify := func(u bot.User) *storage.Person {
			t.Helper()
			p, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console", User: u})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}

		t.Run("UnknownFallsBackToDefault", func(t *testing.T) {
			p := identify(bot.User{ID: "uwe", Name: "uwe"})
			if p.Language != "" || p.PlatformLanguage != "" || p.Lang(bot.German) != bot.German || p.Lang("") != "" {
				t.Fatalf("person = %+v, Lang(de) = %q", p, p.Lang(bot.German))
			}
		})
		t.Run("PlatformLanguageKept", func(t *testing.T) {
			identify(bot.User{ID: "dora", Name: "dora", Lang: bot.German})
			p := identify(bot.User{ID: "dora", Name: "dora"}) // a later request without a locale
			if p.PlatformLanguage != bot.German || p.Lang(bot.English) != bot.German {
				t.Fatalf("person = %+v; want the German platform language kept", p)
			}
			p = identify(bot.User{ID: "dora", Name: "dora", Lang: bot.English})
			if p.PlatformLanguage != bot.English {
				t.Fatalf("person = %+v; want the platform's change followed", p)
			}
		})
		t.Run("ChoiceOverPlatform", func(t *testing.T) {
			p := identify(bot.User{ID: "emil", Name: "emil", Lang: bot.English})
			if err := f.s.SetLanguage(ctx, f.ws, p.ID, bot.German); err != nil {
				t.Fatal(err)
			}
			p = identify(bot.User{ID: "emil", Name: "emil", Lang: bot.English})
			if p.Language != bot.German || p.Lang(bot.English) != bot.German {
				t.Fatalf("person = %+v; want German, chosen", p)
			}
			if err := f.s.SetLanguage(ctx, f.ws, p.ID, ""); err != nil {
				t.Fatal(err)
			}
			if p = identify(bot.User{ID: "emil", Name: "emil"}); p.Language != "" || p.Lang(bot.German) != bot.English {
				t.Fatalf("person = %+v; want auto: the platform's English", p)
			}
		})
		t.Run("RefusedOutsideItsWorkspace", func(t *testing.T) {
			p := identify(bot.User{ID: "fritz", Name: "fritz"})
			if err := f.s.SetLanguage(ctx, p.WorkspaceID+1000, p.ID, bot.German); err == nil {
				t.Fatal("SetLanguage in another workspace succeeded")
			}
		})
		t.Run("UnsupportedRefusedByTheDatabase", func(t *testing.T) {
			p := identify(bot.User{ID: "gus", Name: "gus"})
			if err := f.s.SetLanguage(ctx, f.ws, p.ID, "fr"); err == nil {
				t.Fatal("SetLanguage(fr) succeeded")
			}
		})
		t.Run("MentionedNewcomerAndTheirDM", func(t *testing.T) {
			ps, err := f.s.EnsurePeople(ctx, f.ws, []bot.User{{ID: "hanna", Name: "hanna", Lang: bot.German}})
			if err != nil {
				t.Fatal(err)
			}
			if ps[0].PlatformLanguage != bot.German {
				t.Fatalf("mentioned newcomer = %+v; want German", ps[0])
			}
			res, err := f.s.Assign(ctx, storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID, GuideID: f.guide.ID,
				PersonIDs: []int64{ps[0].ID}})
			if err != nil || res.Assigned != 1 {
				t.Fatalf("Assign = %+v, %v", res, err)
			}
			vs, _, err := f.s.AssignmentsOf(ctx, f.ws, ps[0].ID, 1)
			if err != nil || len(vs) != 1 {
				t.Fatalf("AssignmentsOf = %+v, %v", vs, err)
			}
			if v, err := f.s.AssignmentByID(ctx, vs[0].ID); err != nil || v.PersonLang != bot.German {
				t.Fatalf("assignment view = %+v, %v; want the learner's German", v, err)
			}
		})
	})
}

// TestPlatformNamesCleaned: a display name or workspace name from the
// platform with NUL, other control characters or invalid UTF-8 is kept
// without them, on both databases (PostgreSQL refused the user's every
// command; SQLite stored the bytes).
func TestPlatformNamesCleaned(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := storage.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		p, err := s.Identify(ctx, storage.Identity{Platform: "slack", Workspace: "T1", WorkspaceName: "Acme\x00",
			User: bot.User{ID: "U1", Name: "Ann\x00a\a \xffD\u202E"}})
		if err != nil {
			t.Fatalf("Identify: %v", err)
		}
		if p.Name != "Anna D" {
			t.Errorf("name %q; want %q", p.Name, "Anna D")
		}
		people, err := s.EnsurePeople(ctx, p.WorkspaceID, []bot.User{{ID: "U2", Name: "B\x1b[31men"}})
		if err != nil {
			t.Fatalf("EnsurePeople: %v", err)
		}
		if len(people) != 1 || people[0].Name != "B[31men" {
			t.Errorf("people %+v; want B[31men", people)
		}
	})
}

// TestEnsurePeopleFollowsThePlatform: people named in a command (mentions,
// members of a platform group) take the platform language and time zone the
// platform gives now, as Identify does for the caller; what it does not give
// changes nothing, and neither the language a person chose nor their
// display name is overwritten.
func TestEnsurePeopleFollowsThePlatform(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		ensure := func(users ...bot.User) map[string]storage.Person {
			t.Helper()
			ps, err := f.s.EnsurePeople(ctx, f.ws, users)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]storage.Person{}
			for _, p := range ps {
				stored, err := f.s.PersonByChatID(ctx, f.ws, *p.ChatID)
				if err != nil {
					t.Fatal(err)
				}
				if stored.PlatformLanguage != p.PlatformLanguage || stored.TimeZone != p.TimeZone {
					t.Fatalf("returned %+v; stored %+v", p, stored)
				}
				out[*p.ChatID] = *stored
			}
			return out
		}
		ida := ensure(bot.User{ID: "ida", Name: "ida", Lang: bot.English, TZ: "Europe/Berlin"})["ida"]
		if err := f.s.SetLanguage(ctx, f.ws, ida.ID, bot.English); err != nil {
			t.Fatal(err)
		}
		ensure(bot.User{ID: "jan", Name: "jan"})

		t.Run("ChangesTaken", func(t *testing.T) {
			got := ensure(bot.User{ID: "ida", Name: "<@ida>", Lang: bot.German, TZ: "Asia/Tokyo"})["ida"]
			if got.PlatformLanguage != bot.German || got.TimeZone != "Asia/Tokyo" {
				t.Fatalf("ida = %+v; want the platform's German and Tokyo", got)
			}
			if got.Language != bot.English || got.Lang(bot.German) != bot.English {
				t.Fatalf("ida = %+v; want the English she chose kept", got)
			}
			if got.Name != "ida" {
				t.Fatalf("ida's name = %q; want it kept", got.Name)
			}
		})
		t.Run("NothingGivenNothingChanged", func(t *testing.T) {
			got := ensure(bot.User{ID: "ida", Name: "ida", TZ: "Not/AZone"})["ida"]
			if got.PlatformLanguage != bot.German || got.TimeZone != "Asia/Tokyo" {
				t.Fatalf("ida = %+v; want German and Tokyo kept", got)
			}
		})
		t.Run("SeveralAlongsideANewcomer", func(t *testing.T) {
			got := ensure(bot.User{ID: "jan", TZ: "America/New_York"}, bot.User{ID: "kai", Lang: bot.German, TZ: "Europe/Vienna"},
				bot.User{ID: "ida", Lang: bot.English})
			if got["jan"].TimeZone != "America/New_York" || got["jan"].PlatformLanguage != "" {
				t.Errorf("jan = %+v; want New York", got["jan"])
			}
			if got["kai"].TimeZone != "Europe/Vienna" || got["kai"].PlatformLanguage != bot.German {
				t.Errorf("kai = %+v; want a German newcomer in Vienna", got["kai"])
			}
			if got["ida"].TimeZone != "Asia/Tokyo" || got["ida"].PlatformLanguage != bot.English {
				t.Errorf("ida = %+v; want English in Tokyo", got["ida"])
			}
		})
		t.Run("AssignTakesThemToo", func(t *testing.T) {
			res, err := f.s.Assign(ctx, storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID, GuideID: f.guide.ID,
				Users: []bot.User{{ID: "jan", TZ: "Australia/Sydney"}}})
			if err != nil || res.Assigned != 1 {
				t.Fatalf("Assign = %+v, %v", res, err)
			}
			if p, err := f.s.PersonByChatID(ctx, f.ws, "jan"); err != nil || p.TimeZone != "Australia/Sydney" {
				t.Fatalf("jan = %+v, %v; want Sydney", p, err)
			}
		})
	})
}

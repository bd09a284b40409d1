package storage_test

import (
	"context"
	"testing"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// TestLanguage follows a person's language: the platform's as last seen,
// their own choice over it, auto again, and the learner's language on the
// assignment a DM is composed from.
func TestLanguage(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := open(t, url)
		identify := func(u model.User) *storage.Person {
			t.Helper()
			p, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console", User: u})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}

		t.Run("UnknownFallsBackToDefault", func(t *testing.T) {
			p := identify(model.User{ID: "uwe", Name: "uwe"})
			if p.Language != "" || p.PlatformLanguage != "" || p.Lang(catalog.Lang("de")) != catalog.Lang("de") || p.Lang("") != "" {
				t.Fatalf("person = %+v, Lang(de) = %q", p, p.Lang(catalog.Lang("de")))
			}
		})
		t.Run("PlatformLanguageKept", func(t *testing.T) {
			identify(model.User{ID: "dora", Name: "dora", Lang: catalog.Lang("de")})
			p := identify(model.User{ID: "dora", Name: "dora"}) // a later request without a locale
			if p.PlatformLanguage != catalog.Lang("de") || p.Lang(catalog.English) != catalog.Lang("de") {
				t.Fatalf("person = %+v; want the German platform language kept", p)
			}
			p = identify(model.User{ID: "dora", Name: "dora", Lang: catalog.English})
			if p.PlatformLanguage != catalog.English {
				t.Fatalf("person = %+v; want the platform's change followed", p)
			}
		})
		t.Run("ChoiceOverPlatform", func(t *testing.T) {
			p := identify(model.User{ID: "emil", Name: "emil", Lang: catalog.English})
			if err := f.s.SetLanguage(ctx, f.ws, p.ID, catalog.Lang("de")); err != nil {
				t.Fatal(err)
			}
			p = identify(model.User{ID: "emil", Name: "emil", Lang: catalog.English})
			if p.Language != catalog.Lang("de") || p.Lang(catalog.English) != catalog.Lang("de") {
				t.Fatalf("person = %+v; want German, chosen", p)
			}
			if err := f.s.SetLanguage(ctx, f.ws, p.ID, ""); err != nil {
				t.Fatal(err)
			}
			if p = identify(model.User{ID: "emil", Name: "emil"}); p.Language != "" || p.Lang(catalog.Lang("de")) != catalog.English {
				t.Fatalf("person = %+v; want auto: the platform's English", p)
			}
		})
		t.Run("RefusedOutsideItsWorkspace", func(t *testing.T) {
			p := identify(model.User{ID: "fritz", Name: "fritz"})
			if err := f.s.SetLanguage(ctx, p.WorkspaceID+1000, p.ID, catalog.Lang("de")); err == nil {
				t.Fatal("SetLanguage in another workspace succeeded")
			}
		})
		t.Run("AnyTagKeptWithoutASchemaChange", func(t *testing.T) {
			p := identify(model.User{ID: "gus", Name: "gus", Lang: "pt-br"})
			if err := f.s.SetLanguage(ctx, f.ws, p.ID, "fr"); err != nil {
				t.Fatal(err)
			}
			if p = identify(model.User{ID: "gus", Name: "gus", Lang: "pt-br"}); p.Language != "fr" || p.PlatformLanguage != "pt-br" {
				t.Fatalf("person = %+v; want fr chosen, pt-br the platform's", p)
			}
		})
		t.Run("NoTagRefusedByTheDatabase", func(t *testing.T) {
			p := identify(model.User{ID: "hugo", Name: "hugo"})
			if err := f.s.SetLanguage(ctx, f.ws, p.ID, "x"); err == nil {
				t.Fatal("SetLanguage(x) succeeded")
			}
		})
		t.Run("MentionedNewcomerAndTheirDM", func(t *testing.T) {
			ps, err := f.s.EnsurePeople(ctx, f.ws, []model.User{{ID: "hanna", Name: "hanna", Lang: catalog.Lang("de")}})
			if err != nil {
				t.Fatal(err)
			}
			if ps[0].PlatformLanguage != catalog.Lang("de") {
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
			if v, err := f.s.AssignmentByID(ctx, vs[0].ID); err != nil || v.PersonLang != catalog.Lang("de") {
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
			User: model.User{ID: "U1", Name: "Ann\x00a\a \xffD\u202E"}})
		if err != nil {
			t.Fatalf("Identify: %v", err)
		}
		if p.Name != "Anna D" {
			t.Errorf("name %q; want %q", p.Name, "Anna D")
		}
		people, err := s.EnsurePeople(ctx, p.WorkspaceID, []model.User{{ID: "U2", Name: "B\x1b[31men"}})
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
		ensure := func(users ...model.User) map[string]storage.Person {
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
		ida := ensure(model.User{ID: "ida", Name: "ida", Lang: catalog.English, TZ: "Europe/Berlin"})["ida"]
		if err := f.s.SetLanguage(ctx, f.ws, ida.ID, catalog.English); err != nil {
			t.Fatal(err)
		}
		ensure(model.User{ID: "jan", Name: "jan"})

		t.Run("ChangesTaken", func(t *testing.T) {
			got := ensure(model.User{ID: "ida", Name: "<@ida>", Lang: catalog.Lang("de"), TZ: "Asia/Tokyo"})["ida"]
			if got.PlatformLanguage != catalog.Lang("de") || got.TimeZone != "Asia/Tokyo" {
				t.Fatalf("ida = %+v; want the platform's German and Tokyo", got)
			}
			if got.Language != catalog.English || got.Lang(catalog.Lang("de")) != catalog.English {
				t.Fatalf("ida = %+v; want the English she chose kept", got)
			}
			if got.Name != "ida" {
				t.Fatalf("ida's name = %q; want it kept", got.Name)
			}
		})
		t.Run("NothingGivenNothingChanged", func(t *testing.T) {
			got := ensure(model.User{ID: "ida", Name: "ida", TZ: "Not/AZone"})["ida"]
			if got.PlatformLanguage != catalog.Lang("de") || got.TimeZone != "Asia/Tokyo" {
				t.Fatalf("ida = %+v; want German and Tokyo kept", got)
			}
		})
		t.Run("SeveralAlongsideANewcomer", func(t *testing.T) {
			got := ensure(model.User{ID: "jan", TZ: "America/New_York"}, model.User{ID: "kai", Lang: catalog.Lang("de"), TZ: "Europe/Vienna"},
				model.User{ID: "ida", Lang: catalog.English})
			if got["jan"].TimeZone != "America/New_York" || got["jan"].PlatformLanguage != "" {
				t.Errorf("jan = %+v; want New York", got["jan"])
			}
			if got["kai"].TimeZone != "Europe/Vienna" || got["kai"].PlatformLanguage != catalog.Lang("de") {
				t.Errorf("kai = %+v; want a German newcomer in Vienna", got["kai"])
			}
			if got["ida"].TimeZone != "Asia/Tokyo" || got["ida"].PlatformLanguage != catalog.English {
				t.Errorf("ida = %+v; want English in Tokyo", got["ida"])
			}
		})
		t.Run("AssignTakesThemToo", func(t *testing.T) {
			res, err := f.s.Assign(ctx, storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID, GuideID: f.guide.ID,
				Users: []model.User{{ID: "jan", TZ: "Australia/Sydney"}}})
			if err != nil || res.Assigned != 1 {
				t.Fatalf("Assign = %+v, %v", res, err)
			}
			if p, err := f.s.PersonByChatID(ctx, f.ws, "jan"); err != nil || p.TimeZone != "Australia/Sydney" {
				t.Fatalf("jan = %+v, %v; want Sydney", p, err)
			}
		})
	})
}

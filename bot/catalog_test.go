package bot_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
	// Every package with a messages.go, so that its definitions are in the
	// catalogue under test (TestCataloguesSeeEveryPackage keeps this list whole).
	_ "github.com/learnbot/learnbot/bot/console"
	_ "github.com/learnbot/learnbot/bot/discord"
	_ "github.com/learnbot/learnbot/bot/slack"
	_ "github.com/learnbot/learnbot/calendar"
	_ "github.com/learnbot/learnbot/handlers"
	_ "github.com/learnbot/learnbot/mail"
	_ "github.com/learnbot/learnbot/queue"
	_ "github.com/learnbot/learnbot/web"
)

const module = "github.com/learnbot/learnbot"

// TestCatalogues holds English (the Go definitions) and German (locales/de.toml)
// to the same messages, placeholders and plural forms, and renders each one.
func TestCatalogues(t *testing.T) {
	english := map[string]*i18n.Message{}
	for _, m := range bot.Defined() {
		english[m.ID] = m
	}
	file, err := i18n.ParseMessageFileBytes(bot.GermanCatalogue(), "de.toml", map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		t.Fatalf("German catalogue: %v", err)
	}
	german := map[string]*i18n.Message{}
	for _, m := range file.Messages {
		german[m.ID] = m
	}
	if len(english) == 0 {
		t.Fatal("no English messages defined")
	}

	t.Run("MissingInGerman", func(t *testing.T) {
		for id := range english {
			if german[id] == nil {
				t.Errorf("%s: no German in bot/locales/de.toml", id)
			}
		}
	})
	t.Run("MissingInEnglish", func(t *testing.T) {
		for id := range german {
			if english[id] == nil {
				t.Errorf("%s: German only; no English definition (a Define in some messages.go)", id)
			}
		}
	})
	t.Run("SamePlaceholders", func(t *testing.T) {
		for id, en := range english {
			de := german[id]
			if de == nil {
				continue
			}
			pe, pd := placeholders(t, en), placeholders(t, de)
			if !reflect.DeepEqual(pe, pd) {
				t.Errorf("%s: English has placeholders %v, German %v", id, pe, pd)
			}
		}
	})
	t.Run("SamePluralForms", func(t *testing.T) {
		for id, en := range english {
			de := german[id]
			if de == nil {
				continue
			}
			if en.Other == "" || de.Other == "" {
				t.Errorf("%s: every message needs its Other form (en %q, de %q)", id, en.Other, de.Other)
			}
			if (en.One != "") != (de.One != "") {
				t.Errorf("%s: English and German disagree on a One form (en %q, de %q)", id, en.One, de.One)
			}
			if en.One != "" && !placeholders(t, en)["Count"] {
				t.Errorf("%s: a plural message must show {{.Count}}, which picks its form", id)
			}
		}
	})
	t.Run("Renders", func(t *testing.T) {
		for id, en := range english {
			vars := bot.Vars{}
			for p := range placeholders(t, en) {
				vars[p] = "X"
			}
			if _, ok := vars["Count"]; ok {
				vars["Count"] = 2
			}
			for _, l := range bot.Langs {
				got := l.Say(en, vars)
				if got == id || got == "" || strings.Contains(got, "<no value>") {
					t.Errorf("%s in %s renders as %q", id, l, got)
				}
				if l == bot.German && german[id] != nil && german[id].Other != en.Other && got == bot.English.Say(en, vars) {
					t.Errorf("%s in German renders the English %q", id, got)
				}
			}
		}
	})
}

// placeholders lists the fields ({{.Name}}) a message's forms use.
func placeholders(t *testing.T, m *i18n.Message) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		if src == "" {
			continue
		}
		tmpl, err := template.New(m.ID).Parse(src)
		if err != nil {
			t.Errorf("%s: %v", m.ID, err)
			continue
		}
		walk(tmpl.Root, found)
	}
	return found
}

func walk(n parse.Node, found map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walk(c, found)
			}
		}
	case *parse.ActionNode:
		walk(n.Pipe, found)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walk(c, found)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walk(a, found)
		}
	case *parse.FieldNode:
		found[n.Ident[0]] = true
	case *parse.IfNode:
		walk(n.Pipe, found)
		walk(n.List, found)
		walk(n.ElseList, found)
	case *parse.RangeNode:
		walk(n.Pipe, found)
		walk(n.List, found)
		walk(n.ElseList, found)
	case *parse.WithNode:
		walk(n.Pipe, found)
		walk(n.List, found)
		walk(n.ElseList, found)
	}
}

// TestCataloguesSeeEveryPackage fails when a package declares messages that
// TestCatalogues does not import (and so would not check).
func TestCataloguesSeeEveryPackage(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "catalog_test.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	imported := map[string]bool{module + "/bot": true}
	for _, imp := range f.Imports {
		imported[strings.Trim(imp.Path.Value, `"`)] = true
	}
	var missing []string
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "messages.go" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(src), "Define(") {
			return err
		}
		pkg := module + "/" + filepath.ToSlash(filepath.Dir(filepath.Clean(strings.TrimPrefix(path, "../"))))
		if !imported[pkg] {
			missing = append(missing, pkg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("catalog_test.go does not import %v; add them as blank imports", missing)
	}
}

func TestLang(t *testing.T) {
	t.Run("ParseLang", func(t *testing.T) {
		for in, want := range map[string]bot.Lang{"de": bot.German, "de-DE": bot.German, "de_AT": bot.German, "DE": bot.German, "en-US": bot.English, "en": bot.English} {
			if got, ok := bot.ParseLang(in); !ok || got != want {
				t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, ok, want)
			}
		}
		for _, in := range []string{"", "fr", "auto", "deutsch", "d"} {
			if got, ok := bot.ParseLang(in); ok {
				t.Errorf("ParseLang(%q) = %q; want none", in, got)
			}
		}
	})
	t.Run("AcceptLanguage", func(t *testing.T) {
		for in, want := range map[string]bot.Lang{"de-DE,de;q=0.9,en;q=0.8": bot.German, "fr-FR, en;q=0.5, de;q=0.4": bot.English, "en;q=0.1, de-CH": bot.German} {
			if got, ok := bot.AcceptLanguage(in); !ok || got != want {
				t.Errorf("AcceptLanguage(%q) = %q, %v; want %q", in, got, ok, want)
			}
		}
		if got, ok := bot.AcceptLanguage("fr, it"); ok {
			t.Errorf("AcceptLanguage(fr, it) = %q; want none", got)
		}
	})
	t.Run("Translate", func(t *testing.T) {
		for _, c := range []struct{ in, want string }{
			{"not on chat yet", "noch nicht im Chat"},
			{"the Slack user is a bot (cannot_dm_bot)", "die Slack-Person ist ein Bot (cannot_dm_bot)"},
			{"550 5.1.1 no such user", "550 5.1.1 no such user"},
			{"Done.", "Erledigt."},
		} {
			if got := bot.German.Translate(c.in); got != c.want {
				t.Errorf("Translate(%q) = %q, want %q", c.in, got, c.want)
			}
		}
		if got := bot.English.Translate("not on chat yet"); got != "not on chat yet" {
			t.Errorf("English Translate = %q", got)
		}
	})
	t.Run("Dates", func(t *testing.T) {
		day := time.Date(2026, 12, 24, 23, 5, 0, 0, time.UTC)
		for _, c := range []struct{ got, want string }{
			{bot.English.Date(day), "December 24, 2026"},
			{bot.German.Date(day), "24. Dezember 2026"},
			{bot.Lang("").Date(day), "December 24, 2026"},
			{bot.English.DateTime(day), "Thursday, December 24, 2026 at 23:05 UTC"},
			{bot.German.DateTime(day), "Donnerstag, 24. Dezember 2026 um 23:05 UTC"},
			{bot.English.Day(day, false), "Thursday, December 24"},
			{bot.German.Day(day, false), "Donnerstag, 24. Dezember"},
			{bot.English.Day(day, true), "Thursday, December 24, 2026"},
			{bot.German.Day(day, true), "Donnerstag, 24. Dezember 2026"},
			{bot.German.Date(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)), "1. März 2027"},
			{bot.English.DateTime(time.Date(2030, 3, 14, 10, 30, 0, 0, time.FixedZone("CET", 3600))), "Thursday, March 14, 2030 at 09:30 UTC"},
		} {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		}
	})
}

func TestRouterSpeaksGerman(t *testing.T) {
	r := router(t)
	handle := func(role bot.Role, line string) string {
		return r.Handle(t.Context(), &bot.Request{Actor: bot.User{ID: string(role)}, Args: bot.Words(line), Lang: bot.German}).Text
	}
	for _, c := range []struct{ name, line, want string }{
		{"UnknownCommand", "nope", `Unbekannter Befehl "nope". Mit /help siehst du alle Befehle.`},
		{"Forbidden", "role x guide", "Dafür brauchst du die Rolle admin; deine Rolle ist guide."},
		{"UsageAppended", "usage", "Missing x.\nAufruf: /usage <x>"},
		{"InternalErrorHidden", "fail", "Bei uns ist etwas schiefgegangen"},
	} {
		t.Run(c.name, func(t *testing.T) {
			role := bot.RoleGuide
			if c.name != "Forbidden" {
				role = bot.RoleLearner
			}
			if got := handle(role, c.line); !strings.Contains(got, c.want) {
				t.Fatalf("%q = %q; want %q", c.line, got, c.want)
			}
		})
	}
	help := r.Help(&bot.Request{Caller: bot.Caller{Role: bot.RoleAdmin}, Lang: bot.German}, "role")
	if !strings.Contains(help, "z. B. /role @a guide") || !strings.Contains(help, "(nur für Admins)") {
		t.Fatalf("German help = %q", help)
	}
}

// BenchmarkSay: a message with placeholders and a plural (MoreNotShown), and
// a date (a template around a plain month name, which is cached).
func BenchmarkSay(b *testing.B) {
	day := time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)
	b.Run("Plural", func(b *testing.B) {
		for range b.N {
			bot.German.MoreNotShown(3)
		}
	})
	b.Run("Date", func(b *testing.B) {
		for range b.N {
			bot.German.Date(day)
		}
	})
}

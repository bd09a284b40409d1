package catalog_test

import (
	"reflect"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/catalog"
)

// TestCatalogues holds every registered language's catalogue to English:
// the same messages, placeholders and plural forms, each one rendering.
func TestCatalogues(t *testing.T) {
	english := map[string]*i18n.Message{}
	for _, m := range catalog.Messages() {
		english[m.ID] = m
	}
	if len(english) == 0 {
		t.Fatal("no English messages")
	}
	if len(catalog.Languages()) < 3 {
		t.Fatalf("registered %v; want English, German and French at least", catalog.Tags())
	}
	for _, lang := range catalog.Languages()[1:] {
		l := lang.Tag
		t.Run(string(l), func(t *testing.T) {
			file, err := i18n.ParseMessageFileBytes(catalog.File(l), string(l)+".toml", map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
			if err != nil {
				t.Fatalf("catalogue: %v", err)
			}
			theirs := map[string]*i18n.Message{}
			for _, m := range file.Messages {
				theirs[m.ID] = m
			}
			checkCatalogue(t, l, english, theirs)
		})
	}
}

func checkCatalogue(t *testing.T, l catalog.Lang, english, theirs map[string]*i18n.Message) {
	t.Run("Missing", func(t *testing.T) {
		for id := range english {
			if theirs[id] == nil {
				t.Errorf("%s: not in catalog/locales/%s.toml", id, l)
			}
		}
	})
	t.Run("NotInEnglish", func(t *testing.T) {
		for id := range theirs {
			if english[id] == nil {
				t.Errorf("%s: in %s.toml, not in en.toml", id, l)
			}
		}
	})
	t.Run("SamePlaceholders", func(t *testing.T) {
		for id, en := range english {
			m := theirs[id]
			if m == nil {
				continue
			}
			pe, pm := placeholders(t, en), placeholders(t, m)
			if !reflect.DeepEqual(pe, pm) {
				t.Errorf("%s: English has placeholders %v, %s %v", id, pe, l, pm)
			}
		}
	})
	t.Run("SamePluralForms", func(t *testing.T) {
		for id, en := range english {
			m := theirs[id]
			if m == nil {
				continue
			}
			if en.Other == "" || m.Other == "" {
				t.Errorf("%s: every message needs its Other form (en %q, %s %q)", id, en.Other, l, m.Other)
			}
			if (en.One != "") != (m.One != "") {
				t.Errorf("%s: English and %s disagree on a One form (en %q, %q)", id, l, en.One, m.One)
			}
			if en.One != "" && !placeholders(t, en)["Count"] {
				t.Errorf("%s: a plural message must show {{.Count}}, which picks its form", id)
			}
		}
	})
	t.Run("Renders", func(t *testing.T) {
		for id, en := range english {
			vars := catalog.Vars{}
			for p := range placeholders(t, en) {
				vars[p] = "X"
			}
			if _, ok := vars["Count"]; ok {
				vars["Count"] = 2
			}
			got := l.Say(en, vars)
			if got == id || got == "" || strings.Contains(got, "<no value>") {
				t.Errorf("%s in %s renders as %q", id, l, got)
			}
			if m := theirs[id]; m != nil && m.Other != en.Other && got == catalog.English.Say(en, vars) {
				t.Errorf("%s in %s renders the English %q", id, l, got)
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

const (
	german = catalog.Lang("de")
	french = catalog.Lang("fr")
)

func TestLang(t *testing.T) {
	t.Run("ParseLang", func(t *testing.T) {
		for in, want := range map[string]catalog.Lang{"de": german, "de-DE": german, "de_AT": german, "DE": german, "en-US": catalog.English, "en": catalog.English, "fr-CA": french, "fr": french} {
			if got, ok := catalog.ParseLang(in); !ok || got != want {
				t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, ok, want)
			}
		}
		for _, in := range []string{"", "it", "auto", "deutsch", "d"} {
			if got, ok := catalog.ParseLang(in); ok {
				t.Errorf("ParseLang(%q) = %q; want none", in, got)
			}
		}
	})
	t.Run("AcceptLanguage", func(t *testing.T) {
		for in, want := range map[string]catalog.Lang{"de-DE,de;q=0.9,en;q=0.8": german, "it-IT, en;q=0.5, de;q=0.4": catalog.English, "fr-CH, de;q=0.9": french, "en;q=0.1, de-CH": german} {
			if got, ok := catalog.AcceptLanguage(in); !ok || got != want {
				t.Errorf("AcceptLanguage(%q) = %q, %v; want %q", in, got, ok, want)
			}
		}
		if got, ok := catalog.AcceptLanguage("it, es"); ok {
			t.Errorf("AcceptLanguage(it, es) = %q; want none", got)
		}
	})
	t.Run("Dates", func(t *testing.T) {
		day := time.Date(2026, 12, 24, 23, 5, 0, 0, time.UTC)
		for _, c := range []struct{ got, want string }{
			{catalog.English.Date(day), "December 24, 2026"},
			{german.Date(day), "24. Dezember 2026"},
			{catalog.Lang("").Date(day), "December 24, 2026"},
			{catalog.English.DateTime(day), "Thursday, December 24, 2026 at 23:05 UTC"},
			{german.DateTime(day), "Donnerstag, 24. Dezember 2026 um 23:05 UTC"},
			{catalog.English.Day(day, false), "Thursday, December 24"},
			{german.Day(day, false), "Donnerstag, 24. Dezember"},
			{catalog.English.Day(day, true), "Thursday, December 24, 2026"},
			{german.Day(day, true), "Donnerstag, 24. Dezember 2026"},
			{german.Date(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)), "1. März 2027"},
			{french.Date(day), "24 décembre 2026"},
			{french.Day(day, false), "jeudi 24 décembre"},
			{french.DateTime(day), "jeudi 24 décembre 2026 à 23:05 UTC"},
			{catalog.English.DateTime(time.Date(2030, 3, 14, 10, 30, 0, 0, time.FixedZone("CET", 3600))), "Thursday, March 14, 2030 at 09:30 UTC"},
		} {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		}
	})
}

// BenchmarkSay: a message with placeholders and a plural (MoreNotShown), and
// a date (a template around a plain month name, which is cached).
func BenchmarkSay(b *testing.B) {
	day := time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)
	b.Run("Plural", func(b *testing.B) {
		for range b.N {
			german.MoreNotShown(3)
		}
	})
	b.Run("Date", func(b *testing.B) {
		for range b.N {
			german.Date(day)
		}
	})
}

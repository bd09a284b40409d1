package catalog

import (
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestDatesAsTemplates holds Date, Day and DateTime to the catalogue's date
// formats rendered as go-i18n templates, as they were written before they
// were filled directly: every day of two years (each month, weekday and day
// of the month, one- and two-digit days) at two times, in every language.
func TestDatesAsTemplates(t *testing.T) {
	month := func(l Lang, t time.Time) string { return l.Say(msgMonths[t.Month()-1], nil) }
	weekday := func(l Lang, t time.Time) string { return l.Say(msgWeekdays[t.Weekday()], nil) }
	date := func(l Lang, t time.Time) string {
		return l.Say(msgDate, Vars{"Day": t.Day(), "Month": month(l, t), "Year": t.Year()})
	}
	for _, l := range append(Tags(), "", "fr") {
		for d := time.Date(2026, 1, 1, 7, 5, 0, 0, time.UTC); d.Year() < 2028; d = d.Add(24*time.Hour + 17*time.Hour) {
			want := []string{
				date(l, d),
				l.Say(msgDay, Vars{"Weekday": weekday(l, d), "Day": d.Day(), "Month": month(l, d)}),
				l.Say(msgDayYear, Vars{"Weekday": weekday(l, d), "Date": date(l, d)}),
				l.Say(msgDateTime, Vars{"Weekday": weekday(l, d), "Date": date(l, d), "Time": d.Format("15:04")}),
			}
			got := []string{l.Date(d), l.Day(d, false), l.Day(d, true), l.DateTime(d)}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%q %s: got %q, want %q", l, d, got[i], want[i])
				}
			}
		}
	}
}

// TestFillAsGoI18n holds Say's own filling of placeholders to go-i18n's
// rendering for every message of every package (catalog_test.go links them
// all in), in every language, with each plural count that picks a
// different form; and values fill leaves to go-i18n still render.
func TestFillAsGoI18n(t *testing.T) {
	msgs := Messages()
	filled := 0
	for _, l := range Tags() {
		for _, m := range msgs {
			names := map[string]bool{}
			for _, src := range []*i18n.Message{m, Translation(l, m.ID)} {
				if src == nil {
					continue
				}
				for _, text := range []string{src.One, src.Other} {
					parts, _ := splitPlaceholders(text)
					for _, p := range parts {
						if p.name != "" {
							names[p.name] = true
						}
					}
				}
			}
			if len(names) == 0 {
				continue // no placeholders: Say renders it once and keeps it
			}
			for _, count := range []int{0, 1, 2, 21} {
				if !names["Count"] && count > 0 {
					break
				}
				vars := Vars{}
				for name := range names {
					vars[name] = "«" + name + "»"
				}
				if names["Count"] {
					vars["Count"] = count
				}
				got, ok := l.fill(m, vars)
				if want := l.render(m, vars); ok && got != want {
					t.Errorf("%s %s %v: fill %q, go-i18n %q", l, m.ID, vars, got, want)
				}
				if ok {
					filled++
				}
			}
		}
	}
	if filled == 0 {
		t.Fatal("fill rendered no message")
	}
	t.Logf("%d renderings compared", filled)

	// Values fill does not write go to go-i18n, with the same result.
	m := &i18n.Message{ID: "bot.test.fill", One: "{{.Count}} item of {{.Who}}", Other: "{{.Count}} items of {{.Who}}"}
	for _, vars := range []Vars{
		{"Count": 1, "Who": struct{ R string }{"guide"}},
		{"Count": "1", "Who": "anna"},
		{"Count": -1, "Who": "anna"},
		{"Count": 2},
		{"Count": 2, "Who": nil},
	} {
		if got, want := English.Say(m, vars), English.render(m, vars); got != want {
			t.Errorf("%v: Say %q, go-i18n %q", vars, got, want)
		}
		if _, ok := English.fill(m, vars); ok {
			t.Errorf("%v: filled, want go-i18n", vars)
		}
	}
	if got := English.Say(m, Vars{"Count": 1, "Who": "anna"}); got != "1 item of anna" {
		t.Errorf("Say = %q", got)
	}
	for _, src := range []string{"{{if .A}}x{{end}}", "{{.A | printf}}", "{{ .A }}", "{{.A", "{{- .A}}"} {
		if _, ok := splitPlaceholders(src); ok {
			t.Errorf("splitPlaceholders(%q) ok, want go-i18n", src)
		}
	}
}

package bot

import (
	"testing"
	"time"
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
	for _, l := range append(Langs, "", "fr") {
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

package calendar

import (
	"errors"
	"testing"
	"time"

	"github.com/learnbot/learnbot/catalog"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseWhen(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	honolulu := mustZone(t, "Pacific/Honolulu")
	// 23:30 UTC on Nov 30: already Dec 1 in Berlin, still Nov 30 in Honolulu.
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		name string
		in   string
		loc  *time.Location
		want string
		err  error
	}{
		{"ISODate", "2026-12-24", time.UTC, "2026-12-24", nil},
		{"TodayUTC", "today", time.UTC, "2026-11-30", nil},
		{"TodayIsTheGuidesDate", "today", berlin, "2026-12-01", nil},
		{"TodayBehindUTC", "today", honolulu, "2026-11-30", nil},
		{"Tomorrow", "tomorrow", berlin, "2026-12-02", nil},
		{"UpperCase", "Tomorrow", time.UTC, "2026-12-01", nil},
		{"Days", "3d", time.UTC, "2026-12-03", nil},
		{"ZeroDays", "0d", time.UTC, "2026-11-30", nil},
		{"Weeks", "2w", time.UTC, "2026-12-14", nil},
		{"DaysAcrossMonth", "1d", berlin, "2026-12-02", nil},
		{"LeapDay", "2028-02-29", time.UTC, "2028-02-29", nil},
		{"YesterdayISO", "2026-11-29", time.UTC, "", ErrPast},
		{"TodayISOPastInBerlin", "2026-11-30", berlin, "", ErrPast},
		{"NoSuchDay", "2026-02-30", time.UTC, "", ErrBadWhen},
		{"Negative", "-1d", time.UTC, "", ErrBadWhen},
		{"Hours", "3h", time.UTC, "", ErrBadWhen},
		{"Word", "soon", time.UTC, "", ErrBadWhen},
		{"Empty", "", time.UTC, "", ErrBadWhen},
		{"OtherOrder", "24.12.2026", time.UTC, "", ErrBadWhen},
		{"FarFuture", "99999w", time.UTC, "", ErrBadWhen},
		{"FarISO", "9999-12-31", time.UTC, "", ErrBadWhen},
		{"UnitOnly", "d", time.UTC, "", ErrBadWhen},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseWhen(c.in, now, c.loc)
			if !errors.Is(err, c.err) {
				t.Fatalf("ParseWhen(%q) error = %v; want %v", c.in, err, c.err)
			}
			if got.String() != c.want {
				t.Fatalf("ParseWhen(%q) = %q; want %q", c.in, got, c.want)
			}
		})
	}
}

func TestParseLead(t *testing.T) {
	cases := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"2d", 2, true}, {"1w", 7, true}, {"48h", 2, true}, {"0d", 0, true},
		{"36h", 0, false}, {"-1d", 0, false}, {"2x", 0, false}, {"", 0, false}, {"1000d", 0, false},
	}
	for _, c := range cases {
		got, err := ParseLead(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseLead(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestReminderMoments(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	due, _ := Parse("2026-12-04")
	if got, want := BeforeAt(due, 2, berlin), time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("BeforeAt = %s; want %s (09:00 Berlin)", got.UTC(), want)
	}
	if got, want := OverdueAt(due, berlin), time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("OverdueAt = %s; want %s", got.UTC(), want)
	}
	// Across the spring change the local hour stays 09:00.
	summer, _ := Parse("2027-03-29")
	if got := BeforeAt(summer, 2, berlin).In(berlin); got.Hour() != 9 || got.Day() != 27 {
		t.Errorf("BeforeAt across DST = %s; want 09:00 on the 27th", got)
	}
	now := time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC)
	if !Overdue(due, now, berlin) {
		t.Error("Dec 5 in Berlin: Dec 4 must be overdue")
	}
	if Overdue(due, now, time.UTC) {
		t.Error("Dec 4 in UTC: not overdue yet")
	}
}

func TestDateScan(t *testing.T) {
	for _, src := range []any{"2026-12-04", []byte("2026-12-04"), time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "2026-12-04T00:00:00Z"} {
		var d Date
		if err := d.Scan(src); err != nil || d.String() != "2026-12-04" {
			t.Errorf("Scan(%#v) = %q, %v", src, d, err)
		}
	}
	var d Date
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v; want no date", d, err)
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Errorf("no date stored as %#v; want NULL", v)
	}
}

func TestDescribe(t *testing.T) {
	today, _ := Parse("2026-12-01") // a Tuesday
	cases := []struct {
		due    string
		en, de string
	}{
		{"2026-12-01", "due today", "heute fällig"},
		{"2026-12-02", "due tomorrow", "morgen fällig"},
		{"2026-12-04", "due Friday, December 4", "fällig am Freitag, 4. Dezember"},
		{"2028-01-10", "due Monday, January 10, 2028", "fällig am Montag, 10. Januar 2028"},
		{"2026-11-30", "1 day overdue", "1 Tag überfällig"},
		{"2026-11-28", "3 days overdue", "3 Tage überfällig"},
	}
	for _, c := range cases {
		due, _ := Parse(c.due)
		if got := Describe(catalog.English, due, today); got != c.en {
			t.Errorf("Describe(%s) = %q; want %q", c.due, got, c.en)
		}
		if got := Describe(catalog.Lang("de"), due, today); got != c.de {
			t.Errorf("German Describe(%s) = %q; want %q", c.due, got, c.de)
		}
	}
}

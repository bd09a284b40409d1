// Package calendar is learnbot's notion of due dates: a calendar date with
// no time of day or zone, the words a guide types for one ("2026-12-04",
// "tomorrow", "3d", "2w"), and the local moments reminders go out at.
package calendar

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/learnbot/learnbot/catalog"
)

// Date is a calendar date. The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// layout is how a Date is written: YYYY-MM-DD.
const layout = "2006-01-02"

// Of is the date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today is the date it is now in loc.
func Today(now time.Time, loc *time.Location) Date { return Of(now.In(loc)) }

// Parse reads a date written YYYY-MM-DD.
func Parse(s string) (Date, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: %q is not a date (YYYY-MM-DD)", s)
	}
	return Of(t), nil
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d == Date{} }

// String writes d as YYYY-MM-DD ("" for no date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// In is the midnight that starts d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// At is the moment hour:00 of d in loc (for a time skipped by a daylight
// saving change, the moment Go normalises it to).
func (d Date) At(hour int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, loc)
}

// AddDays is the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date {
	return Of(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Sub is the number of days from e to d (positive when d is later).
func (d Date) Sub(e Date) int {
	return int(d.In(time.UTC).Sub(e.In(time.UTC)).Hours() / 24)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Sub(e) < 0 }

// Weekday is d's day of the week.
func (d Date) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// Value stores d as text YYYY-MM-DD: a DATE on PostgreSQL, TEXT on SQLite;
// no date is NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE (lib/pq gives a time.Time at midnight UTC) or the text
// SQLite keeps; NULL is no date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Of(v.UTC())
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("calendar: cannot read a date from %T", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > len(layout) {
		s = s[:len(layout)] // "2026-12-04T00:00:00Z" from a DATE read as text
	}
	got, err := Parse(s)
	if err != nil {
		return err
	}
	*d = got
	return nil
}

// ErrPast is a due date before today.
var ErrPast = errors.New("calendar: the date is in the past")

// ErrBadWhen is a <when> that is none of the forms ParseWhen reads.
var ErrBadWhen = errors.New("calendar: not a date")

// maxAhead bounds how far ahead a due date may be, so that "99999w" is a
// clear error rather than a date in another millennium.
const maxAhead = 10 * 366

// ParseWhen reads a due date as a guide types it, relative to today in the
// guide's time zone (now in loc): YYYY-MM-DD, today, tomorrow, <n>d (days
// from today) or <n>w (weeks). A date before today is ErrPast; anything
// else unreadable is ErrBadWhen.
func ParseWhen(s string, now time.Time, loc *time.Location) (Date, error) {
	today := Today(now, loc)
	w := strings.ToLower(strings.TrimSpace(s))
	var d Date
	switch {
	case w == "today":
		d = today
	case w == "tomorrow":
		d = today.AddDays(1)
	case len(w) >= 2 && (w[len(w)-1] == 'd' || w[len(w)-1] == 'w') && allDigits(w[:len(w)-1]):
		n, err := strconv.Atoi(w[:len(w)-1])
		if err != nil {
			return Date{}, ErrBadWhen
		}
		if w[len(w)-1] == 'w' {
			n *= 7
		}
		if n > maxAhead {
			return Date{}, ErrBadWhen
		}
		d = today.AddDays(n)
	default:
		got, err := Parse(w)
		if err != nil {
			return Date{}, ErrBadWhen
		}
		d = got
	}
	if d.Before(today) {
		return Date{}, ErrPast
	}
	if d.Sub(today) > maxAhead {
		return Date{}, ErrBadWhen
	}
	return d, nil
}

func allDigits(s string) bool {
	if s == "" || len(s) > 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ParseLead reads LEARNBOT_REMIND_BEFORE: how many days before a due date
// the first reminder goes out. "0" turns reminders off; "2d", "1w" and Go
// durations in whole days ("48h") are read.
func ParseLead(s string) (int, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	if w == "0" {
		return 0, nil
	}
	if len(w) >= 2 && (w[len(w)-1] == 'd' || w[len(w)-1] == 'w') && allDigits(w[:len(w)-1]) {
		n, _ := strconv.Atoi(w[:len(w)-1])
		if w[len(w)-1] == 'w' {
			n *= 7
		}
		if n <= 366 {
			return n, nil
		}
	}
	if d, err := time.ParseDuration(w); err == nil && d >= 0 && d%(24*time.Hour) == 0 && d <= 366*24*time.Hour {
		return int(d / (24 * time.Hour)), nil
	}
	return 0, fmt.Errorf("calendar: %q is not a number of days such as 2d, 1w or 0", s)
}

// Location is the time zone named (an IANA name such as "Europe/Berlin",
// as Slack's users.info gives), or fallback when the name is empty or
// unknown.
func Location(name string, fallback *time.Location) *time.Location {
	if loc := load(name); loc != nil {
		return loc
	}
	return fallback
}

// ValidZone reports whether name is a time zone learnbot can use; the
// empty name is not one.
func ValidZone(name string) bool { return load(name) != nil }

// zones caches loaded time zones: time.LoadLocation reads and parses the
// zone file on every call, and every command of a Slack user names theirs.
var zones sync.Map // name -> *time.Location, or nil for an unknown name

func load(name string) *time.Location {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil
	}
	if v, ok := zones.Load(name); ok {
		loc, _ := v.(*time.Location)
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	zones.Store(name, loc)
	return loc
}

// ReminderHour is the local hour reminders go out at.
const ReminderHour = 9

// BeforeAt is the moment of the reminder lead days before a due date:
// ReminderHour on that day, local time.
func BeforeAt(due Date, lead int, loc *time.Location) time.Time {
	return due.AddDays(-lead).At(ReminderHour, loc)
}

// OverdueAt is the moment of the overdue reminder: ReminderHour on the day
// after the due date, local time.
func OverdueAt(due Date, loc *time.Location) time.Time {
	return due.AddDays(1).At(ReminderHour, loc)
}

// Overdue reports whether an open assignment due on due is overdue now for
// someone in loc: their local date is past it.
func Overdue(due Date, now time.Time, loc *time.Location) bool {
	return !due.IsZero() && due.Before(Today(now, loc))
}

// Describe says when an assignment is due, relative to the reader's today:
// "due today", "due tomorrow", "due Friday, December 4" (see DayOf), or
// "3 days overdue" once the date is past.
func Describe(l catalog.Lang, due, today Date) string {
	switch n := due.Sub(today); {
	case n < 0:
		return l.Say(msgOverdue, catalog.Vars{"Count": -n})
	case n == 0:
		return l.Say(msgDueToday, nil)
	case n == 1:
		return l.Say(msgDueTomorrow, nil)
	default:
		return l.Say(msgDueOn, catalog.Vars{"Day": DayOf(l, due, today)})
	}
}

// DayOf writes a due date with its weekday, as Describe does: "Friday,
// December 4"; the year is added when the date is more than 300 days
// away from today, either way.
func DayOf(l catalog.Lang, due, today Date) string {
	n := due.Sub(today)
	return l.Day(due.In(time.UTC), n < -300 || n > 300)
}

package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

func date(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// reminderRows reads the armed reminders: "kind due remind_at(UTC)" per
// assignment.
func reminderRows(t *testing.T, s *storage.Store) map[int64][]string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT assignment_id, kind, due_date, remind_at FROM reminders ORDER BY assignment_id, kind`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var kind string
		var due calendar.Date
		var at time.Time
		if err := rows.Scan(&id, &kind, &due, &at); err != nil {
			t.Fatal(err)
		}
		out[id] = append(out[id], kind+" "+due.String()+" "+at.UTC().Format("2006-01-02 15:04"))
	}
	return out
}

func queued(t *testing.T, s *storage.Store, kind string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM river_job WHERE kind = '` + kind + `'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// withQueue gives the store the real queue's outbox (no workers run).
func withQueue(t *testing.T, s *storage.Store) {
	t.Helper()
	if err := queue.Migrate(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if err := storage.GiveOutbox(s, queue.NewOutbox); err != nil {
		t.Fatal(err)
	}
}

func TestDueDates(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := open(t, url)
		withQueue(t, f.s)
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		f.s.SetClock(func() time.Time { return now })
		berlin, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console",
			User: model.User{ID: "anna", Name: "anna", TZ: "Europe/Berlin"}})
		if err != nil {
			t.Fatal(err)
		}
		if berlin.TimeZone != "Europe/Berlin" {
			t.Fatalf("time zone = %q; want the platform's", berlin.TimeZone)
		}
		ids := f.people(t, "ben", "cleo")
		ben, cleo := ids[0], ids[1]
		if _, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console",
			User: model.User{ID: "ben", TZ: "Not/AZone"}}); err != nil {
			t.Fatal(err)
		}

		t.Run("AssignArmsRemindersAtNineLocal", func(t *testing.T) {
			res, err := f.s.Assign(ctx, storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID, GuideID: f.guide.ID,
				PersonIDs: []int64{berlin.ID, ben}, Due: date(t, "2026-12-04")})
			if err != nil || res.Assigned != 2 {
				t.Fatalf("assign = %+v, %v", res, err)
			}
			got := reminderRows(t, f.s)
			if len(got) != 2 {
				t.Fatalf("reminders = %v; want two assignments armed", got)
			}
			for id, rs := range got {
				a, err := f.s.AssignmentByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if a.DueDate.String() != "2026-12-04" {
					t.Fatalf("due date = %q", a.DueDate)
				}
				want := []string{"before 2026-12-04 2026-12-02 09:00", "overdue 2026-12-04 2026-12-05 09:00"} // UTC
				if a.PersonID == berlin.ID {
					want = []string{"before 2026-12-04 2026-12-02 08:00", "overdue 2026-12-04 2026-12-05 08:00"}
				}
				if len(rs) != 2 || rs[0] != want[0] || rs[1] != want[1] {
					t.Fatalf("%s's reminders = %v; want %v", a.PersonName, rs, want)
				}
			}
			if n := queued(t, f.s, "reminder"); n != 0 {
				t.Fatalf("%d reminders queued; none is due yet", n)
			}
		})
		t.Run("DecisionKeepsTheDueDate", func(t *testing.T) {
			res, err := f.s.Assign(ctx, storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID, GuideID: f.guide.ID,
				PersonIDs: []int64{ben, cleo}, Due: date(t, "2026-12-10"), DecisionTTL: time.Hour})
			if err != nil || res.Decision == nil {
				t.Fatalf("assign = %+v, %v; want a decision", res, err)
			}
			r, err := f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: res.Decision.ID,
				PersonID: f.guide.ID, Resolution: storage.ResolutionOnlyNew})
			if err != nil || r.Assigned != 1 {
				t.Fatalf("only new = %+v, %v", r, err)
			}
			list, _, err := f.s.AssignmentsOf(ctx, f.ws, cleo, 10)
			if err != nil || len(list) != 1 || list[0].DueDate.String() != "2026-12-10" {
				t.Fatalf("cleo's assignments = %+v, %v; want due 2026-12-10", list, err)
			}
			if rs := reminderRows(t, f.s)[list[0].ID]; len(rs) != 2 {
				t.Fatalf("cleo's reminders = %v; want both armed", rs)
			}
		})
		t.Run("SetDueNamedTargets", func(t *testing.T) {
			dave := f.people(t, "dave")[0]
			res, err := f.s.SetDue(ctx, storage.SetDueParams{WorkspaceID: f.ws, TaskID: f.task.ID, Due: date(t, "2026-12-10"),
				PersonIDs: []int64{ben, cleo, dave}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Changed != 1 || res.Already != 1 || res.Missing != 1 || len(res.MissingNames) != 1 || res.MissingNames[0] != "dave" {
				t.Fatalf("set due = %+v; want ben changed, cleo already, dave holding none", res)
			}
			list, _, _ := f.s.AssignmentsOf(ctx, f.ws, ben, 10)
			if rs := reminderRows(t, f.s)[list[0].ID]; len(rs) != 2 || rs[0] != "before 2026-12-10 2026-12-08 09:00" {
				t.Fatalf("ben's reminders = %v; want re-armed for Dec 10", rs)
			}
		})
		t.Run("LateMomentQueuedAtOnce", func(t *testing.T) {
			// Due tomorrow: two days before was yesterday, so the reminder
			// goes out now, in the transaction that set the date.
			res, err := f.s.SetDue(ctx, storage.SetDueParams{WorkspaceID: f.ws, TaskID: f.task.ID, Due: date(t, "2026-12-01"),
				PersonIDs: []int64{ben}})
			if err != nil || res.Changed != 1 {
				t.Fatalf("set due = %+v, %v", res, err)
			}
			if n := queued(t, f.s, "reminder"); n != 1 {
				t.Fatalf("%d reminders queued; want ben's at once", n)
			}
			list, _, _ := f.s.AssignmentsOf(ctx, f.ws, ben, 10)
			if rs := reminderRows(t, f.s)[list[0].ID]; len(rs) != 1 || rs[0] != "overdue 2026-12-01 2026-12-02 09:00" {
				t.Fatalf("ben's reminders = %v; want only the overdue one left", rs)
			}
		})
		t.Run("TimeZoneLearnedLaterMovesReminders", func(t *testing.T) {
			// cleo (no time zone yet: 09:00 UTC) turns out to be in Tokyo.
			list, _, _ := f.s.AssignmentsOf(ctx, f.ws, cleo, 10)
			if rs := reminderRows(t, f.s)[list[0].ID]; len(rs) != 2 || rs[0] != "before 2026-12-10 2026-12-08 09:00" {
				t.Fatalf("cleo's reminders = %v", rs)
			}
			if _, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console",
				User: model.User{ID: "cleo", TZ: "Asia/Tokyo"}}); err != nil {
				t.Fatal(err)
			}
			rs := reminderRows(t, f.s)[list[0].ID]
			if len(rs) != 2 || rs[0] != "before 2026-12-10 2026-12-08 00:00" || rs[1] != "overdue 2026-12-10 2026-12-11 00:00" {
				t.Fatalf("cleo's reminders = %v; want 09:00 Tokyo (00:00 UTC)", rs)
			}
		})
		t.Run("MentionedInANewZoneMovesReminders", func(t *testing.T) {
			// cleo moved to Berlin; she is only named (a mention, not a command of hers).
			people, err := f.s.EnsurePeople(ctx, f.ws, []model.User{{ID: "cleo", TZ: "Europe/Berlin"}, {ID: "ben"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range people {
				if want := map[string]string{"cleo": "Europe/Berlin", "ben": ""}[*p.ChatID]; p.TimeZone != want {
					t.Errorf("%s's time zone = %q; want %q", *p.ChatID, p.TimeZone, want)
				}
			}
			list, _, _ := f.s.AssignmentsOf(ctx, f.ws, cleo, 10)
			rs := reminderRows(t, f.s)[list[0].ID]
			if len(rs) != 2 || rs[0] != "before 2026-12-10 2026-12-08 08:00" || rs[1] != "overdue 2026-12-10 2026-12-11 08:00" {
				t.Fatalf("cleo's reminders = %v; want 09:00 Berlin (08:00 UTC)", rs)
			}
			again, err := f.s.PersonByChat(ctx, "console", "console", "cleo")
			if err != nil || again.TimeZone != "Europe/Berlin" {
				t.Fatalf("cleo stored = %+v, %v; want Berlin kept", again, err)
			}
		})
		t.Run("ClearAllHolders", func(t *testing.T) {
			res, err := f.s.SetDue(ctx, storage.SetDueParams{WorkspaceID: f.ws, TaskID: f.task.ID, All: true})
			if err != nil || res.Changed != 3 {
				t.Fatalf("clear = %+v, %v; want three open assignments cleared", res, err)
			}
			if got := reminderRows(t, f.s); len(got) != 0 {
				t.Fatalf("reminders = %v; clearing the date must disarm them", got)
			}
		})
		t.Run("NewAssignmentDueTomorrowNoReminderAtOnce", func(t *testing.T) {
			// Its DM names the date: the reminder two days before, whose
			// moment has passed, is not sent beside it.
			erin := f.people(t, "erin")[0]
			before := queued(t, f.s, "reminder")
			res, err := f.s.Assign(ctx, storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID, GuideID: f.guide.ID,
				PersonIDs: []int64{erin}, Due: date(t, "2026-12-01")})
			if err != nil || res.Assigned != 1 {
				t.Fatalf("assign = %+v, %v", res, err)
			}
			if n := queued(t, f.s, "reminder") - before; n != 0 {
				t.Fatalf("%d reminders queued with the new assignment; want none (its DM says when it is due)", n)
			}
			list, _, _ := f.s.AssignmentsOf(ctx, f.ws, erin, 10)
			if rs := reminderRows(t, f.s)[list[0].ID]; len(rs) != 1 || rs[0] != "overdue 2026-12-01 2026-12-02 09:00" {
				t.Fatalf("erin's reminders = %v; want only the overdue one", rs)
			}
		})
	})
}

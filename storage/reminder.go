package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/learnbot/learnbot/calendar"
)

// Reminder kinds: before the due date, and the day after it if still open.
const (
	ReminderBefore  = "before"
	ReminderOverdue = "overdue"
)

// ReminderPolicy says when reminders go out: Lead days before the due date
// (0: no reminders at all) and the day after it, at calendar.ReminderHour
// in the learner's time zone, or Zone when the platform gave none.
type ReminderPolicy struct {
	Zone *time.Location // LEARNBOT_TIMEZONE
	Lead int            // LEARNBOT_REMIND_BEFORE in days
	// EscalateAfter is LEARNBOT_ESCALATE_AFTER in days: an assignment still
	// open this long after its due date is reported to its guide; 0: never.
	EscalateAfter int
}

// SetReminderPolicy sets LEARNBOT_TIMEZONE and LEARNBOT_REMIND_BEFORE.
func (s *Store) SetReminderPolicy(p ReminderPolicy) {
	if p.Zone == nil {
		p.Zone = time.UTC
	}
	s.reminders = p
}

// ReminderPolicy is the store's reminder policy.
func (s *Store) ReminderPolicy() ReminderPolicy { return s.reminders }

// Reminder is a reminder DM whose moment has come.
type Reminder struct {
	AssignmentID int64         `db:"assignment_id"`
	Kind         string        `db:"kind"`
	Due          calendar.Date `db:"due_date"`
}

// armReminders sets (or moves) the reminders of these assignments, which
// are due on due, to their moments in each learner's time zone, and queues
// at once those whose moment has passed already. For fresh assignments
// (their DM, which names the due date, goes out now) a reminder before the
// date whose moment has passed is dropped: "due tomorrow" is one DM, not
// the assignment and at once its reminder. Its statements do not grow
// with the number of assignments: one reads the time zones among them, one
// upserts every reminder, one claims the late ones.
func (s *Store) armReminders(ctx context.Context, tx *sqlx.Tx, ids []int64, due calendar.Date, fresh bool) error {
	if s.reminders.Lead == 0 {
		// Reminders are off: none armed earlier for another date may stay.
		q := join(frag(`DELETE FROM reminders WHERE assignment_id IN `), s.idSet(ids))
		_, err := tx.ExecContext(ctx, s.q(q.sql), q.args...)
		return err
	}
	var zones []string
	q := join(frag(`SELECT DISTINCT p.time_zone FROM assignments a JOIN people p ON p.id = a.person_id WHERE a.id IN `), s.idSet(ids))
	if err := tx.SelectContext(ctx, &zones, s.q(q.sql), q.args...); err != nil {
		return err
	}
	// The moment of each kind in each zone, as a CASE over the learner's zone.
	kinds := []string{ReminderBefore, ReminderOverdue}
	var moments []string
	var args []any
	for _, kind := range kinds {
		for _, z := range zones {
			loc := calendar.Location(z, s.reminders.Zone)
			at := calendar.OverdueAt(due, loc)
			if kind == ReminderBefore {
				at = calendar.BeforeAt(due, s.reminders.Lead, loc)
			}
			moments = append(moments, `WHEN k.kind = ? AND p.time_zone = ? THEN `+s.typed("TIMESTAMPTZ"))
			args = append(args, kind, z, at.UTC())
		}
	}
	q = join(frag(`INSERT INTO reminders (assignment_id, kind, due_date, remind_at)
		SELECT a.id, k.kind, `), s.dateValue(due), frag(`, CASE `+strings.Join(moments, " ")+` END
		FROM assignments a JOIN people p ON p.id = a.person_id CROSS JOIN (SELECT 'before' AS kind UNION ALL SELECT 'overdue') k
		WHERE a.id IN `, args...), s.idSet(ids), frag(`
		ON CONFLICT (assignment_id, kind) DO UPDATE SET due_date = excluded.due_date, remind_at = excluded.remind_at`))
	if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
		return err
	}
	if fresh {
		q := join(frag(`DELETE FROM reminders WHERE kind = ? AND remind_at <= ? AND assignment_id IN `, ReminderBefore, s.now()), s.idSet(ids))
		if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
			return err
		}
	}
	_, err := s.claimReminders(ctx, tx, join(frag(` AND assignment_id IN `), s.idSet(ids)))
	return err
}

// rezoneReminders moves the pending reminders of these people to 09:00 in
// the time zone they have now (written in tx before), when the platform
// tells it after the dates were set (someone invited by email talks to
// learnbot for the first time, or moves). The people named in a command
// have a handful of open assignments each: one read, and an update per
// reminder.
func (s *Store) rezoneReminders(ctx context.Context, tx *sqlx.Tx, personIDs []int64) error {
	if s.reminders.Lead == 0 || len(personIDs) == 0 {
		return nil
	}
	var rows []struct {
		Reminder
		Zone string `db:"time_zone"`
	}
	q := join(frag(`SELECT r.assignment_id, r.kind, r.due_date, p.time_zone FROM reminders r
		JOIN assignments a ON a.id = r.assignment_id JOIN people p ON p.id = a.person_id
		WHERE a.person_id IN `), s.idSet(personIDs), frag(` ORDER BY r.assignment_id, r.kind`))
	if err := tx.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return err
	}
	for _, r := range rows {
		loc := calendar.Location(r.Zone, s.reminders.Zone)
		at := calendar.OverdueAt(r.Due, loc)
		if r.Kind == ReminderBefore {
			at = calendar.BeforeAt(r.Due, s.reminders.Lead, loc)
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE reminders SET remind_at = ? WHERE assignment_id = ? AND kind = ?`),
			at.UTC(), r.AssignmentID, r.Kind)
		if err != nil {
			return err
		}
	}
	return nil
}

// ClaimDueReminders queues the DMs of every reminder whose moment has come
// (by the store's clock) and returns how many. The rows are deleted in the
// transaction that queues their jobs, so concurrent scans on any number of
// replicas queue each reminder once. Reminders of done or removed
// assignments are dropped without a DM, and so are all of them while
// reminders are off (LEARNBOT_REMIND_BEFORE=0).
func (s *Store) ClaimDueReminders(ctx context.Context) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = s.claimReminders(ctx, tx, fragment{})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: claim reminders: %w", err)
	}
	return n, nil
}

// claimReminders deletes the reminders due now (narrowed by the SQL of
// and, which starts with " AND") and queues the DMs of those whose
// assignment is open. Without an outbox nothing is claimed.
func (s *Store) claimReminders(ctx context.Context, tx *sqlx.Tx, and fragment) (int, error) {
	if s.outbox == nil {
		return 0, nil
	}
	var rows []struct {
		Reminder
		State *string `db:"state"`
	}
	q := join(frag(`DELETE FROM reminders WHERE remind_at <= ?`, s.now()), and, frag(`
		RETURNING assignment_id, kind, due_date, (SELECT a.state FROM assignments a WHERE a.id = reminders.assignment_id) AS state`))
	if err := tx.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return 0, err
	}
	due := make([]Reminder, 0, len(rows))
	for _, r := range rows {
		if r.State != nil && *r.State == AssignmentOpen && s.reminders.Lead > 0 {
			due = append(due, r.Reminder)
		}
	}
	if len(due) == 0 {
		return 0, nil
	}
	return len(due), s.outbox.QueueReminders(ctx, tx.Tx, due)
}

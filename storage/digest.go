package storage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
)

// Digests, nudges and escalation (DESIGN section 3c).
//
// A scheduled DM (a guide's digest, a guide's escalation of the day) is
// claimed by a row of notices, unique by person, kind and period (the
// guide's local date), inserted in the transaction that queues its job:
// replicas whose scans wake at the same moment queue it once, and a
// restart or a kill -9 finds the claim and the job together or neither.
// The DM is built when its job runs, from the assignments as they are then.

// Digest frequencies: a person's setting (people.digest).
const (
	DigestDaily  = "daily"
	DigestWeekly = "weekly"
	DigestOff    = "off"
)

// Kinds of notices.
const (
	NoticeDigest     = "digest"
	NoticeEscalation = "escalation"
)

// ReminderNudge is the kind of a reminder sent by nudge or the Nudge overdue
// button (queued as a reminder, with the other kinds).
const ReminderNudge = "nudge"

// DigestNames bounds the overdue learners a digest names per task.
const DigestNames = 10

// Notice is a scheduled DM to a person: a digest or an escalation. Period
// is the person's local date it is for ("2026-12-07"); a digest asked for
// with `digest now` has "now" and the time instead, and no claim.
type Notice struct {
	PersonID int64  `json:"person_id"`
	Kind     string `json:"kind"`
	Period   string `json:"period"`
}

// Recipient is the person a digest or an escalation goes to, with what a
// DM to them needs.
type Recipient struct {
	PersonID    int64        `db:"id"`
	WorkspaceID int64        `db:"workspace_id"`
	Name        string       `db:"display_name"`
	ChatID      *string      `db:"chat_id"`
	DMChannel   *string      `db:"dm_channel"`
	Lang        catalog.Lang `db:"lang"`
	TimeZone    string       `db:"time_zone"`
	Platform    string       `db:"platform"`
	Workspace   string       `db:"workspace_external_id"`
}

// recipients selects Recipients (people p).
const recipients = `SELECT p.id, p.workspace_id, p.display_name, p.chat_id, p.dm_channel,
	COALESCE(p.language, p.platform_language, '') AS lang, p.time_zone, w.platform, w.external_id AS workspace_external_id
	FROM people p JOIN workspaces w ON w.id = p.workspace_id`

// Digest is what a guide is told of the assignments they made.
type Digest struct {
	Recipient
	// Tasks are the tasks with open assignments the guide made, by key;
	// the steps of paths count under their tasks.
	Tasks []DigestTask
	// Paths are the paths with active enrolments the guide made, by key.
	Paths []DigestPath
}

// DigestPath is one path of a digest: the guide's active enrolments in it,
// how many finished and how many are behind (an overdue released step).
type DigestPath struct {
	PathKey   string `db:"path_key"`
	PathTitle string `db:"path_title"`
	Enrolled  int    `db:"enrolled"`
	Finished  int    `db:"finished"`
	Behind    int    `db:"behind"`
}

// DigestTask is one task of a digest: the guide's assignments of it that
// count (removed ones do not) and the overdue learners by name, at most
// DigestNames of them.
type DigestTask struct {
	TaskID       int64  `db:"task_id"`
	TaskKey      string `db:"task_key"`
	TaskTitle    string `db:"task_title"`
	Holders      int    `db:"holders"`
	Done         int    `db:"done"`
	Open         int    `db:"open"`
	Overdue      int    `db:"overdue"`
	OverdueNames []string
}

// DigestSetting is how often a person gets their digest.
func (s *Store) DigestSetting(ctx context.Context, wsID, personID int64) (string, error) {
	var freq string
	err := s.db.GetContext(ctx, &freq, s.q(`SELECT digest FROM people WHERE workspace_id = ? AND id = ?`), wsID, personID)
	if err != nil {
		return "", fmt.Errorf("storage: digest setting: %w", notFound(err))
	}
	return freq, nil
}

// SetDigest sets how often a person gets their digest: DigestDaily,
// DigestWeekly or DigestOff.
func (s *Store) SetDigest(ctx context.Context, wsID, personID int64, freq string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE people SET digest = ? WHERE workspace_id = ? AND id = ?`), freq, wsID, personID)
	if err != nil {
		return fmt.Errorf("storage: set digest: %w", err)
	}
	return nil
}

// QueueDigestNow queues a person's digest at once, whatever their setting
// (`digest now`), and reports false, queueing nothing, when they have no
// open assignment they made.
func (s *Store) QueueDigestNow(ctx context.Context, wsID, personID int64) (bool, error) {
	queued := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var n int
		err := tx.GetContext(ctx, &n, s.q(`SELECT count(*) FROM (SELECT 1 FROM assignments
			WHERE workspace_id = ? AND assigned_by = ? AND state = 'open' LIMIT 1) x`), wsID, personID)
		if err != nil || n == 0 || s.outbox == nil {
			return err
		}
		queued = true
		return s.outbox.QueueNotices(ctx, tx.Tx, []Notice{{PersonID: personID, Kind: NoticeDigest,
			Period: "now:" + s.now().Format(time.RFC3339Nano)}})
	})
	if err != nil {
		return false, fmt.Errorf("storage: digest now: %w", err)
	}
	return queued, nil
}

// Digest builds one guide's digest (the DM's job calls it); no tasks when
// nothing they made is open any more.
func (s *Store) Digest(ctx context.Context, personID int64) (*Digest, error) {
	ds, err := s.Digests(ctx, []int64{personID})
	if err != nil {
		return nil, err
	}
	d, ok := ds[personID]
	if !ok {
		return nil, fmt.Errorf("storage: digest: %w", ErrNotFound)
	}
	return d, nil
}

// Digests builds the digests of these guides in four statements whatever
// their number and that of their assignments: the recipients, the time
// zones of their workspaces, the counts by guide and task, and the overdue
// learners by name (at most DigestNames per guide and task, by a window
// function). An open assignment is overdue once its learner's local date
// is past its due date.
func (s *Store) Digests(ctx context.Context, personIDs []int64) (map[int64]*Digest, error) {
	var rs []Recipient
	q := join(frag(recipients+` WHERE p.id IN `), s.idSet(personIDs))
	if err := s.db.SelectContext(ctx, &rs, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: digests: %w", err)
	}
	out := make(map[int64]*Digest, len(rs))
	for _, r := range rs {
		out[r.PersonID] = &Digest{Recipient: r}
	}
	if len(out) == 0 {
		return out, nil
	}
	today, err := s.zoneDates(ctx, s.db, personIDs, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: digests: %w", err)
	}
	var rows []struct {
		GuideID int64 `db:"guide_id"`
		DigestTask
	}
	q = join(frag(`SELECT a.assigned_by AS guide_id, a.task_id, t.key AS task_key, t.title AS task_title, count(*) AS holders,
		SUM(CASE WHEN a.state = 'done' THEN 1 ELSE 0 END) AS done,
		SUM(CASE WHEN a.state = 'open' THEN 1 ELSE 0 END) AS open,
		SUM(CASE WHEN a.state = 'open' AND a.due_date < `), today, frag(` THEN 1 ELSE 0 END) AS overdue
		FROM assignments a JOIN people p ON p.id = a.person_id JOIN tasks t ON t.id = a.task_id
		WHERE a.state <> 'removed' AND a.assigned_by IN `), s.idSet(personIDs), frag(`
		GROUP BY a.assigned_by, a.task_id, t.key, t.title
		HAVING SUM(CASE WHEN a.state = 'open' THEN 1 ELSE 0 END) > 0
		ORDER BY a.assigned_by, t.key`))
	if err := s.db.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: digests: %w", err)
	}
	type key struct{ guide, task int64 }
	index := map[key]*DigestTask{}
	for _, r := range rows {
		d := out[r.GuideID]
		if d == nil {
			continue
		}
		d.Tasks = append(d.Tasks, r.DigestTask)
	}
	for _, d := range out {
		for i := range d.Tasks {
			index[key{d.PersonID, d.Tasks[i].TaskID}] = &d.Tasks[i]
		}
	}
	var names []struct {
		GuideID int64  `db:"guide_id"`
		TaskID  int64  `db:"task_id"`
		Name    string `db:"name"`
	}
	q = join(frag(`SELECT guide_id, task_id, name FROM (
		SELECT a.assigned_by AS guide_id, a.task_id, p.display_name AS name,
			ROW_NUMBER() OVER (PARTITION BY a.assigned_by, a.task_id ORDER BY lower(p.display_name), a.id) AS n
		FROM assignments a JOIN people p ON p.id = a.person_id
		WHERE a.state = 'open' AND a.due_date < `), today, frag(` AND a.assigned_by IN `), s.idSet(personIDs), frag(`) x
		WHERE n <= ?
		ORDER BY guide_id, task_id, n`, DigestNames))
	if err := s.db.SelectContext(ctx, &names, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: digests: %w", err)
	}
	for _, n := range names {
		if t := index[key{n.GuideID, n.TaskID}]; t != nil {
			t.OverdueNames = append(t.OverdueNames, n.Name)
		}
	}
	var paths []struct {
		GuideID int64 `db:"guide_id"`
		DigestPath
	}
	q = join(frag(`SELECT e.enrolled_by AS guide_id, pa.key AS path_key, pa.title AS path_title, count(*) AS enrolled,
		SUM(CASE WHEN `), s.finished(), frag(` THEN 1 ELSE 0 END) AS finished,
		SUM(CASE WHEN `), s.behind(), frag(` THEN 1 ELSE 0 END) AS behind
		FROM enrolments e JOIN paths pa ON pa.id = e.path_id
		WHERE e.state = 'active' AND e.enrolled_by IN `), s.idSet(personIDs), frag(`
		GROUP BY e.enrolled_by, pa.key, pa.title ORDER BY e.enrolled_by, pa.key`))
	if err := s.db.SelectContext(ctx, &paths, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: digests: %w", err)
	}
	for _, p := range paths {
		if d := out[p.GuideID]; d != nil {
			d.Paths = append(d.Paths, p.DigestPath)
		}
	}
	return out, nil
}

// zoneDates is, as SQL over people p, each learner's local date (by the
// store's clock) plus days, for the learners of the workspaces of these
// people: a CASE on the time zones those workspaces have (one statement
// reads them).
func (s *Store) zoneDates(ctx context.Context, db sqlx.QueryerContext, personIDs []int64, days int) (fragment, error) {
	var zones []string
	q := join(frag(`SELECT DISTINCT time_zone FROM people WHERE workspace_id IN (SELECT workspace_id FROM people WHERE id IN `),
		s.idSet(personIDs), frag(`)`))
	if err := sqlx.SelectContext(ctx, db, &zones, s.q(q.sql), q.args...); err != nil {
		return fragment{}, err
	}
	return s.zoneCase(zones, days), nil
}

// zoneCase is each learner's local date plus days as SQL over people p,
// for learners in these zones (anyone else: LEARNBOT_TIMEZONE's).
func (s *Store) zoneCase(zones []string, days int) fragment {
	now := s.now()
	var b strings.Builder
	var args []any
	b.WriteString("CASE p.time_zone")
	for _, z := range zones {
		b.WriteString(" WHEN ? THEN " + s.typed("DATE"))
		args = append(args, z, calendar.Today(now, calendar.Location(z, s.reminders.Zone)).AddDays(days))
	}
	b.WriteString(" ELSE " + s.typed("DATE") + " END")
	args = append(args, calendar.Today(now, s.reminders.Zone).AddDays(days))
	return frag(b.String(), args...)
}

// idRows is a set of IDs as a table with one column, id.
func (s *Store) idRows(ids []int64) fragment {
	if s.dialect == Postgres {
		return frag(`(SELECT unnest(CAST(? AS BIGINT[])) AS id)`, pq.Array(ids))
	}
	set := s.idSet(ids)
	return frag(`(SELECT value AS id FROM json_each(?))`, set.args...)
}

// guideMoment is a guide whose local day has reached the digest hour.
type guideMoment struct {
	ID     int64  `db:"id"`
	Zone   string `db:"time_zone"`
	Digest string `db:"digest"`
}

// ClaimNotices is the scan of digests and escalations (the queue runs it
// periodically; tests call it after moving the clock). For every active
// guide or admin with open assignments they made whose local time has
// reached 09:00 (calendar.ReminderHour) today, it claims and queues their
// digest of the day when one is due (every day for daily, Mondays for
// weekly) and, with escalation on, the escalation of the assignments that
// crossed LEARNBOT_ESCALATE_AFTER. A day whose 09:00 passed while no
// replica ran catches up until the day ends. It returns how many DMs it
// queued. Its statements do not grow with the guides or assignments: one
// reads the guides, one the zones, one finds who has something to
// escalate; then per local date among them (at most a few) one claim of
// digests, one of escalations and one insert of escalated assignments,
// and one bulk insert of jobs.
func (s *Store) ClaimNotices(ctx context.Context) (int, error) {
	if s.outbox == nil {
		return 0, nil
	}
	var guides []guideMoment
	err := s.db.SelectContext(ctx, &guides, `SELECT p.id, p.time_zone, p.digest FROM people p
		WHERE p.status = 'active' AND p.role IN ('guide', 'admin')
		AND p.id IN (SELECT DISTINCT assigned_by FROM assignments WHERE state = 'open')`)
	if err != nil {
		return 0, fmt.Errorf("storage: claim notices: %w", err)
	}
	now := s.now()
	digests := map[string][]int64{} // by the guide's local date
	var started []int64             // guides past 09:00 today
	dayOf := map[int64]string{}
	for _, g := range guides {
		loc := calendar.Location(g.Zone, s.reminders.Zone)
		today := calendar.Today(now, loc)
		if now.Before(today.At(calendar.ReminderHour, loc)) {
			continue
		}
		day := today.String()
		started = append(started, g.ID)
		dayOf[g.ID] = day
		if g.Digest == DigestDaily || g.Digest == DigestWeekly && today.Weekday() == time.Monday {
			digests[day] = append(digests[day], g.ID)
		}
	}
	escalate := map[string][]int64{}
	var threshold fragment
	if s.reminders.EscalateAfter > 0 && len(started) > 0 {
		threshold, err = s.zoneDates(ctx, s.db, started, -s.reminders.EscalateAfter)
		if err != nil {
			return 0, fmt.Errorf("storage: claim notices: %w", err)
		}
		var ids []int64
		q := join(frag(`SELECT DISTINCT a.assigned_by FROM assignments a JOIN people p ON p.id = a.person_id
			WHERE a.state = 'open' AND a.due_date <= `), threshold, frag(` AND a.assigned_by IN `), s.idSet(started), frag(`
			AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.assignment_id = a.id)`))
		if err := s.db.SelectContext(ctx, &ids, s.q(q.sql), q.args...); err != nil {
			return 0, fmt.Errorf("storage: claim notices: %w", err)
		}
		for _, id := range ids {
			escalate[dayOf[id]] = append(escalate[dayOf[id]], id)
		}
	}
	if len(digests) == 0 && len(escalate) == 0 {
		return 0, nil
	}
	var queued []Notice
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		queued = queued[:0]
		for _, day := range sortedKeys(digests) {
			ids, err := s.claim(ctx, tx, digests[day], NoticeDigest, day)
			if err != nil {
				return err
			}
			for _, id := range ids {
				queued = append(queued, Notice{PersonID: id, Kind: NoticeDigest, Period: day})
			}
		}
		for _, day := range sortedKeys(escalate) {
			ids, err := s.claim(ctx, tx, escalate[day], NoticeEscalation, day)
			if err != nil || len(ids) == 0 {
				return err
			}
			d, _ := calendar.Parse(day)
			q := join(frag(`INSERT INTO escalations (assignment_id, guide_id, day)
				SELECT a.id, a.assigned_by, `+s.typed("DATE")+` FROM assignments a JOIN people p ON p.id = a.person_id
				WHERE a.state = 'open' AND a.due_date <= `, d), threshold, frag(` AND a.assigned_by IN `), s.idSet(ids), frag(`
				ON CONFLICT (assignment_id) DO NOTHING`))
			if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
				return err
			}
			for _, id := range ids {
				queued = append(queued, Notice{PersonID: id, Kind: NoticeEscalation, Period: day})
			}
		}
		if len(queued) == 0 {
			return nil
		}
		return s.outbox.QueueNotices(ctx, tx.Tx, queued)
	})
	if err != nil {
		return 0, fmt.Errorf("storage: claim notices: %w", err)
	}
	return len(queued), nil
}

// claim inserts the notices of these people for kind and period and
// returns those it inserted: the ones no other scan claimed before.
func (s *Store) claim(ctx context.Context, tx *sqlx.Tx, ids []int64, kind, period string) ([]int64, error) {
	var claimed []int64
	q := join(frag(`INSERT INTO notices (person_id, kind, period, created_at) SELECT x.id, `+s.typed("TEXT")+`, `+s.typed("TEXT")+`, `+s.typed("TIMESTAMPTZ")+` FROM `, kind, period, s.now()),
		s.idRows(ids), frag(` x WHERE true ON CONFLICT (person_id, kind, period) DO NOTHING RETURNING person_id`))
	if err := tx.SelectContext(ctx, &claimed, s.q(q.sql), q.args...); err != nil {
		return nil, err
	}
	sort.Slice(claimed, func(i, j int) bool { return claimed[i] < claimed[j] })
	return claimed, nil
}

func sortedKeys(m map[string][]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Escalation is what a guide is told on one day of the assignments they
// made that are still open LEARNBOT_ESCALATE_AFTER after their due date.
type Escalation struct {
	Recipient
	Day   calendar.Date
	Items []EscalatedAssignment
}

// EscalatedAssignment is one assignment of an escalation.
type EscalatedAssignment struct {
	AssignmentID int64         `db:"assignment_id"`
	TaskKey      string        `db:"task_key"`
	TaskTitle    string        `db:"task_title"`
	PersonName   string        `db:"person_name"`
	Due          calendar.Date `db:"due_date"`
}

// EscalationOf loads the escalation of a guide's day, for its DM: the
// assignments escalated that day that are still open (by task and name).
func (s *Store) EscalationOf(ctx context.Context, guideID int64, day calendar.Date) (*Escalation, error) {
	var r Recipient
	err := s.db.GetContext(ctx, &r, s.q(recipients+` WHERE p.id = ?`), guideID)
	if err != nil {
		return nil, fmt.Errorf("storage: escalation: %w", notFound(err))
	}
	e := &Escalation{Recipient: r, Day: day}
	err = s.db.SelectContext(ctx, &e.Items, s.q(`SELECT a.id AS assignment_id, t.key AS task_key, t.title AS task_title,
		p.display_name AS person_name, a.due_date
		FROM escalations e JOIN assignments a ON a.id = e.assignment_id JOIN tasks t ON t.id = a.task_id JOIN people p ON p.id = a.person_id
		WHERE e.guide_id = ? AND e.day = `+s.typed("DATE")+` AND a.state = 'open'
		ORDER BY t.key, lower(p.display_name), a.id`), guideID, day)
	if err != nil {
		return nil, fmt.Errorf("storage: escalation: %w", err)
	}
	return e, nil
}

// NudgeResult counts a nudge: the overdue assignments of the task, and
// those reminded now (the others were nudged already today).
type NudgeResult struct {
	TaskKey   string `db:"key"`
	TaskTitle string `db:"title"`
	Overdue   int
	Sent      int
}

// Nudge queues a reminder DM to each learner overdue on a task, at most one
// per assignment per day of the learner's calendar (a row of nudges, unique
// by assignment and day, inserted with the DM's job). ErrNotFound: no such
// task in the workspace.
func (s *Store) Nudge(ctx context.Context, wsID, taskID int64) (*NudgeResult, error) {
	return s.nudge(ctx, wsID, frag(`SELECT key, title FROM tasks WHERE workspace_id = ? AND id = ?`, wsID, taskID),
		frag(` AND a.task_id = ?`, taskID))
}

// NudgePath is Nudge for a path: the overdue steps its active enrolments
// released.
func (s *Store) NudgePath(ctx context.Context, wsID, pathID int64) (*NudgeResult, error) {
	return s.nudge(ctx, wsID, frag(`SELECT key, title FROM paths WHERE workspace_id = ? AND id = ?`, wsID, pathID),
		frag(` AND a.enrolment_id IN (SELECT e.id FROM enrolments e WHERE e.path_id = ? AND e.state = 'active')`, pathID))
}

// nudge nudges the overdue open assignments that and (" AND ...") picks,
// of the task or path that named (key, title) says.
func (s *Store) nudge(ctx context.Context, wsID int64, named, and fragment) (*NudgeResult, error) {
	res := &NudgeResult{}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, res, s.q(named.sql), named.args...); err != nil {
			return notFound(err)
		}
		today, _, err := s.todayByZone(ctx, tx, wsID)
		if err != nil {
			return err
		}
		var overdue []Reminder
		q := join(frag(`SELECT a.id AS assignment_id, 'nudge' AS kind, a.due_date FROM assignments a JOIN people p ON p.id = a.person_id
			WHERE a.workspace_id = ?`, wsID), and, frag(` AND a.state = 'open' AND a.due_date < `), today)
		if err := tx.SelectContext(ctx, &overdue, s.q(q.sql), q.args...); err != nil {
			return err
		}
		res.Overdue = len(overdue)
		if len(overdue) == 0 {
			return nil
		}
		ids := make([]int64, len(overdue))
		for i, r := range overdue {
			ids[i] = r.AssignmentID
		}
		var sent []int64
		q = join(frag(`INSERT INTO nudges (assignment_id, day) SELECT a.id, `), today, frag(`
			FROM assignments a JOIN people p ON p.id = a.person_id WHERE a.id IN `), s.idSet(ids), frag(`
			ON CONFLICT (assignment_id, day) DO NOTHING RETURNING assignment_id`))
		if err := tx.SelectContext(ctx, &sent, s.q(q.sql), q.args...); err != nil {
			return err
		}
		res.Sent = len(sent)
		if len(sent) == 0 || s.outbox == nil {
			return nil
		}
		now := map[int64]bool{}
		for _, id := range sent {
			now[id] = true
		}
		var due []Reminder
		for _, r := range overdue {
			if now[r.AssignmentID] {
				due = append(due, r)
			}
		}
		return s.outbox.QueueReminders(ctx, tx.Tx, due)
	})
	if err != nil {
		return nil, fmt.Errorf("storage: nudge: %w", err)
	}
	return res, nil
}

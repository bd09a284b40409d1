package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/model"
)

// ErrTaken is returned when a path would take a task's key, or a task a
// path's: they share one namespace per workspace.
var ErrTaken = errors.New("storage: name taken by a task or path")

// Path is a learning path: an ordered list of steps.
type Path struct {
	ID          int64      `db:"id"`
	WorkspaceID int64      `db:"workspace_id"`
	Key         string     `db:"key"`
	Title       string     `db:"title"`
	CreatedAt   time.Time  `db:"created_at"`
	ArchivedAt  *time.Time `db:"archived_at"`
}

// Archived reports whether the path is hidden from assign.
func (p *Path) Archived() bool { return p.ArchivedAt != nil }

// Step is one step of a path: a task released Day days after enrolment,
// due DueDays after its release (nil: no due date).
type Step struct {
	TaskID    int64  `db:"task_id"`
	TaskKey   string `db:"task_key"`
	TaskTitle string `db:"task_title"`
	Position  int    `db:"position"`
	Day       int    `db:"day"`
	DueDays   *int   `db:"due_days"`
}

// PathSummary is a path with its steps counted and its enrolments by state.
type PathSummary struct {
	Path
	Steps    int `db:"steps"`
	Enrolled int `db:"enrolled"` // active, finished or not
	Finished int `db:"finished"`
	Behind   int `db:"behind"` // active with an overdue released step
}

const pathColumns = `p.id, p.workspace_id, p.key, p.title, p.created_at, p.archived_at`

// CreatePath adds a path; ErrTaken when a task or path has its key.
func (s *Store) CreatePath(ctx context.Context, p *Path, actorID int64) error {
	p.CreatedAt = s.now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := s.keyFree(ctx, tx, p.WorkspaceID, p.Key, "tasks"); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &p.ID, s.q(`INSERT INTO paths (workspace_id, key, title, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
			p.WorkspaceID, p.Key, p.Title, p.CreatedAt)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, Event{WorkspaceID: p.WorkspaceID, ActorID: ref(actorID), Kind: EventPathCreate,
			Details: EventDetails{Path: p.Key, Title: p.Title}})
	})
	if isUnique(err) || errors.Is(err, ErrTaken) {
		return fmt.Errorf("storage: create path: %w", ErrTaken)
	}
	if err != nil {
		return fmt.Errorf("storage: create path: %w", err)
	}
	return nil
}

// keyFree fails with ErrTaken when table ("tasks" or "paths") has key.
func (s *Store) keyFree(ctx context.Context, tx *sqlx.Tx, wsID int64, key, table string) error {
	var taken bool
	err := tx.GetContext(ctx, &taken, s.q(`SELECT EXISTS (SELECT 1 FROM `+table+` WHERE workspace_id = ? AND key = ?)`), wsID, key)
	if err != nil {
		return err
	}
	if taken {
		return ErrTaken
	}
	return nil
}

// PathByKey finds a path of the workspace.
func (s *Store) PathByKey(ctx context.Context, wsID int64, key string) (*Path, error) {
	var p Path
	err := s.db.GetContext(ctx, &p, s.q(`SELECT `+pathColumns+` FROM paths p WHERE p.workspace_id = ? AND p.key = ?`), wsID, key)
	if err != nil {
		return nil, fmt.Errorf("storage: path by key: %w", notFound(err))
	}
	return &p, nil
}

// PathSteps lists a path's steps in order.
func (s *Store) PathSteps(ctx context.Context, pathID int64) ([]Step, error) {
	var steps []Step
	err := s.db.SelectContext(ctx, &steps, s.q(`SELECT st.task_id, t.key AS task_key, t.title AS task_title, st.position, st.day, st.due_days
		FROM path_steps st JOIN tasks t ON t.id = st.task_id WHERE st.path_id = ? ORDER BY st.position`), pathID)
	if err != nil {
		return nil, fmt.Errorf("storage: path steps: %w", err)
	}
	return steps, nil
}

// SetStep adds a task to the end of a path, or moves it to a new day and
// due offset if it is there already. day < 0 means the previous step's day
// (0 for the first). The steps not yet released of current enrolments
// follow the change.
func (s *Store) SetStep(ctx context.Context, wsID, pathID, taskID int64, day int, dueDays *int, actorID int64) (*Step, error) {
	var step Step
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var cur struct {
			Last    int `db:"last"`
			LastDay int `db:"last_day"`
		}
		err := tx.GetContext(ctx, &cur, s.q(`SELECT COALESCE(MAX(position), 0) AS last,
			COALESCE((SELECT day FROM path_steps WHERE path_id = ? ORDER BY position DESC LIMIT 1), 0) AS last_day
			FROM path_steps WHERE path_id = ?`), pathID, pathID)
		if err != nil {
			return err
		}
		if day < 0 {
			day = cur.LastDay
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO path_steps (path_id, task_id, position, day, due_days) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (path_id, task_id) DO UPDATE SET day = excluded.day, due_days = excluded.due_days`),
			pathID, taskID, cur.Last+1, day, dueDays)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &step, s.q(`SELECT st.task_id, t.key AS task_key, t.title AS task_title, st.position, st.day, st.due_days
			FROM path_steps st JOIN tasks t ON t.id = st.task_id WHERE st.path_id = ? AND st.task_id = ?`), pathID, taskID)
		if err != nil {
			return err
		}
		return s.stepChanged(ctx, tx, wsID, pathID, taskID, actorID, EventPathStep)
	})
	if err != nil {
		return nil, fmt.Errorf("storage: set step: %w", err)
	}
	return &step, nil
}

// RemoveStep takes a task out of a path; ErrNotFound if it is not in it.
// What current enrolments released of it stays.
func (s *Store) RemoveStep(ctx context.Context, wsID, pathID, taskID, actorID int64) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM path_steps WHERE path_id = ? AND task_id = ?`), pathID, taskID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.stepChanged(ctx, tx, wsID, pathID, taskID, actorID, EventPathStepRemove)
	})
	if err != nil {
		return fmt.Errorf("storage: remove step: %w", err)
	}
	return nil
}

// stepChanged reschedules a path whose steps changed and records the
// change (kind) to its step of taskID.
func (s *Store) stepChanged(ctx context.Context, tx *sqlx.Tx, wsID, pathID, taskID, actorID int64, kind string) error {
	if err := s.reschedulePath(ctx, tx, pathID); err != nil {
		return err
	}
	return s.record(ctx, tx, Event{WorkspaceID: wsID, ActorID: ref(actorID), Kind: kind, TaskID: ref(taskID),
		Details: EventDetails{Path: s.pathKey(ctx, tx, pathID)}})
}

func (s *Store) pathKey(ctx context.Context, tx *sqlx.Tx, pathID int64) string {
	var key string
	_ = tx.GetContext(ctx, &key, s.q(`SELECT key FROM paths WHERE id = ?`), pathID)
	return key
}

// SetPathArchived hides a path from assign, or brings it back; changed is
// false when it already was so. Enrolments go on.
func (s *Store) SetPathArchived(ctx context.Context, wsID int64, key string, archived bool, actorID int64) (p *Path, changed bool, err error) {
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		var path Path
		if err := tx.GetContext(ctx, &path, s.q(`SELECT `+pathColumns+` FROM paths p WHERE p.workspace_id = ? AND p.key = ?`), wsID, key); err != nil {
			return notFound(err)
		}
		p = &path
		if path.Archived() == archived {
			return nil
		}
		changed = true
		var at *time.Time
		kind := EventPathRestore
		if archived {
			now := s.now()
			at, kind = &now, EventPathArchive
		}
		p.ArchivedAt = at
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE paths SET archived_at = ? WHERE id = ?`), at, path.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, Event{WorkspaceID: wsID, ActorID: ref(actorID), Kind: kind, Details: EventDetails{Path: key}})
	})
	if err != nil {
		return nil, false, fmt.Errorf("storage: archive path: %w", err)
	}
	return p, changed, nil
}

// ListPaths lists the workspace's paths, archived too, with their counts.
func (s *Store) ListPaths(ctx context.Context, wsID int64) ([]PathSummary, error) {
	var out []PathSummary
	q := join(frag(`SELECT `+pathColumns+`,
		(SELECT count(*) FROM path_steps st WHERE st.path_id = p.id) AS steps,
		(SELECT count(*) FROM enrolments e WHERE e.path_id = p.id AND e.state = 'active') AS enrolled,
		(SELECT count(*) FROM enrolments e WHERE e.path_id = p.id AND e.state = 'active' AND `), s.finished(), frag(`) AS finished,
		(SELECT count(*) FROM enrolments e WHERE e.path_id = p.id AND e.state = 'active' AND `), s.behind(), frag(`) AS behind
		FROM paths p WHERE p.workspace_id = ? ORDER BY p.key`, wsID))
	if err := s.db.SelectContext(ctx, &out, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: list paths: %w", err)
	}
	return out, nil
}

// finished is true of an enrolment e with nothing left to release and
// every step it released done.
func (s *Store) finished() fragment {
	return frag(`NOT EXISTS (SELECT 1 FROM releases r WHERE r.enrolment_id = e.id)
		AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.enrolment_id = e.id AND a.state = 'open')`)
}

// behind is true of an enrolment e with an open released step past its due
// date (by UTC's calendar: a summary, not a reminder).
func (s *Store) behind() fragment {
	return join(frag(`EXISTS (SELECT 1 FROM assignments a WHERE a.enrolment_id = e.id AND a.state = 'open'
		AND a.due_date IS NOT NULL AND a.due_date < `), s.dateValue(calendar.Today(s.now(), time.UTC)), frag(`)`))
}

// EnrolParams names a path and its targets, as AssignParams a task.
type EnrolParams struct {
	WorkspaceID int64
	PathID      int64
	GuideID     int64
	PersonIDs   []int64
	GroupIDs    []int64
	Users       []model.User
	TargetSet   string
	DecisionTTL time.Duration
	// Start is the enrolment day (day 0 of the path).
	Start calendar.Date
}

// EnrolResult says what Enrol did: enrolled everyone, or stored a decision
// because some targets hold the path (an active, unfinished enrolment).
type EnrolResult struct {
	Targets  int
	Enrolled int
	Names    []string // up to 10 of the people enrolled, or of the holders
	Holders  int
	New      int
	// DecisionID is set when someone already holds the path and nobody
	// was enrolled.
	DecisionID string
	// Released counts the steps released at once (day 0).
	Released int
}

// Enrol enrols the targets in a path when none of them holds it, and
// otherwise stores a decision and enrols nobody. Steps of the enrolment
// day are released at once; the others wait for the release scan.
// Concurrent calls for one path are serialized on the path row.
func (s *Store) Enrol(ctx context.Context, p EnrolParams) (*EnrolResult, error) {
	var res EnrolResult
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res = EnrolResult{}
		if err := s.lockPath(ctx, tx, p.WorkspaceID, p.PathID); err != nil {
			return err
		}
		named, _, err := s.namedPeople(ctx, tx, AssignParams{WorkspaceID: p.WorkspaceID, PersonIDs: p.PersonIDs, Users: p.Users})
		if err != nil {
			return err
		}
		// Members of platform groups become learners now: a path's
		// decision keeps people, not a target set.
		if _, err := s.createStaged(ctx, tx, p.WorkspaceID, p.TargetSet); err != nil {
			return err
		}
		var people []int64
		q := join(frag(`SELECT t.person_id FROM (`), s.targets(p.WorkspaceID, named, p.GroupIDs, p.TargetSet), frag(`) t ORDER BY t.person_id`))
		if err := tx.SelectContext(ctx, &people, s.q(q.sql), q.args...); err != nil {
			return err
		}
		res.Targets = len(people)
		if res.Targets == 0 {
			return nil
		}
		holders, err := s.pathHolders(ctx, tx, p.PathID, people)
		if err != nil {
			return err
		}
		res.Holders, res.New = len(holders), res.Targets-len(holders)
		if res.Holders > 0 {
			if res.Names, err = s.names(ctx, tx, holders); err != nil {
				return err
			}
			res.DecisionID, err = s.storePathDecision(ctx, tx, p, people)
			return err
		}
		return s.enrol(ctx, tx, p.WorkspaceID, p.PathID, p.GuideID, p.Start, people, false, EventEnrol, &res)
	})
	if err != nil {
		return nil, fmt.Errorf("storage: enrol: %w", err)
	}
	return &res, nil
}

// lockPath locks the path row; an archived path is ErrArchived.
func (s *Store) lockPath(ctx context.Context, tx *sqlx.Tx, wsID, pathID int64) error {
	var archivedAt *time.Time
	err := tx.GetContext(ctx, &archivedAt, s.q(`SELECT archived_at FROM paths WHERE workspace_id = ? AND id = ?`+s.forUpdate()), wsID, pathID)
	if err == nil && archivedAt != nil {
		return ErrArchived
	}
	return notFound(err)
}

// pathHolders are those of people with an active, unfinished enrolment in
// the path.
func (s *Store) pathHolders(ctx context.Context, tx *sqlx.Tx, pathID int64, people []int64) ([]int64, error) {
	var holders []int64
	q := join(frag(`SELECT e.person_id FROM enrolments e WHERE e.path_id = ? AND e.state = 'active' AND NOT (`, pathID),
		s.finished(), frag(`) AND e.person_id IN `), s.idSet(people), frag(` ORDER BY e.person_id`))
	err := tx.SelectContext(ctx, &holders, s.q(q.sql), q.args...)
	return holders, err
}

// enrol ends the people's earlier active enrolments in the path (finished
// ones, or all when forced), enrols them from start, schedules the steps
// and releases those due now.
func (s *Store) enrol(ctx context.Context, tx *sqlx.Tx, wsID, pathID, guideID int64, start calendar.Date, people []int64,
	forced bool, kind string, res *EnrolResult) error {
	return s.enrolFor(ctx, tx, wsID, pathID, guideID, start, people, forced, kind, 0, res)
}

// enrolBy enrols people for a rule (never forced), recorded as the rule's.
func (s *Store) enrolBy(ctx context.Context, tx *sqlx.Tx, wsID, pathID, makerID int64, start calendar.Date, people []int64,
	ruleID int64, res *EnrolResult) error {
	return s.enrolFor(ctx, tx, wsID, pathID, makerID, start, people, false, EventEnrol, ruleID, res)
}

// enrolFor is enrol, recorded as done by a rule when ruleID is set.
func (s *Store) enrolFor(ctx context.Context, tx *sqlx.Tx, wsID, pathID, guideID int64, start calendar.Date, people []int64,
	forced bool, kind string, ruleID int64, res *EnrolResult) error {
	now := s.now()
	q := join(frag(`UPDATE enrolments SET state = 'ended', ended_at = ? WHERE path_id = ? AND state = 'active' AND person_id IN `, now, pathID),
		s.idSet(people))
	if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
		return err
	}
	q = join(frag(`DELETE FROM releases WHERE enrolment_id IN (SELECT id FROM enrolments WHERE path_id = ? AND state = 'ended' AND person_id IN `, pathID),
		s.idSet(people), frag(`)`))
	if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
		return err
	}
	var ids []int64
	q = join(frag(`INSERT INTO enrolments (workspace_id, path_id, person_id, enrolled_by, start_date, forced, created_at)
		SELECT ?, ?, p.id, ?, `, wsID, pathID, guideID), s.dateValue(start), frag(`, ?, ? FROM people p WHERE p.workspace_id = ? AND p.id IN `, forced, now, wsID),
		s.idSet(people), frag(` RETURNING id`))
	if err := tx.SelectContext(ctx, &ids, s.q(q.sql), q.args...); err != nil {
		return err
	}
	res.Enrolled = len(ids)
	var err error
	if res.Names, err = s.names(ctx, tx, people); err != nil {
		return err
	}
	if err := s.schedule(ctx, tx, ids); err != nil {
		return err
	}
	if res.Released, err = s.releaseDue(ctx, tx, join(frag(` AND enrolment_id IN `), s.idSet(ids))); err != nil {
		return err
	}
	return s.record(ctx, tx, Event{WorkspaceID: wsID, ActorID: ref(guideID), Kind: kind, PersonID: onlyOne(people),
		Count: res.Enrolled, Details: EventDetails{Path: s.pathKey(ctx, tx, pathID), Names: res.Names, Rule: ruleID}})
}

// reschedulePath gives the active enrolments of a path the steps it has now:
// steps not yet released are scheduled again; released ones stay.
func (s *Store) reschedulePath(ctx context.Context, tx *sqlx.Tx, pathID int64) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, s.q(`SELECT id FROM enrolments WHERE path_id = ? AND state = 'active'`), pathID); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	q := join(frag(`DELETE FROM releases WHERE enrolment_id IN `), s.idSet(ids))
	if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
		return err
	}
	if err := s.schedule(ctx, tx, ids); err != nil {
		return err
	}
	_, err := s.releaseDue(ctx, tx, join(frag(` AND enrolment_id IN `), s.idSet(ids)))
	return err
}

// schedule writes the releases of the enrolments' steps not yet released
// (no assignment of the enrolment for the task): each at 09:00 in the
// learner's time zone on its day, or now when that day has come. One read
// of the zones and start dates among them, one insert for all.
func (s *Store) schedule(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
	var rows []struct {
		Zone  string        `db:"time_zone"`
		Start calendar.Date `db:"start_date"`
		Day   int           `db:"day"`
	}
	q := join(frag(`SELECT DISTINCT p.time_zone, e.start_date, st.day FROM enrolments e JOIN people p ON p.id = e.person_id
		JOIN path_steps st ON st.path_id = e.path_id WHERE e.id IN `), s.idSet(ids))
	if err := tx.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	now := s.now()
	var whens, dates []string
	var whenArgs, dateArgs []any
	for _, r := range rows {
		day := r.Start.AddDays(r.Day)
		loc := calendar.Location(r.Zone, s.reminders.Zone)
		at := day.At(releaseHour, loc)
		if !calendar.Today(now, loc).Before(day) {
			at = now // its day has come: at once
		}
		whens = append(whens, `WHEN p.time_zone = ? AND e.start_date = ? AND st.day = ? THEN `+s.typed("TIMESTAMPTZ"))
		whenArgs = append(whenArgs, r.Zone, r.Start, r.Day, at.UTC())
		dates = append(dates, `WHEN e.start_date = ? AND st.day = ? THEN `+s.typed("DATE"))
		dateArgs = append(dateArgs, r.Start, r.Day, day)
	}
	q = join(frag(`INSERT INTO releases (enrolment_id, task_id, release_date, release_at, due_days)
		SELECT e.id, st.task_id, CASE `+strings.Join(dates, " ")+` END, CASE `+strings.Join(whens, " ")+` END, st.due_days
		FROM enrolments e JOIN people p ON p.id = e.person_id JOIN path_steps st ON st.path_id = e.path_id
		WHERE e.id IN `, append(dateArgs, whenArgs...)...), s.idSet(ids), frag(`
		AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.enrolment_id = e.id AND a.task_id = st.task_id)
		ON CONFLICT (enrolment_id, task_id) DO NOTHING`))
	_, err := tx.ExecContext(ctx, s.q(q.sql), q.args...)
	return err
}

// releaseHour is when a step is released on its day, in the learner's time
// zone, as reminders are sent.
const releaseHour = 9

// ClaimDueReleases releases every step whose moment has come (by the
// store's clock) and returns how many assignments it made. The release rows
// are deleted in the transaction that makes their assignments, so
// concurrent scans on any number of replicas release each step once.
func (s *Store) ClaimDueReleases(ctx context.Context) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = s.releaseDue(ctx, tx, fragment{})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: release steps: %w", err)
	}
	return n, nil
}

// releaseDue deletes the releases due now (narrowed by and, which starts
// with " AND") and makes their assignments: one per step of an active
// enrolment, unless the learner holds the task open already (the step
// counts as released) and the enrolment was not forced. Each assignment
// gets its DM and the reminders of its due date.
func (s *Store) releaseDue(ctx context.Context, tx *sqlx.Tx, and fragment) (int, error) {
	var due []struct {
		EnrolmentID int64         `db:"enrolment_id"`
		TaskID      int64         `db:"task_id"`
		Date        calendar.Date `db:"release_date"`
		DueDays     *int          `db:"due_days"`
	}
	q := join(frag(`DELETE FROM releases WHERE release_at <= ?`, s.now()), and, frag(`
		RETURNING enrolment_id, task_id, release_date, due_days`))
	if err := tx.SelectContext(ctx, &due, s.q(q.sql), q.args...); err != nil {
		return 0, err
	}
	// One insert per task and due date: a cohort shares both.
	type batch struct {
		task int64
		due  calendar.Date
	}
	batches := map[batch][]int64{}
	var order []batch
	for _, r := range due {
		b := batch{task: r.TaskID}
		if r.DueDays != nil {
			b.due = r.Date.AddDays(*r.DueDays)
		}
		if _, ok := batches[b]; !ok {
			order = append(order, b)
		}
		batches[b] = append(batches[b], r.EnrolmentID)
	}
	n := 0
	now := s.now()
	for _, b := range order {
		var dueVal any
		if !b.due.IsZero() {
			dueVal = b.due
		}
		q := join(frag(`INSERT INTO assignments (workspace_id, task_id, person_id, assigned_by, group_id, forced, state, created_at, due_date, enrolment_id)
			SELECT e.workspace_id, ?, e.person_id, e.enrolled_by, NULL, e.forced, 'open', ?, `+s.typed("DATE")+`, e.id
			FROM enrolments e WHERE e.state = 'active' AND e.id IN `, b.task, now, dueVal), s.idSet(batches[b]), frag(`
			AND (e.forced OR NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ? AND a.person_id = e.person_id AND a.state = 'open'))
			RETURNING id`, b.task))
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, s.q(q.sql), q.args...); err != nil {
			return 0, err
		}
		if len(ids) == 0 {
			continue
		}
		n += len(ids)
		if err := s.queueDMs(ctx, tx, ids); err != nil {
			return 0, err
		}
		if !b.due.IsZero() {
			if err := s.armReminders(ctx, tx, ids, b.due, true); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// storePathDecision records the choice to ask for, with the targets as
// people.
func (s *Store) storePathDecision(ctx context.Context, tx *sqlx.Tx, p EnrolParams, people []int64) (string, error) {
	id := randomID(12)
	buf, err := json.Marshal(people)
	if err != nil {
		return "", err
	}
	groups, err := json.Marshal(append([]int64{}, p.GroupIDs...))
	if err != nil {
		return "", err
	}
	now := s.now()
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO path_decisions (id, workspace_id, path_id, guide_id, people, group_ids, start_date, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), id, p.WorkspaceID, p.PathID, p.GuideID, string(buf), string(groups), p.Start, now, now.Add(p.DecisionTTL))
	return id, err
}

// PathDecision is a stored choice about an enrolment, with the names
// replies show.
type PathDecision struct {
	ID           string        `db:"id"`
	WorkspaceID  int64         `db:"workspace_id"`
	PathID       int64         `db:"path_id"`
	PathKey      string        `db:"path_key"`
	PathTitle    string        `db:"path_title"`
	GuideID      int64         `db:"guide_id"`
	GuideName    string        `db:"guide_name"`
	People       string        `db:"people"`
	GroupIDs     string        `db:"group_ids"`
	Start        calendar.Date `db:"start_date"`
	ExpiresAt    time.Time     `db:"expires_at"`
	Resolution   *string       `db:"resolution"`
	ResolverName *string       `db:"resolver_name"`
}

// pathDecisionColumns are a path decision's columns with the names replies
// show, and the tables they come from.
const pathDecisionColumns = `d.id, d.workspace_id, d.path_id, pa.key AS path_key, pa.title AS path_title,
	d.guide_id, g.display_name AS guide_name, d.people, d.group_ids, d.start_date, d.expires_at, d.resolution,
	r.display_name AS resolver_name
	FROM path_decisions d JOIN paths pa ON pa.id = d.path_id JOIN people g ON g.id = d.guide_id
	LEFT JOIN people r ON r.id = d.resolved_by`

// PathDecisionGroups loads a path's decision and lists the groups it named
// with up to limit members each and who of them is on the path now.
func (s *Store) PathDecisionGroups(ctx context.Context, wsID int64, id string, limit int) (*PathDecision, []GroupHolding, error) {
	var d PathDecision
	if err := s.db.GetContext(ctx, &d, s.q(`SELECT `+pathDecisionColumns+` WHERE d.id = ? AND d.workspace_id = ?`), id, wsID); err != nil {
		return nil, nil, fmt.Errorf("storage: path decision: %w", notFound(err))
	}
	var groupIDs []int64
	if err := json.Unmarshal([]byte(d.GroupIDs), &groupIDs); err != nil {
		return nil, nil, fmt.Errorf("storage: path decision groups: %w", err)
	}
	var rows []holdingRow
	q := join(frag(`SELECT x.group_name, x.display_name, x.holds, x.size, x.holders FROM (
		SELECT y.group_name, y.display_name, y.holds,
			count(*) OVER (PARTITION BY y.group_id) AS size,
			SUM(y.holds) OVER (PARTITION BY y.group_id) AS holders,
			ROW_NUMBER() OVER (PARTITION BY y.group_id ORDER BY lower(y.display_name), y.person_id) AS rn
		FROM (
			SELECT g.id AS group_id, g.name AS group_name, p.id AS person_id, p.display_name,
				CASE WHEN EXISTS (SELECT 1 FROM enrolments e WHERE e.path_id = ? AND e.person_id = p.id AND e.state = 'active')
				THEN 1 ELSE 0 END AS holds
			FROM groups g JOIN group_members m ON m.group_id = g.id JOIN people p ON p.id = m.person_id
			WHERE g.workspace_id = ? AND g.id IN `, d.PathID, wsID), s.idSet(groupIDs), frag(`
		) y
	) x WHERE x.rn <= ? ORDER BY x.group_name, x.rn`, limit))
	if err := s.db.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return nil, nil, fmt.Errorf("storage: path decision groups: %w", err)
	}
	return &d, foldHoldings(rows), nil
}

// ResolvePathResult says what a press on a path's prompt did.
type ResolvePathResult struct {
	Decision PathDecision
	EnrolResult
}

// ResolvePathDecision applies a press on a path's prompt once, as
// ResolveDecision does for a task: Only new enrols the targets who hold
// the path not; Force starts it again for all (their enrolments end, what
// they released stays). Refusals come back as a *PathDecisionError.
func (s *Store) ResolvePathDecision(ctx context.Context, p ResolveParams) (*ResolvePathResult, error) {
	var res ResolvePathResult
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res = ResolvePathResult{}
		err := tx.GetContext(ctx, &res.Decision, s.q(`SELECT `+pathDecisionColumns+` WHERE d.id = ? AND d.workspace_id = ?`+s.forUpdate("d")), p.DecisionID, p.WorkspaceID)
		if err != nil {
			return notFound(err)
		}
		d := &res.Decision
		now := s.now()
		refuse := func(err error) error { return &PathDecisionError{Err: err, Decision: *d} }
		if err := mayResolve(p, d.GuideID, d.Resolution, d.ExpiresAt, now); err != nil {
			return refuse(err)
		}
		if err := s.lockPath(ctx, tx, d.WorkspaceID, d.PathID); errors.Is(err, ErrArchived) {
			return refuse(err)
		} else if err != nil {
			return err
		}
		if err := s.markResolved(ctx, tx, "path_decisions", d.ID, p, now); err != nil {
			return err
		}
		d.Resolution = &p.Resolution
		var people []int64
		if err := json.Unmarshal([]byte(d.People), &people); err != nil {
			return err
		}
		switch p.Resolution {
		case ResolutionOnlyNew:
			holders, err := s.pathHolders(ctx, tx, d.PathID, people)
			if err != nil {
				return err
			}
			people = without(people, holders)
		case ResolutionDoNotAssign:
			people = nil
		}
		if len(people) == 0 {
			return s.record(ctx, tx, Event{WorkspaceID: d.WorkspaceID, ActorID: ref(p.PersonID), Kind: EventDecide,
				Details: EventDetails{Path: d.PathKey, Resolution: p.Resolution}})
		}
		return s.enrol(ctx, tx, d.WorkspaceID, d.PathID, p.PersonID, d.Start, people, p.Resolution == ResolutionForce, EventDecide, &res.EnrolResult)
	})
	if err != nil {
		return nil, fmt.Errorf("storage: resolve path decision: %w", err)
	}
	return &res, nil
}

// PathDecisionError is a press on a path's prompt that changes nothing.
type PathDecisionError struct {
	Err      error
	Decision PathDecision
}

func (e *PathDecisionError) Error() string { return e.Err.Error() }
func (e *PathDecisionError) Unwrap() error { return e.Err }

// without is ids less those in drop (both sorted ascending).
func without(ids, drop []int64) []int64 {
	out := ids[:0:0]
	j := 0
	for _, id := range ids {
		for j < len(drop) && drop[j] < id {
			j++
		}
		if j < len(drop) && drop[j] == id {
			continue
		}
		out = append(out, id)
	}
	return out
}

// EndEnrolmentsParams names a path and the targets whose enrolments end.
type EndEnrolmentsParams struct {
	WorkspaceID int64
	PathID      int64
	GuideID     int64
	PersonIDs   []int64
	GroupIDs    []int64
	Users       []model.User
	TargetSet   string
}

// EndEnrolmentsResult counts the enrolments ended and names the targets
// that had none.
type EndEnrolmentsResult struct {
	Ended        int
	Names        []string
	Missing      int
	MissingNames []string
}

// EndEnrolments ends the targets' active enrolments in a path: nothing more
// is released, and the open assignments they released become removed.
func (s *Store) EndEnrolments(ctx context.Context, p EndEnrolmentsParams) (*EndEnrolmentsResult, error) {
	var res EndEnrolmentsResult
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res = EndEnrolmentsResult{}
		personIDs, unknown, err := s.knownPeople(ctx, tx, p.WorkspaceID, p.PersonIDs, p.Users)
		if err != nil {
			return err
		}
		var people []int64
		q := join(frag(`SELECT t.person_id FROM (`), s.targets(p.WorkspaceID, personIDs, p.GroupIDs, p.TargetSet), frag(`) t ORDER BY t.person_id`))
		if err := tx.SelectContext(ctx, &people, s.q(q.sql), q.args...); err != nil {
			return err
		}
		var ended []struct {
			ID     int64 `db:"id"`
			Person int64 `db:"person_id"`
		}
		q = join(frag(`UPDATE enrolments SET state = 'ended', ended_at = ? WHERE path_id = ? AND state = 'active' AND person_id IN `, s.now(), p.PathID),
			s.idSet(people), frag(` RETURNING id, person_id`))
		if err := tx.SelectContext(ctx, &ended, s.q(q.sql), q.args...); err != nil {
			return err
		}
		var ids, endedPeople []int64
		for _, e := range ended {
			ids, endedPeople = append(ids, e.ID), append(endedPeople, e.Person)
		}
		res.Ended = len(ids)
		missing := without(people, sortedCopy(endedPeople))
		if res.MissingNames, err = s.names(ctx, tx, missing); err != nil {
			return err
		}
		res.Missing = len(missing) + len(unknown)
		res.MissingNames = append(res.MissingNames, unknown[:min(len(unknown), max(0, summaryNames-len(res.MissingNames)))]...)
		if len(ids) == 0 {
			return nil
		}
		if res.Names, err = s.names(ctx, tx, endedPeople); err != nil {
			return err
		}
		for _, q := range []fragment{
			join(frag(`DELETE FROM releases WHERE enrolment_id IN `), s.idSet(ids)),
			join(frag(`DELETE FROM reminders WHERE assignment_id IN (SELECT id FROM assignments WHERE state = 'open' AND enrolment_id IN `),
				s.idSet(ids), frag(`)`)),
			join(frag(`UPDATE assignments SET state = 'removed' WHERE state = 'open' AND enrolment_id IN `), s.idSet(ids)),
		} {
			if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, Event{WorkspaceID: p.WorkspaceID, ActorID: ref(p.GuideID), Kind: EventEnrolEnd,
			PersonID: onlyOne(endedPeople), Count: res.Ended, Details: EventDetails{Path: s.pathKey(ctx, tx, p.PathID), Names: res.Names}})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: end enrolments: %w", err)
	}
	return &res, nil
}

func sortedCopy(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// EnrolmentProgress is one person's way through a path.
type EnrolmentProgress struct {
	PersonID   int64          `db:"person_id"`
	PersonName string         `db:"person_name"`
	Start      calendar.Date  `db:"start_date"`
	Released   int            `db:"released"`
	Done       int            `db:"done"`
	Overdue    int            `db:"overdue"`
	Pending    int            `db:"pending"` // steps not yet released
	NextTitle  *string        `db:"next_title"`
	NextKey    *string        `db:"next_key"`
	NextDate   *calendar.Date `db:"next_date"`
}

// Finished reports whether every step is released and done.
func (e *EnrolmentProgress) Finished() bool { return e.Pending == 0 && e.Done == e.Released }

// PathProgress lists the active enrolments of a path by person name: steps
// released, done and overdue (by today's date in UTC), and the next step.
func (s *Store) PathProgress(ctx context.Context, wsID, pathID int64) ([]EnrolmentProgress, error) {
	var out []EnrolmentProgress
	q := join(frag(`SELECT e.person_id, p.display_name AS person_name, e.start_date,
		(SELECT count(*) FROM assignments a WHERE a.enrolment_id = e.id AND a.state <> 'removed') AS released,
		(SELECT count(*) FROM assignments a WHERE a.enrolment_id = e.id AND a.state = 'done') AS done,
		(SELECT count(*) FROM assignments a WHERE a.enrolment_id = e.id AND a.state = 'open' AND a.due_date < `),
		s.dateValue(calendar.Today(s.now(), time.UTC)), frag(`) AS overdue,
		(SELECT count(*) FROM releases r WHERE r.enrolment_id = e.id) AS pending,
		n.title AS next_title, n.key AS next_key, n.release_date AS next_date
		FROM enrolments e JOIN people p ON p.id = e.person_id
		LEFT JOIN (SELECT r.enrolment_id, t.title, t.key, r.release_date,
			ROW_NUMBER() OVER (PARTITION BY r.enrolment_id ORDER BY r.release_at, t.key) AS k
			FROM releases r JOIN tasks t ON t.id = r.task_id) n ON n.enrolment_id = e.id AND n.k = 1
		WHERE e.workspace_id = ? AND e.path_id = ? AND e.state = 'active'
		ORDER BY lower(p.display_name), e.person_id`, wsID, pathID))
	if err := s.db.SelectContext(ctx, &out, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: path progress: %w", err)
	}
	return out, nil
}

// NextStep is the next step a person's active enrolment will release.
type NextStep struct {
	PathKey   string        `db:"path_key"`
	PathTitle string        `db:"path_title"`
	TaskKey   string        `db:"task_key"`
	TaskTitle string        `db:"task_title"`
	Date      calendar.Date `db:"release_date"`
}

// NextSteps lists, for each of a person's active enrolments with a step
// still to come, that next step.
func (s *Store) NextSteps(ctx context.Context, wsID, personID int64) ([]NextStep, error) {
	var out []NextStep
	// Prepared: every /tasks and App Home asks it, mostly of people on no path.
	err := s.selectPrepared(ctx, &out, s.q(`SELECT n.path_key, n.path_title, n.task_key, n.task_title, n.release_date FROM (
		SELECT pa.key AS path_key, pa.title AS path_title, t.key AS task_key, t.title AS task_title, r.release_date,
			ROW_NUMBER() OVER (PARTITION BY e.id ORDER BY r.release_at, t.key) AS k
		FROM enrolments e JOIN paths pa ON pa.id = e.path_id JOIN releases r ON r.enrolment_id = e.id JOIN tasks t ON t.id = r.task_id
		WHERE e.workspace_id = ? AND e.person_id = ? AND e.state = 'active') n
		WHERE n.k = 1 ORDER BY n.release_date, n.path_key`), wsID, personID)
	if err != nil {
		return nil, fmt.Errorf("storage: next steps: %w", err)
	}
	return out, nil
}

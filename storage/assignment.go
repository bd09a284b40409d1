package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// AssignParams names a task and its targets: people and groups of the
// workspace. Targets are expanded and de-duplicated in SQL.
type AssignParams struct {
	WorkspaceID int64
	TaskID      int64
	GuideID     int64
	PersonIDs   []int64
	GroupIDs    []int64
	// Users are chat users named (mentions); newcomers among them become
	// learners in the same transaction.
	Users []model.User
	// TargetSet names the members of platform groups staged for the
	// command (NewTargetSet, StageMembers), "" for none; newcomers among
	// them become learners in the same transaction, and a decision keeps
	// the set.
	TargetSet   string
	DecisionTTL time.Duration
	// Due is the assignments' due date; zero for none. A decision keeps it
	// for Only new and Force reassignment.
	Due calendar.Date
}

// AssignResult says what Assign did: assigned to everyone, or stored a
// decision because some targets already hold the task.
type AssignResult struct {
	Targets  int
	Assigned int
	Names    []string // up to 10 of the people assigned, or of the holders
	// Set when someone already holds the task and nothing was assigned.
	Decision *Decision
	Holders  int
	New      int // targets who do not hold the task
	// NotOnChat counts the people assigned who have no chat identity yet
	// (invited by email): no DM reaches them; tasks shows it once they join.
	NotOnChat int
	people    []int64
}

// summaryNames bounds the names a summary carries.
const summaryNames = 10

// targets is the de-duplicated set of people named directly, through
// groups or in a target set (only those learnbot knows), with the group each
// came through (if any): rows of (person_id, group_id). The people are one
// parameter however many.
func (s *Store) targets(wsID int64, personIDs, groupIDs []int64, setID string) fragment {
	if setID == "" {
		return s.targetsWith(wsID, personIDs, groupIDs, fragment{})
	}
	return s.targetsWith(wsID, personIDs, groupIDs, stagedPeople(wsID, frag(`?`, setID)))
}

// targetsWith is targets with the people of the target set given as rows
// (person_id, NULL), if any.
func (s *Store) targetsWith(wsID int64, personIDs, groupIDs []int64, staged fragment) fragment {
	parts := []fragment{
		frag(`SELECT u.person_id, MIN(u.group_id) AS group_id FROM (
		SELECT m.person_id, m.group_id FROM group_members m WHERE m.workspace_id = ? AND `, wsID),
		s.idIn("m.group_id", groupIDs),
		frag(`
		UNION ALL
		SELECT p.id, NULL FROM people p WHERE p.workspace_id = ? AND `, wsID),
		s.idIn("p.id", personIDs),
	}
	if staged.sql != "" {
		parts = append(parts, frag(`
		UNION ALL
		`), staged)
	}
	return join(append(parts, frag(`
	) u GROUP BY u.person_id`))...)
}

// Assign assigns a task to its targets when none of them holds it yet, and
// otherwise stores a decision and assigns nothing. Concurrent calls for the
// same task are serialized on the task row, so two guides assigning at once
// make one assignment and one decision.
func (s *Store) Assign(ctx context.Context, p AssignParams) (*AssignResult, error) {
	var res *AssignResult
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := s.lockTask(ctx, tx, p.WorkspaceID, p.TaskID); err != nil {
			return err
		}
		if err := s.bulkMemory(ctx, tx, p.TargetSet != ""); err != nil {
			return err
		}
		personIDs, created, err := s.namedPeople(ctx, tx, p)
		if err != nil {
			return err
		}
		// People created just now hold nothing: when they are all the
		// targets there is nobody to count.
		allNew := created > 0 && created == len(personIDs) && len(p.GroupIDs) == 0 && p.TargetSet == ""
		p.PersonIDs = personIDs
		res, err = s.assignOrAsk(ctx, tx, p, allNew)
		if err != nil || res.Assigned == 0 {
			return err
		}
		return s.record(ctx, tx, Event{WorkspaceID: p.WorkspaceID, ActorID: ref(p.GuideID), Kind: EventAssign,
			TaskID: ref(p.TaskID), PersonID: onlyOne(res.people), Count: res.Assigned, Details: EventDetails{Names: res.Names}})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: assign: %w", err)
	}
	return res, nil
}

// namedPeople is the people named directly: p.PersonIDs and the chat users
// of p.Users, who become learners here if they are new (created counts
// them).
func (s *Store) namedPeople(ctx context.Context, tx *sqlx.Tx, p AssignParams) (ids []int64, created int, err error) {
	if len(p.Users) == 0 {
		return p.PersonIDs, 0, nil
	}
	people, created, err := s.ensurePeople(ctx, tx, p.WorkspaceID, p.Users)
	if err != nil {
		return nil, 0, err
	}
	ids = slices.Clone(p.PersonIDs)
	for _, person := range people {
		ids = append(ids, person.ID)
	}
	return ids, created, nil
}

// assignOrAsk assigns to every target when nobody holds the task, and
// otherwise names some holders and stores a decision. Members of the
// target set learnbot has not met hold nothing: they become learners only
// when the task is assigned (here, or when Only new or Force is pressed),
// and until then are only counted. When allNew, every target is a person
// created in this transaction (p.PersonIDs, no groups or set): nobody holds
// the task, and nothing is counted.
func (s *Store) assignOrAsk(ctx context.Context, tx *sqlx.Tx, p AssignParams, allNew bool) (*AssignResult, error) {
	var res AssignResult
	var err error
	var holderNames []string
	var unknown int
	if allNew {
		res.Targets = len(p.PersonIDs)
	} else if res.Targets, res.Holders, unknown, holderNames, err = s.countHolders(ctx, tx, p); err != nil {
		return nil, err
	}
	if res.Holders == 0 {
		if unknown, err = s.createStaged(ctx, tx, p.WorkspaceID, p.TargetSet); err != nil {
			return nil, err
		}
	}
	res.Targets += unknown
	if res.Targets == 0 {
		return &res, nil
	}
	res.New = res.Targets - res.Holders
	now := s.now()
	if res.Holders == 0 {
		a, err := s.assignFrom(ctx, tx, p.Due, join(
			frag(`SELECT ?, ?, t.person_id, ?, t.group_id, FALSE, 'open', ?, `, p.WorkspaceID, p.TaskID, p.GuideID, now),
			s.dateValue(p.Due), frag(` FROM (`), s.targets(p.WorkspaceID, p.PersonIDs, p.GroupIDs, p.TargetSet), frag(`) t`)))
		res.people, res.Names, res.NotOnChat, res.Assigned = a.people, a.names, a.notOnChat, len(a.people)
		return &res, err
	}
	res.Names = holderNames
	res.Decision, err = s.storeDecision(ctx, tx, p, now)
	return &res, err
}

// countHolders counts the targets learnbot knows and those of them who
// hold the task, counts the members of the target set it has not met, and
// names up to summaryNames of the holders: one statement, one pass over the
// target set (for a platform group of 100,000, each pass joins them all).
func (s *Store) countHolders(ctx context.Context, tx *sqlx.Tx, p AssignParams) (targets, holders, unknown int, names []string, err error) {
	var rows []struct {
		Kind    int    `db:"kind"`
		Targets int    `db:"targets"`
		Holders int    `db:"holders"`
		Name    string `db:"name"`
	}
	// The target set's members, with the person each is if learnbot knows them.
	set, staged, unknownRow := frag(`WITH `), fragment{}, frag(``)
	if p.TargetSet != "" {
		set = frag(`WITH s AS (SELECT m.chat_id, p.id AS person_id FROM target_member_ids m
			LEFT JOIN people p ON p.workspace_id = ? AND p.chat_id = m.chat_id WHERE m.set_id = ?), `, p.WorkspaceID, p.TargetSet)
		staged = frag(`SELECT s.person_id, NULL FROM s WHERE s.person_id IS NOT NULL`)
		unknownRow = frag(`
		UNION ALL
		SELECT 2, count(DISTINCT s.chat_id), 0, '' FROM s WHERE s.person_id IS NULL`)
	}
	// Any ten holders will do; sorting thousands to pick them would not.
	q := join(set, frag(`t AS (SELECT t.person_id, CASE WHEN EXISTS (
		SELECT 1 FROM assignments a WHERE a.task_id = ? AND a.person_id = t.person_id AND a.state <> 'removed') THEN 1 ELSE 0 END AS held
		FROM (`, p.TaskID), s.targetsWith(p.WorkspaceID, p.PersonIDs, p.GroupIDs, staged), frag(`) t)
		SELECT 0 AS kind, count(*) AS targets, COALESCE(SUM(t.held), 0) AS holders, '' AS name FROM t
		UNION ALL
		SELECT 1, 0, 0, h.name FROM (SELECT p.display_name AS name FROM t JOIN people p ON p.id = t.person_id WHERE t.held = 1 LIMIT ?) h`,
		summaryNames), unknownRow)
	if err = tx.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return 0, 0, 0, nil, err
	}
	for _, r := range rows {
		switch r.Kind {
		case 0:
			targets, holders = r.Targets, r.Holders
		case 1:
			names = append(names, r.Name)
		case 2:
			unknown = r.Targets
		}
	}
	sortNames(names)
	return targets, holders, unknown, names, nil
}

// assigned is what assignFrom made: the people assigned, up to
// summaryNames of their names, and how many of them are not on chat yet.
type assigned struct {
	people    []int64
	names     []string
	notOnChat int
}

// assignFrom inserts the assignments sel yields (see insertAssignments),
// queues their DMs and arms the reminders of their due date.
func (s *Store) assignFrom(ctx context.Context, tx *sqlx.Tx, due calendar.Date, sel fragment) (assigned, error) {
	ids, a, err := s.insertAssignments(ctx, tx, sel)
	if err != nil {
		return assigned{}, err
	}
	if err := s.queueDMs(ctx, tx, ids); err != nil {
		return assigned{}, err
	}
	if !due.IsZero() {
		err = s.armReminders(ctx, tx, ids, due, true)
	}
	return a, err
}

// lockTask locks the task row for the transaction; an archived task is
// ErrArchived.
func (s *Store) lockTask(ctx context.Context, tx *sqlx.Tx, wsID, taskID int64) error {
	var archivedAt *time.Time
	err := tx.GetContext(ctx, &archivedAt, s.q(`SELECT archived_at FROM tasks WHERE workspace_id = ? AND id = ?`+s.forUpdate()), wsID, taskID)
	if err == nil && archivedAt != nil {
		return ErrArchived
	}
	return notFound(err)
}

// insertAssignments runs one INSERT ... SELECT (sel gives the columns in
// order) and returns the new assignment IDs and what was assigned: the
// statement returns each person's name and whether they are on chat, so
// that the summary needs no second read of the people.
func (s *Store) insertAssignments(ctx context.Context, tx *sqlx.Tx, sel fragment) ([]int64, assigned, error) {
	q := join(frag(`INSERT INTO assignments
		(workspace_id, task_id, person_id, assigned_by, group_id, forced, state, created_at, due_date) `), sel, frag(`
		RETURNING id, person_id,
		(SELECT p.display_name FROM people p WHERE p.id = assignments.person_id),
		(SELECT count(*) FROM people p WHERE p.id = assignments.person_id AND p.chat_id IS NULL)`))
	rows, err := tx.QueryxContext(ctx, s.q(q.sql), q.args...)
	if err != nil {
		return nil, assigned{}, err
	}
	defer rows.Close()
	var ids []int64
	var a assigned
	for rows.Next() {
		var id, person int64
		var name string
		var offChat int
		if err := rows.Scan(&id, &person, &name, &offChat); err != nil {
			return nil, assigned{}, err
		}
		ids = append(ids, id)
		a.people = append(a.people, person)
		if len(a.names) < summaryNames {
			a.names = append(a.names, name)
		}
		a.notOnChat += offChat
	}
	sortNames(a.names)
	return ids, a, rows.Err()
}

// sortNames sorts names as summaries show them, ignoring case.
func sortNames(names []string) {
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
}

func (s *Store) names(ctx context.Context, tx *sqlx.Tx, personIDs []int64) ([]string, error) {
	if len(personIDs) > summaryNames {
		personIDs = personIDs[:summaryNames]
	}
	var names []string
	q := join(frag(`SELECT display_name FROM people WHERE id IN (`), inList(personIDs), frag(`) ORDER BY lower(display_name)`))
	err := tx.SelectContext(ctx, &names, s.q(q.sql), q.args...)
	return names, err
}

func (s *Store) queueDMs(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
	if s.outbox == nil || len(ids) == 0 {
		return nil
	}
	return s.outbox.QueueDMs(ctx, tx.Tx, ids)
}

// AssignmentView is an assignment with what replies and DMs show of it.
type AssignmentView struct {
	Assignment
	TaskKey        string  `db:"task_key"`
	TaskTitle      string  `db:"task_title"`
	TaskURL        string  `db:"task_url"`
	PersonName     string  `db:"person_name"`
	PersonZone     string  `db:"person_time_zone"`
	ChatID         *string `db:"chat_id"`
	AssignedByName string  `db:"assigned_by_name"`
	GroupName      *string `db:"group_name"`
	Platform       string  `db:"platform"`
	Workspace      string  `db:"workspace_external_id"`
	// PersonLang is the learner's language, theirs or their platform's;
	// empty: neither is known (LEARNBOT_LANGUAGE then).
	PersonLang catalog.Lang `db:"person_lang"`
	// DMChannel is the learner's DM channel as the platform last gave it
	// (KeepDMChannel), nil when none is kept.
	DMChannel *string `db:"dm_channel"`
}

const assignmentView = `SELECT ` + assignmentColumns + assignmentFrom

// assignmentColumns and assignmentFrom are assignmentView's two halves.
const assignmentColumns = `a.id, a.workspace_id, a.task_id, a.person_id, a.assigned_by, a.group_id, a.forced, a.state,
	a.created_at, a.done_at, a.due_date, a.dm_error, t.key AS task_key, t.title AS task_title, t.url AS task_url,
	p.display_name AS person_name, p.time_zone AS person_time_zone, p.chat_id, b.display_name AS assigned_by_name, g.name AS group_name,
	w.platform, w.external_id AS workspace_external_id, COALESCE(p.language, p.platform_language, '') AS person_lang, p.dm_channel,
	COALESCE(a.enrolment_id, 0) AS enrolment_id`

const assignmentFrom = `
	FROM assignments a
	JOIN tasks t ON t.id = a.task_id
	JOIN people p ON p.id = a.person_id
	JOIN people b ON b.id = a.assigned_by
	JOIN workspaces w ON w.id = a.workspace_id
	LEFT JOIN groups g ON g.id = a.group_id`

// AssignmentByID loads one assignment (for its DM).
func (s *Store) AssignmentByID(ctx context.Context, id int64) (*AssignmentView, error) {
	var v AssignmentView
	if err := s.getPrepared(ctx, &v, s.q(assignmentView+` WHERE a.id = ?`), id); err != nil {
		return nil, fmt.Errorf("storage: assignment: %w", notFound(err))
	}
	return &v, nil
}

// AssignmentsOf lists a learner's assignments, up to limit, and says how
// many there are in all: open ones first, by due date (overdue ones are the
// earliest; none last), then newest first.
func (s *Store) AssignmentsOf(ctx context.Context, wsID, personID int64, limit int) ([]AssignmentView, int, error) {
	var out []AssignmentView
	err := s.selectPrepared(ctx, &out, s.q(assignmentView+`
		WHERE a.workspace_id = ? AND a.person_id = ? AND a.state <> 'removed'
		ORDER BY CASE WHEN a.state = 'open' THEN 0 ELSE 1 END,
			CASE WHEN a.state = 'open' AND a.due_date IS NOT NULL THEN 0 ELSE 1 END,
			CASE WHEN a.state = 'open' THEN a.due_date END, a.created_at DESC, a.id DESC LIMIT ?`), wsID, personID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("storage: assignments of: %w", err)
	}
	total := len(out)
	if total == limit {
		err = s.db.GetContext(ctx, &total, s.q(`SELECT count(*) FROM assignments WHERE workspace_id = ? AND person_id = ? AND state <> 'removed'`), wsID, personID)
		if err != nil {
			return nil, 0, fmt.Errorf("storage: assignments of: %w", err)
		}
	}
	return out, total, nil
}

// MarkDone marks a learner's own open assignment done. Someone else's
// assignment is ErrNotYours; a done one is ErrDone.
func (s *Store) MarkDone(ctx context.Context, wsID, assignmentID, personID int64) (*AssignmentView, error) {
	v, err := s.setDone(ctx, wsID, assignmentID, personID, true)
	if err != nil {
		return v, fmt.Errorf("storage: mark done: %w", err)
	}
	return v, nil
}

// Reopen undoes Mark done: a learner's own done assignment is open again.
// Someone else's is ErrNotYours; an open one (a second Undo) is ErrNotDone;
// a removed one, or one of another workspace, ErrNotFound.
func (s *Store) Reopen(ctx context.Context, wsID, assignmentID, personID int64) (*AssignmentView, error) {
	v, err := s.setDone(ctx, wsID, assignmentID, personID, false)
	if err != nil {
		return v, fmt.Errorf("storage: reopen: %w", err)
	}
	return v, nil
}

// setDone moves a learner's own assignment from open to done, or back, and
// records it; a press that finds it already there returns it with ErrDone
// or ErrNotDone.
func (s *Store) setDone(ctx context.Context, wsID, assignmentID, personID int64, done bool) (*AssignmentView, error) {
	update, kind, already := `UPDATE assignments SET state = 'open', done_at = NULL
		WHERE id = ? AND workspace_id = ? AND person_id = ? AND state = 'done'`, EventUndo, ErrNotDone
	args := []any{assignmentID, wsID, personID}
	if done {
		update, kind, already = `UPDATE assignments SET state = 'done', done_at = ?
			WHERE id = ? AND workspace_id = ? AND person_id = ? AND state = 'open'`, EventDone, ErrDone
		args = append([]any{s.now()}, args...)
	}
	var n int64
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(update), args...)
		if err != nil {
			return err
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return nil
		}
		return s.recordAssignment(ctx, tx, kind, assignmentID, personID)
	})
	if err != nil {
		return nil, err
	}
	v, err := s.AssignmentByID(ctx, assignmentID)
	if err != nil || v.WorkspaceID != wsID || v.State == AssignmentRemoved {
		return nil, ErrNotFound
	}
	switch {
	case n == 1:
		return v, nil
	case v.PersonID != personID:
		return nil, ErrNotYours
	default:
		return v, already
	}
}

// recordAssignment records a change of one assignment (done, undo) by actor.
func (s *Store) recordAssignment(ctx context.Context, tx *sqlx.Tx, kind string, assignmentID, actorID int64) error {
	var a struct {
		WorkspaceID int64 `db:"workspace_id"`
		TaskID      int64 `db:"task_id"`
		PersonID    int64 `db:"person_id"`
	}
	err := tx.GetContext(ctx, &a, s.q(`SELECT workspace_id, task_id, person_id FROM assignments WHERE id = ?`), assignmentID)
	if err != nil {
		return err
	}
	return s.record(ctx, tx, Event{WorkspaceID: a.WorkspaceID, ActorID: ref(actorID), Kind: kind,
		TaskID: ref(a.TaskID), PersonID: ref(a.PersonID), Count: 1})
}

// SetDMError records why an assignment's DM could not be delivered: it was
// given up.
func (s *Store) SetDMError(ctx context.Context, assignmentID int64, reason string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE assignments SET dm_error = ?, dm_retrying = FALSE WHERE id = ?`),
		reason, assignmentID)
	if err != nil {
		return fmt.Errorf("storage: set dm error: %w", err)
	}
	return nil
}

// SetDMRetrying records the platform's error of a failed DM that will be
// retried.
func (s *Store) SetDMRetrying(ctx context.Context, assignmentID int64, lastError string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE assignments SET dm_error = ?, dm_retrying = TRUE WHERE id = ?`),
		lastError, assignmentID)
	if err != nil {
		return fmt.Errorf("storage: set dm retrying: %w", err)
	}
	return nil
}

// ClearDMError records that a DM that had failed went out after all.
func (s *Store) ClearDMError(ctx context.Context, assignmentID int64) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE assignments SET dm_error = NULL, dm_retrying = FALSE WHERE id = ?`),
		assignmentID)
	if err != nil {
		return fmt.Errorf("storage: clear dm error: %w", err)
	}
	return nil
}

// ProgressRow is one holder of a task: their latest assignment's state and
// how many times they hold it.
type ProgressRow struct {
	Name    string
	State   string
	Count   int
	DMError *string
	// DMRetrying says DMError is the last error of a DM still being
	// retried, not the reason it was given up.
	DMRetrying bool
	Due        calendar.Date // of the latest assignment; zero for none
	Zone       string        // the holder's time zone ("" for LEARNBOT_TIMEZONE)
}

// Progress lists who holds a task, by name.
func (s *Store) Progress(ctx context.Context, wsID, taskID int64) ([]ProgressRow, error) {
	var rows []struct {
		PersonID int64         `db:"person_id"`
		Name     string        `db:"display_name"`
		State    string        `db:"state"`
		DMError  *string       `db:"dm_error"`
		Retrying bool          `db:"dm_retrying"`
		Due      calendar.Date `db:"due_date"`
		Zone     string        `db:"time_zone"`
	}
	err := s.db.SelectContext(ctx, &rows, s.q(`SELECT a.person_id, p.display_name, a.state, a.dm_error, a.dm_retrying,
		a.due_date, p.time_zone
		FROM assignments a JOIN people p ON p.id = a.person_id
		WHERE a.workspace_id = ? AND a.task_id = ? AND a.state <> 'removed'
		ORDER BY lower(p.display_name), a.person_id, a.created_at, a.id`), wsID, taskID)
	if err != nil {
		return nil, fmt.Errorf("storage: progress: %w", err)
	}
	var out []ProgressRow
	var last int64
	for _, r := range rows {
		if len(out) == 0 || r.PersonID != last {
			out = append(out, ProgressRow{Name: r.Name})
			last = r.PersonID
		}
		row := &out[len(out)-1]
		row.State, row.DMError, row.DMRetrying, row.Due, row.Zone = r.State, r.DMError, r.Retrying, r.Due, r.Zone // the latest wins
		row.Count++
	}
	return out, nil
}

// UnassignParams names a task and the targets whose open assignments of it
// are removed: people, groups (expanded) and chat users.
type UnassignParams struct {
	WorkspaceID int64
	TaskID      int64
	GuideID     int64 // who unassigns
	PersonIDs   []int64
	GroupIDs    []int64
	Users       []model.User
	// TargetSet names the members of platform groups staged for the
	// command; those learnbot has not met are missing, not created.
	TargetSet string
}

// UnassignResult says what Unassign removed.
type UnassignResult struct {
	Removed int      // people whose open assignments were removed
	Names   []string // up to 10 of them
	// Learners are the chat users who lost an assignment, for their App
	// Home.
	Learners []model.User
	// MissingTargets are the targets named who held nothing open,
	// including chat users learnbot has not met.
	MissingTargets
}

// Unassign removes the open assignments of a task from its targets in one
// statement (state removed; they stay in the record) and records one event.
// Chat users learnbot has not met hold nothing: they are missing, not
// created.
func (s *Store) Unassign(ctx context.Context, p UnassignParams) (*UnassignResult, error) {
	var res UnassignResult
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res = UnassignResult{}
		personIDs, unknown, err := s.knownPeople(ctx, tx, p.WorkspaceID, p.PersonIDs, p.Users)
		if err != nil {
			return err
		}
		t := s.targets(p.WorkspaceID, personIDs, p.GroupIDs, p.TargetSet)
		if err := s.missingHolders(ctx, tx, p.TaskID, t, &res.MissingTargets); err != nil {
			return err
		}
		if err := s.bulkMemory(ctx, tx, p.TargetSet != ""); err != nil {
			return err
		}
		staged, stagedNames, err := s.stagedUnknown(ctx, tx, p.WorkspaceID, p.TargetSet)
		if err != nil {
			return err
		}
		res.Missing += len(unknown) + staged
		unknown = slices.Concat(unknown, stagedNames)
		res.MissingNames = append(res.MissingNames, unknown[:min(len(unknown), max(0, summaryNames-len(res.MissingNames)))]...)
		ids, people, err := s.removeAssignments(ctx, tx, p.WorkspaceID, p.TaskID, t)
		if err != nil || len(ids) == 0 {
			return err
		}
		who, err := s.touchedPeople(ctx, tx, people)
		if err != nil {
			return err
		}
		res.Removed, res.Names, res.Learners = who.count, who.names, who.learners
		q := join(frag(`DELETE FROM reminders WHERE assignment_id IN `), s.idSet(ids))
		if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
			return err
		}
		return s.record(ctx, tx, Event{WorkspaceID: p.WorkspaceID, ActorID: ref(p.GuideID), Kind: EventUnassign,
			TaskID: ref(p.TaskID), PersonID: onlyOne(people), Count: res.Removed,
			Details: EventDetails{Names: res.Names, Missing: res.Missing}})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: unassign: %w", err)
	}
	return &res, nil
}

// knownPeople adds the people of the chat users learnbot knows to ids, and
// names the chat users it does not know.
func (s *Store) knownPeople(ctx context.Context, tx *sqlx.Tx, wsID int64, ids []int64, users []model.User) ([]int64, []string, error) {
	if len(users) == 0 {
		return ids, nil, nil
	}
	people, err := s.peopleByChatID(ctx, tx, wsID, users)
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	ids = slices.Clone(ids)
	for _, p := range people {
		known[*p.ChatID] = true
		ids = append(ids, p.ID)
	}
	var unknown []string
	for _, u := range users {
		if !known[u.ID] {
			known[u.ID] = true // named twice, missing once
			unknown = append(unknown, cmp.Or(u.Name, u.ID))
		}
	}
	return ids, unknown, nil
}

// removeAssignments marks the targets' open assignments of a task removed
// and returns their IDs and the people who held them (each once).
func (s *Store) removeAssignments(ctx context.Context, tx *sqlx.Tx, wsID, taskID int64, t fragment) ([]int64, []int64, error) {
	q := join(frag(`UPDATE assignments SET state = 'removed' WHERE id IN (SELECT a.id FROM assignments a
		WHERE a.workspace_id = ? AND a.task_id = ? AND a.state = 'open' AND a.person_id IN (SELECT t.person_id FROM (`, wsID, taskID),
		t, frag(`) t)) RETURNING id, person_id`))
	var rows []struct {
		ID       int64 `db:"id"`
		PersonID int64 `db:"person_id"`
	}
	if err := tx.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(rows))
	var people []int64
	seen := map[int64]bool{}
	for i, r := range rows {
		ids[i] = r.ID
		if !seen[r.PersonID] {
			seen[r.PersonID] = true
			people = append(people, r.PersonID)
		}
	}
	return ids, people, nil
}

// touched is who a change to some people's assignments touched, for its
// reply and its audit event.
type touched struct {
	count    int
	names    []string     // the first summaryNames, by name
	learners []model.User // the chat users among them, for their App Home
}

// touchedPeople reads the names and chat identities of these people.
func (s *Store) touchedPeople(ctx context.Context, tx *sqlx.Tx, people []int64) (touched, error) {
	var rows []struct {
		Name   string  `db:"display_name"`
		ChatID *string `db:"chat_id"`
	}
	q := join(frag(`SELECT display_name, chat_id FROM people WHERE id IN `), s.idSet(people), frag(` ORDER BY lower(display_name), id`))
	if err := tx.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return touched{}, err
	}
	t := touched{count: len(rows)}
	for i, r := range rows {
		if i < summaryNames {
			t.names = append(t.names, r.Name)
		}
		if r.ChatID != nil {
			t.learners = append(t.learners, model.User{ID: *r.ChatID, Name: r.Name})
		}
	}
	return t, nil
}

package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/model"
)

// SetDueParams names a task's open assignments whose due date changes: the
// targets' (people, groups, chat users), or every holder's when none is
// named.
type SetDueParams struct {
	WorkspaceID int64
	TaskID      int64
	ActorID     int64 // who sets it (the audit trail)
	// Due is the new date; zero clears it.
	Due       calendar.Date
	PersonIDs []int64
	GroupIDs  []int64
	Users     []model.User
	// TargetSet names members of platform groups staged for the command;
	// those learnbot has not met are missing.
	TargetSet string
	// All sets it on every open assignment of the task (no targets named).
	All bool
}

// SetDueResult says what SetDue changed.
type SetDueResult struct {
	Changed int // open assignments whose date changed
	Already int // open assignments that had this date already
	MissingTargets
}

// MissingTargets are the named targets holding no open assignment of a
// task (SetDue, Unassign): how many, and up to 10 of their names.
type MissingTargets struct {
	Missing      int
	MissingNames []string
	// Learners are the chat users whose date changed, for their App Home.
	Learners []model.User
}

// SetDue sets or clears the due date of a task's open assignments and
// re-arms their reminders, in one transaction; assignments whose date does
// not change keep theirs (a reminder already sent is not sent again).
func (s *Store) SetDue(ctx context.Context, p SetDueParams) (*SetDueResult, error) {
	var res SetDueResult
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res = SetDueResult{}
		if err := s.lockTask(ctx, tx, p.WorkspaceID, p.TaskID); err != nil {
			return err
		}
		open := frag(`a.workspace_id = ? AND a.task_id = ? AND a.state = 'open'`, p.WorkspaceID, p.TaskID)
		if !p.All {
			personIDs, _, err := s.namedPeople(ctx, tx, AssignParams{WorkspaceID: p.WorkspaceID, PersonIDs: p.PersonIDs, Users: p.Users})
			if err != nil {
				return err
			}
			t := s.targets(p.WorkspaceID, personIDs, p.GroupIDs, p.TargetSet)
			if err := s.missingHolders(ctx, tx, p.TaskID, t, &res.MissingTargets); err != nil {
				return err
			}
			staged, names, err := s.stagedUnknown(ctx, tx, p.WorkspaceID, p.TargetSet)
			if err != nil {
				return err
			}
			res.Missing += staged
			res.MissingNames = append(res.MissingNames, names[:min(len(names), max(0, summaryNames-len(res.MissingNames)))]...)
			open = join(open, frag(` AND a.person_id IN (SELECT t.person_id FROM (`), t, frag(`) t)`))
		}
		ids, people, err := s.changeDue(ctx, tx, p.Due, open, &res)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := s.recordDue(ctx, tx, p, people, &res); err != nil {
			return err
		}
		if p.Due.IsZero() {
			q := join(frag(`DELETE FROM reminders WHERE assignment_id IN `), s.idSet(ids))
			_, err := tx.ExecContext(ctx, s.q(q.sql), q.args...)
			return err
		}
		return s.armReminders(ctx, tx, ids, p.Due, false)
	})
	if err != nil {
		return nil, fmt.Errorf("storage: set due: %w", err)
	}
	return &res, nil
}

// recordDue writes the audit event of a due date change to these people's
// open assignments, and fills res with the chat users among them.
func (s *Store) recordDue(ctx context.Context, tx *sqlx.Tx, p SetDueParams, people []int64, res *SetDueResult) error {
	who, err := s.touchedPeople(ctx, tx, people)
	if err != nil {
		return err
	}
	res.Learners = append(res.Learners, who.learners...)
	return s.record(ctx, tx, Event{WorkspaceID: p.WorkspaceID, ActorID: ref(p.ActorID), Kind: EventDue, TaskID: ref(p.TaskID),
		PersonID: onlyOne(people), Count: len(people), Details: EventDetails{Names: who.names, Missing: res.Missing, Due: p.Due.String()}})
}

// changeDue sets the date on the open assignments matched by where whose
// date differs, and returns them and their people; res counts them and the
// others.
func (s *Store) changeDue(ctx context.Context, tx *sqlx.Tx, due calendar.Date, where fragment, res *SetDueResult) (ids, people []int64, err error) {
	differs := `a.due_date IS DISTINCT FROM ?`
	if s.dialect == SQLite {
		differs = `a.due_date IS NOT ?`
	}
	q := join(frag(`UPDATE assignments SET due_date = `), s.dateValue(due),
		frag(` WHERE id IN (SELECT a.id FROM assignments a WHERE `), where,
		frag(` AND `+strings.Replace(differs, "?", s.typed("DATE"), 1)+`) RETURNING id, person_id`, due))
	var rows []struct {
		ID       int64 `db:"id"`
		PersonID int64 `db:"person_id"`
	}
	if err := tx.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		ids = append(ids, r.ID)
		people = append(people, r.PersonID)
	}
	res.Changed = len(ids)
	q = join(frag(`SELECT count(*) FROM assignments a WHERE `), where)
	var all int
	if err := tx.GetContext(ctx, &all, s.q(q.sql), q.args...); err != nil {
		return nil, nil, err
	}
	res.Already = all - res.Changed
	return ids, people, nil
}

// missingHolders counts and names the targets t who hold no open
// assignment of the task.
func (s *Store) missingHolders(ctx context.Context, tx *sqlx.Tx, taskID int64, t fragment, res *MissingTargets) error {
	none := frag(`NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ? AND a.person_id = t.person_id AND a.state = 'open')`, taskID)
	q := join(frag(`SELECT count(*) FROM (`), t, frag(`) t WHERE `), none)
	if err := tx.GetContext(ctx, &res.Missing, s.q(q.sql), q.args...); err != nil || res.Missing == 0 {
		return err
	}
	q = join(frag(`SELECT p.display_name FROM (`), t, frag(`) t JOIN people p ON p.id = t.person_id WHERE `), none,
		frag(` ORDER BY lower(p.display_name) LIMIT ?`, summaryNames))
	return tx.SelectContext(ctx, &res.MissingNames, s.q(q.sql), q.args...)
}

// dateValue is a due date as a statement's value (NULL for none).
func (s *Store) dateValue(d calendar.Date) fragment { return frag(s.typed("DATE"), d) }

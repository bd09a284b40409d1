package storage

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Event kinds: DESIGN section 1's Event list, as far as learnbot makes the
// change.
const (
	EventAssign      = "assign"       // assigned to everyone named (no prompt)
	EventDecide      = "decide"       // a duplicate prompt resolved
	EventUnassign    = "unassign"     // open assignments removed
	EventDone        = "done"         // Mark done
	EventUndo        = "undo"         // Undo after Mark done
	EventInvite      = "invite"       // an invitation created
	EventInviteAgain = "invite_again" // a new link for a pending invitation
	EventRevoke      = "revoke"       // an invitation withdrawn
	EventAccept      = "accept"       // an invitation accepted
	EventRole        = "role"         // a role set
	EventTaskAdd     = "task_add"
	EventTaskEdit    = "task_edit"
	EventTaskArchive = "task_archive"
	EventTaskRestore = "task_restore"
	EventGroupRename = "group_rename"
	EventGroupCreate = "group_create"
	EventGroupDelete = "group_delete"
	EventGroupAdd    = "group_add"
	EventGroupRemove = "group_remove"
	EventDue         = "due" // due date set or cleared on open assignments
	// Paths (DESIGN 3b); details name the path.
	EventPathCreate     = "path_create"
	EventPathStep       = "path_step"        // a step added or moved
	EventPathStepRemove = "path_step_remove" // a step taken out
	EventPathArchive    = "path_archive"
	EventPathRestore    = "path_restore"
	EventEnrol          = "enrol"     // enrolled everyone named (no prompt)
	EventEnrolEnd       = "enrol_end" // enrolments ended (unassign <path>)
	EventJoin           = "join"      // a chat account linked with a join code
	eventDetailsEmpty   = "{}"
)

// Event is one entry of the audit trail: who (Actor) changed what (Kind,
// about a task, a person, an invitation or a group) and when. A change to a
// set of people is one event with Count; Details.Names names some of them.
type Event struct {
	ID           int64        `db:"id"`
	WorkspaceID  int64        `db:"workspace_id"`
	ActorID      *int64       `db:"actor_id"`
	CreatedAt    time.Time    `db:"created_at"`
	Kind         string       `db:"kind"`
	TaskID       *int64       `db:"task_id"`
	PersonID     *int64       `db:"person_id"`
	InvitationID *int64       `db:"invitation_id"`
	GroupID      *int64       `db:"group_id"`
	Count        int          `db:"count"`
	Details      EventDetails `db:"details"`

	// Filled by History: the names as they are now.
	ActorName  string `db:"actor_name"`
	TaskKey    string `db:"task_key"`
	PersonName string `db:"person_name"`
}

// EventDetails is what an event keeps as it was when it happened (a group
// may be deleted, an invitation's role changed): stored as JSON.
type EventDetails struct {
	Group      string   `json:"group,omitempty"`
	Email      string   `json:"email,omitempty"`
	Role       string   `json:"role,omitempty"`
	Resolution string   `json:"resolution,omitempty"` // of a decision
	Names      []string `json:"names,omitempty"`      // up to 10 of the people a set-based change touched
	Missing    int      `json:"missing,omitempty"`    // unassign, due: targets who held nothing open
	Title      string   `json:"title,omitempty"`      // task edit: the new title
	From       string   `json:"from,omitempty"`       // group rename: the name before (Group is the new one)
	Due        string   `json:"due,omitempty"`        // due: the date set (YYYY-MM-DD), "" when cleared
	Path       string   `json:"path,omitempty"`       // the path's key, for path events
	Rule       int64    `json:"rule,omitempty"`       // the rule that made the change (auto #3)
}

// Value stores the details as JSON.
func (d EventDetails) Value() (driver.Value, error) {
	b, err := json.Marshal(d)
	return string(b), err
}

// Scan reads the details' JSON (TEXT on both dialects).
func (d *EventDetails) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*d = EventDetails{}
		return nil
	default:
		return fmt.Errorf("storage: event details: unexpected %T", src)
	}
	*d = EventDetails{}
	return json.Unmarshal(b, d)
}

// record writes an event in the transaction of its change.
func (s *Store) record(ctx context.Context, tx *sqlx.Tx, e Event) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO events
		(workspace_id, actor_id, created_at, kind, task_id, person_id, invitation_id, group_id, count, details)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		e.WorkspaceID, e.ActorID, s.now(), e.Kind, e.TaskID, e.PersonID, e.InvitationID, e.GroupID, e.Count, e.Details)
	if err != nil {
		return fmt.Errorf("record %s: %w", e.Kind, err)
	}
	return nil
}

// ref is an event's reference to a row; 0 is none.
func ref(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

// onlyOne is the one person of a set, when the set has exactly one: an event
// about one person names them, so that it shows in their history.
func onlyOne(people []int64) *int64 {
	if len(people) != 1 {
		return nil
	}
	return ref(people[0])
}

// HistoryOf names whose trail to read: a task's, or a person's (what was
// done to them and what they did). Exactly one is set.
type HistoryOf struct {
	TaskID   int64
	PersonID int64
}

// History lists the latest events of a task or a person in the workspace,
// newest first, up to limit.
func (s *Store) History(ctx context.Context, wsID int64, of HistoryOf, limit int) ([]Event, error) {
	where := frag(`e.task_id = ?`, of.TaskID)
	if of.TaskID == 0 {
		where = frag(`(e.person_id = ? OR e.actor_id = ?)`, of.PersonID, of.PersonID)
	}
	q := join(frag(`SELECT e.id, e.workspace_id, e.actor_id, e.created_at, e.kind, e.task_id, e.person_id,
		e.invitation_id, e.group_id, e.count, e.details,
		COALESCE(a.display_name, '') AS actor_name, COALESCE(t.key, '') AS task_key, COALESCE(p.display_name, '') AS person_name
		FROM events e
		LEFT JOIN people a ON a.id = e.actor_id
		LEFT JOIN tasks t ON t.id = e.task_id
		LEFT JOIN people p ON p.id = e.person_id
		WHERE e.workspace_id = ? AND `, wsID), where, frag(`
		ORDER BY e.created_at DESC, e.id DESC LIMIT ?`, limit))
	var out []Event
	if err := s.db.SelectContext(ctx, &out, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: history: %w", err)
	}
	return out, nil
}

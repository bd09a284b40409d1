// Package storage holds learnbot's domain types and the store that keeps
// them in PostgreSQL (sqlx + lib/pq) or SQLite (modernc.org/sqlite). Every
// row belongs to one workspace and every query is scoped to one.
package storage

import (
	"errors"
	"time"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// ErrNotFound is returned when a row does not exist (in this workspace).
var ErrNotFound = errors.New("storage: not found")

// ErrConflict is returned when a unique key is already taken.
var ErrConflict = errors.New("storage: already exists")

// Errors of pressing a button on someone's assignment or decision.
var (
	ErrNotYours = errors.New("storage: not yours")                 // the assignment or decision is someone else's
	ErrDone     = errors.New("storage: assignment already done")   // Mark done on a done assignment
	ErrNotDone  = errors.New("storage: assignment not done")       // Undo on an open assignment
	ErrDecided  = errors.New("storage: decision already resolved") // a second press
	ErrExpired  = errors.New("storage: decision expired")          // a press after the decision's TTL
	// ErrSetLost: the members of the platform groups a decision named are
	// gone (PostgreSQL lost its unlogged target sets in a crash or failover).
	ErrSetLost = errors.New("storage: decision's target set lost")
)

// ErrArchived is returned when an archived task is assigned.
var ErrArchived = errors.New("storage: task archived")

// Workspace is one Slack team, Discord guild or the console.
type Workspace struct {
	ID         int64     `db:"id"`
	Platform   string    `db:"platform"`
	ExternalID string    `db:"external_id"`
	Name       string    `db:"name"`
	CreatedAt  time.Time `db:"created_at"`
}

// Person statuses.
const (
	StatusInvited = "invited"
	StatusActive  = "active"
)

// Person is someone known in a workspace.
type Person struct {
	ID          int64      `db:"id"`
	WorkspaceID int64      `db:"workspace_id"`
	Role        model.Role `db:"role"`
	Status      string     `db:"status"`
	Email       *string    `db:"email"`
	Name        string     `db:"display_name"`
	// ChatID links the person to a platform user (Slack user ID, Discord
	// user ID, console name); nil for someone invited who has not joined.
	ChatID    *string   `db:"chat_id"`
	CreatedAt time.Time `db:"created_at"`
	// Language is the one the person chose with the language command;
	// empty: auto, follow the platform.
	Language catalog.Lang `db:"language"`
	// PlatformLanguage is the platform's language for them as last seen;
	// empty: unknown, or not one learnbot speaks.
	PlatformLanguage catalog.Lang `db:"platform_language"`
	// TimeZone is the platform's IANA name for the person's time zone
	// (Slack users.info tz); "" means LEARNBOT_TIMEZONE.
	TimeZone string `db:"time_zone"`
}

// Lang is the language the person reads: their choice, else their
// platform's, else def (LEARNBOT_LANGUAGE).
func (p *Person) Lang(def catalog.Lang) catalog.Lang {
	return p.Language.Or(p.PlatformLanguage.Or(def))
}

// Granted is the role that counts: only an active person's. An invited
// person is a learner until they accept their invitation, whatever the row
// says (DESIGN section 1).
func (p *Person) Granted() model.Role {
	if p.Status != StatusActive {
		return model.RoleLearner
	}
	return p.Role
}

// Task is an item of the workspace's learning catalogue.
type Task struct {
	ID          int64     `db:"id"`
	WorkspaceID int64     `db:"workspace_id"`
	Key         string    `db:"key"`
	Title       string    `db:"title"`
	URL         string    `db:"url"`
	Description string    `db:"description"`
	CreatedAt   time.Time `db:"created_at"`
	// ArchivedAt is set while the task is archived: hidden from the
	// catalogue, assign and autocomplete; its assignments stay.
	ArchivedAt *time.Time `db:"archived_at"`
}

// Archived reports whether the task is archived.
func (t *Task) Archived() bool { return t.ArchivedAt != nil }

// Group is a named set of people.
type Group struct {
	ID          int64     `db:"id"`
	WorkspaceID int64     `db:"workspace_id"`
	Name        string    `db:"name"`
	CreatedAt   time.Time `db:"created_at"`
	Size        int       `db:"size"` // filled by listings
}

// Assignment states.
const (
	AssignmentOpen = "open"
	AssignmentDone = "done"
	// AssignmentRemoved is an assignment taken back by unassign: kept in
	// the record, counted nowhere.
	AssignmentRemoved = "removed"
)

// Assignment is a task unlocked for one learner.
type Assignment struct {
	ID          int64      `db:"id"`
	WorkspaceID int64      `db:"workspace_id"`
	TaskID      int64      `db:"task_id"`
	PersonID    int64      `db:"person_id"`
	AssignedBy  int64      `db:"assigned_by"`
	GroupID     *int64     `db:"group_id"` // the group it came through, if any
	Forced      bool       `db:"forced"`
	State       string     `db:"state"`
	CreatedAt   time.Time  `db:"created_at"`
	DoneAt      *time.Time `db:"done_at"`
	// DueDate is the calendar date it is due; zero for none.
	DueDate calendar.Date `db:"due_date"`
	// DMError is the permanent reason the learner's DM could not be delivered.
	DMError *string `db:"dm_error"`
	// EnrolmentID is the path enrolment that released it; 0 for an
	// assignment made by a command or a rule.
	EnrolmentID int64 `db:"enrolment_id"`
}

// Decision resolutions (the buttons of the duplicate prompt).
const (
	ResolutionDoNotAssign = "do_not_assign"
	ResolutionOnlyNew     = "only_new"
	ResolutionForce       = "force"
)

// Decision is the stored choice shown when an assignment would duplicate
// existing ones. It belongs to the guide who ran the command and is resolved
// at most once.
type Decision struct {
	ID          string     `db:"id"` // random, used in button IDs
	WorkspaceID int64      `db:"workspace_id"`
	TaskID      int64      `db:"task_id"`
	GuideID     int64      `db:"guide_id"`
	CreatedAt   time.Time  `db:"created_at"`
	ExpiresAt   time.Time  `db:"expires_at"`
	Resolution  *string    `db:"resolution"`
	ResolvedBy  *int64     `db:"resolved_by"`
	ResolvedAt  *time.Time `db:"resolved_at"`
	// DueDate is the command's due date, applied by Only new and Force.
	DueDate calendar.Date `db:"due_date"`
	// TargetSet is the platform group members the command staged, if any
	// (read when the decision is resolved).
	TargetSet *string `db:"target_set"`
}

// Invitation statuses.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationRevoked  = "revoked"
	InvitationExpired  = "expired"
	// InvitationSuperseded marks a link replaced by "invite again".
	InvitationSuperseded = "superseded"
)

// Invitation is an email address invited to a workspace with a role.
type Invitation struct {
	ID          int64      `db:"id"`
	WorkspaceID int64      `db:"workspace_id"`
	Email       string     `db:"email"`
	Role        model.Role `db:"role"`
	InvitedBy   int64      `db:"invited_by"`
	PersonID    int64      `db:"person_id"` // the invited person (status invited until accepted)
	TokenHash   []byte     `db:"token_hash"`
	Status      string     `db:"status"`
	SendCount   int        `db:"send_count"`
	LastSentAt  *time.Time `db:"last_sent_at"`
	LastError   *string    `db:"last_error"`
	ExpiresAt   time.Time  `db:"expires_at"`
	CreatedAt   time.Time  `db:"created_at"`
	AcceptedAt  *time.Time `db:"accepted_at"`
}

// ErrGone is returned when acting on an invitation that is no longer
// pending (accepted, revoked, expired or superseded).
var ErrGone = errors.New("storage: no longer valid")

// InvitationPage is what the invitation web page shows.
type InvitationPage struct {
	Invitation
	WorkspaceName string `db:"workspace_name"`
	InviterName   string `db:"inviter_name"`
	// JoinCode is set by AcceptInvitation on platforms that give no email
	// (Discord, Matrix): the one-time code that links a chat account with
	// `join <code>`. It is shown once and stored only hashed.
	JoinCode string `db:"-"`
	// Platform is the workspace's platform when JoinCode is set.
	Platform string `db:"-"`
}

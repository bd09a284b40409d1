package queue

import (
	"context"
	"database/sql"
	"time"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/storage"
)

// Store is what the queue asks of learnbot's store (*storage.Store): the
// database its jobs live in, the rows its jobs deliver, the claims of timed
// messages and the record of how each delivery went.
type Store interface {
	// The database River's jobs live in, and the store's clock.
	DB() *sql.DB
	Dialect() storage.Dialect
	MigrationLocked(ctx context.Context, fn func(ctx context.Context) error) error
	Now() time.Time
	ReminderPolicy() storage.ReminderPolicy

	// DMs of assignments and reminders.
	AssignmentByID(ctx context.Context, id int64) (*storage.AssignmentView, error)
	SetDMError(ctx context.Context, assignmentID int64, reason string) error
	SetDMRetrying(ctx context.Context, assignmentID int64, lastError string) error
	ClearDMError(ctx context.Context, assignmentID int64) error

	// Invitations by email and by DM.
	InvitationEmail(ctx context.Context, id int64) (*storage.InvitationPage, error)
	InvitationDM(ctx context.Context, id int64) (*storage.InvitationChat, error)
	MintInvitationLink(ctx context.Context, id int64, publicURL string) (string, error)
	InvitationSent(ctx context.Context, id int64) error
	InvitationFailed(ctx context.Context, id int64, reason string) error

	// Timed messages, claimed when due, and what they tell.
	ClaimDueReminders(ctx context.Context) (int, error)
	ClaimDueReleases(ctx context.Context) (int, error)
	ClaimNotices(ctx context.Context) (int, error)
	Digest(ctx context.Context, personID int64) (*storage.Digest, error)
	EscalationOf(ctx context.Context, guideID int64, day calendar.Date) (*storage.Escalation, error)
	Prune(ctx context.Context) (storage.Pruned, error)
}

var _ Store = (*storage.Store)(nil)

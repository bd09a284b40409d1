package queue

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/riverqueue/river"

	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// InvitationEmailArgs is the job that emails an invitation. It holds no
// secret: the worker mints the link's token when it sends the email, and
// the invitations table keeps only its hash.
type InvitationEmailArgs struct {
	InvitationID int64  `json:"invitation_id"`
	PublicURL    string `json:"public_url"` // the link's base
	// OldLink is the whole link that jobs queued by earlier versions
	// carried; only its base is used (the token it holds was replaced).
	OldLink string `json:"link,omitempty"`
}

// base is where the link points: PublicURL, or the base of an old job's
// link.
func (a InvitationEmailArgs) base() string {
	if a.PublicURL != "" || a.OldLink == "" {
		return a.PublicURL
	}
	base, _, _ := strings.Cut(a.OldLink, "/invite/")
	return base
}

// Kind names the job in River's table.
func (InvitationEmailArgs) Kind() string { return "invitation_email" }

// Mailer sends an invitation email; a *model.PermanentError stops retries.
type Mailer interface {
	SendInvitation(ctx context.Context, inv *storage.InvitationPage, link string) error
}

// QueueInvitationEmail inserts the email job for an invitation in tx.
func (o *Outbox) QueueInvitationEmail(ctx context.Context, tx *sql.Tx, invitationID int64, publicURL string) error {
	return o.insert(ctx, tx, InvitationEmailArgs{InvitationID: invitationID, PublicURL: publicURL})
}

type emailWorker struct {
	river.WorkerDefaults[InvitationEmailArgs]
	q *Queue
}

// Work sends one invitation email.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[InvitationEmailArgs]) error {
	if w.q.cfg.Mailer == nil {
		return river.JobCancel(errors.New("no SMTP server configured"))
	}
	inv, err := w.q.store.InvitationEmail(ctx, job.Args.InvitationID)
	if errors.Is(err, storage.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if inv.Status != storage.InvitationPending {
		return nil // revoked or replaced before it went out: nothing to send
	}
	link, err := w.q.store.MintInvitationLink(ctx, inv.ID, job.Args.base())
	if errors.Is(err, storage.ErrGone) {
		return nil // revoked or replaced meanwhile
	}
	if err != nil {
		return err
	}
	err = w.q.cfg.Mailer.SendInvitation(ctx, inv, link)
	if err == nil {
		return w.q.store.InvitationSent(ctx, inv.ID)
	}
	var perm *model.PermanentError
	if !errors.As(err, &perm) {
		// Shown in "invite list" while the queue keeps trying.
		w.q.store.InvitationFailed(ctx, inv.ID, err.Error())
	}
	return w.q.outcome(ctx, delivery{kind: "invitation_email", id: inv.ID}, job.JobRow, err)
}

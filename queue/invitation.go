package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// InvitationDMArgs is the job that sends an invitation to a chat user found
// by their email: a DM with an Accept button. It holds no secret.
type InvitationDMArgs struct {
	InvitationID int64 `json:"invitation_id"`
}

// Kind names the job in River's table.
func (InvitationDMArgs) Kind() string { return "invitation_dm" }

// QueueInvitationDM inserts the invitation DM job in tx (storage.Outbox).
func (o *Outbox) QueueInvitationDM(ctx context.Context, tx *sql.Tx, invitationID int64) error {
	return o.insert(ctx, tx, InvitationDMArgs{InvitationID: invitationID})
}

type invitationDMWorker struct {
	river.WorkerDefaults[InvitationDMArgs]
	q *Queue
}

// Work sends one invitation DM, unless the invitation was revoked, replaced
// or accepted meanwhile.
func (w *invitationDMWorker) Work(ctx context.Context, job *river.Job[InvitationDMArgs]) error {
	inv, err := w.q.store.InvitationDM(ctx, job.Args.InvitationID)
	if errors.Is(err, storage.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if inv.Status != storage.InvitationPending || inv.ChatID == nil {
		return nil
	}
	sender, ok := w.q.cfg.Senders[inv.Platform]
	if !ok {
		return w.q.permanent(ctx, delivery{"invitation_dm", inv.ID, inv.Platform}, model.Reason{Message: msgNoConnection, Detail: inv.Platform}, nil)
	}
	msg, err := w.q.cfg.Composer.InvitationDM(ctx, inv)
	if err != nil {
		return fmt.Errorf("queue: compose the DM of invitation %d: %w", inv.ID, err)
	}
	err = w.q.send(ctx, sender, msg, bot.DMKey{Kind: "invitation", ID: inv.ID}, job.JobRow)
	return w.q.outcome(ctx, delivery{"invitation_dm", inv.ID, inv.Platform}, job.JobRow, err)
}

package queue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

type dmWorker struct {
	river.WorkerDefaults[DMArgs]
	q *Queue
}

// Work delivers one assignment DM through its platform's sender.
func (w *dmWorker) Work(ctx context.Context, job *river.Job[DMArgs]) error {
	a, err := w.q.store.AssignmentByID(ctx, job.Args.AssignmentID)
	if errors.Is(err, storage.ErrNotFound) {
		return river.JobCancel(err) // the task or person was deleted
	}
	if err != nil {
		return err
	}
	if a.ChatID == nil {
		// Invited by email and not on chat yet: /tasks shows it once they are.
		return w.q.permanent(ctx, "dm", a.ID, "not on chat yet", nil)
	}
	sender, ok := w.q.cfg.Senders[a.Platform]
	if !ok {
		return w.q.permanent(ctx, "dm", a.ID, "no "+a.Platform+" connection configured", nil)
	}
	err = sender.SendDM(ctx, DMMessage(a))
	return w.q.outcome(ctx, "dm", a.ID, err)
}

// DMMessage is the DM that tells a learner about an assignment.
func DMMessage(a *storage.AssignmentView) bot.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "New learning task from %s: %s (%s)", a.AssignedByName, a.TaskTitle, a.TaskKey)
	if a.TaskURL != "" {
		fmt.Fprintf(&b, "\n%s", a.TaskURL)
	}
	if a.GroupName != nil {
		fmt.Fprintf(&b, "\nAssigned to the group %s.", *a.GroupName)
	}
	return bot.Message{
		Platform:  a.Platform,
		Workspace: a.Workspace,
		To:        bot.User{ID: *a.ChatID, Name: a.PersonName},
		Text:      b.String(),
		Buttons:   []bot.Button{{Label: "Mark done", ID: "done:" + strconv.FormatInt(a.ID, 10), Style: bot.StylePrimary}},
	}
}

// outcome maps a delivery error to River: nil completes, a rate limit
// snoozes without using an attempt, a permanent failure is recorded and
// cancels, anything else is retried with backoff.
func (q *Queue) outcome(ctx context.Context, kind string, id int64, err error) error {
	var retry *bot.RetryAfterError
	var perm *bot.PermanentError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &retry):
		q.cfg.Log.Info("rate limited", "job", kind, "id", id, "after", retry.After)
		return river.JobSnooze(max(retry.After, 0))
	case errors.As(err, &perm):
		return q.permanent(ctx, kind, id, perm.Reason, err)
	}
	if q.cfg.OnFailure != nil {
		q.cfg.OnFailure(kind, false)
	}
	return err
}

func (q *Queue) permanent(ctx context.Context, kind string, id int64, reason string, cause error) error {
	var err error
	if kind == "dm" {
		err = q.store.SetDMError(ctx, id, reason)
	} else {
		err = q.store.InvitationFailed(ctx, id, reason)
	}
	if err != nil {
		return err // retried: the failure must be recorded
	}
	if q.cfg.OnFailure != nil {
		q.cfg.OnFailure(kind, true)
	}
	q.cfg.Log.Warn("delivery failed for good", "job", kind, "id", id, "reason", reason, "error", cause)
	return river.JobCancel(fmt.Errorf("%s: %w", reason, errors.Join(cause)))
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
	err = w.q.cfg.Mailer.SendInvitation(ctx, inv, job.Args.Link)
	if err == nil {
		return w.q.store.InvitationSent(ctx, inv.ID)
	}
	var perm *bot.PermanentError
	if !errors.As(err, &perm) {
		// Shown in "invite list" while the queue keeps trying.
		w.q.store.InvitationFailed(ctx, inv.ID, err.Error())
	}
	return w.q.outcome(ctx, "invitation_email", inv.ID, err)
}

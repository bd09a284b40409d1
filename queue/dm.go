package queue

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
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
	if a.State == storage.AssignmentRemoved {
		return nil // unassigned before its DM went out: no DM
	}
	if a.ChatID == nil {
		// Invited by email and not on chat yet: /tasks shows it once they
		// are, as the guide was told. Nothing failed: progress shows why
		// no DM went out, and the log says it at INFO.
		if err := w.q.store.SetDMError(ctx, a.ID, model.Reason{Message: msgNotOnChat}.Stored()); err != nil {
			return err
		}
		w.q.cfg.Log.InfoContext(ctx, "no DM: not on chat yet; the task shows in tasks once they are", "job", "dm", "id", a.ID, "platform", a.Platform)
		return nil
	}
	sender, ok := w.q.cfg.Senders[a.Platform]
	if !ok {
		return w.q.permanent(ctx, delivery{"dm", a.ID, a.Platform}, model.Reason{Message: msgNoConnection, Detail: a.Platform}, nil)
	}
	msg, err := w.q.cfg.Composer.AssignmentDM(ctx, a)
	if err != nil {
		return fmt.Errorf("queue: compose the DM of assignment %d: %w", a.ID, err)
	}
	msg.Channel = deref(a.DMChannel)
	err = w.q.send(ctx, sender, msg, bot.DMKey{Kind: "assignment", ID: a.ID}, job.JobRow)
	return w.q.outcome(ctx, delivery{"dm", a.ID, a.Platform}, job.JobRow, err)
}

// send delivers msg marked with key. A job on its second attempt or later
// may have sent it before: the process may have died after sending and
// before River recorded the outcome (the rescuer then runs the job again),
// or the platform may have posted it and the answer been lost. The sender
// then checks for the marked message before sending again.
func (q *Queue) send(ctx context.Context, sender bot.Sender, msg bot.Message, key bot.DMKey, job *rivertype.JobRow) error {
	msg.Key = key
	if job.Attempt > 1 {
		msg.MaybeSentSince = job.CreatedAt
	}
	return sender.SendDM(ctx, msg)
}

// deref is *s, "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

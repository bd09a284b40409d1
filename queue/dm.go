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

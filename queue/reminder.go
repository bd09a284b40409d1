package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// Reminders: how they go out exactly once.
//
// A reminder is a row of the reminders table (storage), armed in the
// transaction that sets the due date: one per assignment and kind, with
// its moment (09:00 in the learner's time zone) computed then. A periodic
// scan (every ScanInterval, on River's leader) deletes the rows whose
// moment has come and inserts their DM jobs in the same transaction; the
// delete is the claim, so two scans at once (a leader change, a test) queue
// each reminder once, and a restart finds both rows and jobs where they
// were. A moment already past when the date is set is claimed in the
// setting transaction itself, so it goes out within seconds.
//
// This rather than one River job scheduled per reminder (ScheduledAt): a
// changed date then needs the old jobs found and cancelled, or a version
// checked by each job; here re-arming is one upsert of the rows, and 10,000
// reminders due the same morning are one DELETE ... RETURNING and one bulk
// insert of jobs. The scan also follows the store's clock, which tests
// move.

// ScanInterval is how often the reminder scan runs.
const ScanInterval = 30 * time.Second

// ReminderArgs is the job that sends one reminder DM. Due is the date it
// reminds of: if the date changed after the job was queued, it sends
// nothing.
type ReminderArgs struct {
	AssignmentID int64  `json:"assignment_id"`
	ReminderKind string `json:"kind"`
	Due          string `json:"due"`
}

// Kind names the job in River's table.
func (ReminderArgs) Kind() string { return "reminder" }

// ReminderScanArgs is the periodic job that queues due reminders.
type ReminderScanArgs struct{}

// Kind names the job in River's table.
func (ReminderScanArgs) Kind() string { return "reminder_scan" }

// QueueReminders inserts one reminder DM job per reminder in tx
// (storage.Outbox).
func (o *Outbox) QueueReminders(ctx context.Context, tx *sql.Tx, reminders []storage.Reminder) error {
	return insertAll(ctx, o, tx, "reminders", reminders, func(r storage.Reminder) river.JobArgs {
		return ReminderArgs{AssignmentID: r.AssignmentID, ReminderKind: r.Kind, Due: r.Due.String()}
	})
}

// insertAll inserts one job per item in tx, in one statement, at the
// priority their number gives.
func insertAll[T any](ctx context.Context, o *Outbox, tx *sql.Tx, what string, items []T, args func(T) river.JobArgs) error {
	params := make([]river.InsertManyParams, len(items))
	opts := &river.InsertOpts{Priority: priorityOf(len(items))}
	for i, it := range items {
		params[i] = river.InsertManyParams{Args: args(it), InsertOpts: opts}
	}
	if _, err := o.client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("queue: insert %s: %w", what, err)
	}
	return nil
}

// ScanReminders queues the reminders whose moment has come (the periodic
// job runs it; tests call it after moving the clock).
func (q *Queue) ScanReminders(ctx context.Context) (int, error) {
	return q.store.ClaimDueReminders(ctx)
}

type reminderScanWorker struct {
	river.WorkerDefaults[ReminderScanArgs]
	q *Queue
}

// Work runs one scan: the reminders, and the steps of learning paths whose
// day has come (released at 09:00 in the learner's time zone, as reminders
// are sent).
func (w *reminderScanWorker) Work(ctx context.Context, job *river.Job[ReminderScanArgs]) error {
	n, err := w.q.ScanReminders(ctx)
	if n > 0 {
		w.q.cfg.Log.Info("reminders queued", "count", n)
	}
	released, rerr := w.q.ScanReleases(ctx)
	if released > 0 {
		w.q.cfg.Log.Info("path steps released", "count", released)
	}
	return errors.Join(err, rerr)
}

// ScanReleases releases the path steps whose moment has come (the periodic
// job runs it; tests call it after moving the clock).
func (q *Queue) ScanReleases(ctx context.Context) (int, error) {
	return q.store.ClaimDueReleases(ctx)
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	q *Queue
}

// Work sends one reminder, unless the assignment was done, removed or given
// another date since it was queued.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	a, err := w.q.store.AssignmentByID(ctx, job.Args.AssignmentID)
	if errors.Is(err, storage.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if a.State != storage.AssignmentOpen || a.DueDate.String() != job.Args.Due {
		return nil
	}
	if a.ChatID == nil {
		return nil // not on chat yet: the assignment DM recorded that already
	}
	sender, ok := w.q.cfg.Senders[a.Platform]
	if !ok {
		return w.q.permanent(ctx, delivery{"reminder", a.ID, a.Platform}, model.Reason{Message: msgNoConnection, Detail: a.Platform}, nil)
	}
	today := calendar.Today(w.q.store.Now(), calendar.Location(a.PersonZone, w.q.store.ReminderPolicy().Zone))
	msg, err := w.q.cfg.Composer.ReminderDM(ctx, a, job.Args.ReminderKind, today)
	if err != nil {
		return fmt.Errorf("queue: compose the reminder of assignment %d: %w", a.ID, err)
	}
	msg.Channel = deref(a.DMChannel)
	key := bot.DMKey{Kind: "reminder", ID: a.ID, Variant: job.Args.ReminderKind + ":" + job.Args.Due}
	err = w.q.send(ctx, sender, msg, key, job.JobRow)
	return w.q.outcome(ctx, delivery{"reminder", a.ID, a.Platform}, job.JobRow, err)
}

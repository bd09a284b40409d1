package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/riverqueue/river"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// Digests and escalations go out as reminders do (see reminder.go): a
// periodic scan claims each guide's DM of the day in the transaction that
// queues its job (storage.ClaimNotices), so that it goes out once however
// many replicas scan; the job builds the DM from the assignments as they
// are when it runs.

// NoticeArgs is the job that sends one digest or escalation DM.
type NoticeArgs struct {
	storage.Notice
}

// Kind names the job in River's table.
func (NoticeArgs) Kind() string { return "notice" }

// NoticeScanArgs is the periodic job that claims and queues digests and
// escalations.
type NoticeScanArgs struct{}

// Kind names the job in River's table.
func (NoticeScanArgs) Kind() string { return "notice_scan" }

// QueueNotices inserts one DM job per notice in tx (storage.Outbox).
func (o *Outbox) QueueNotices(ctx context.Context, tx *sql.Tx, notices []storage.Notice) error {
	return insertAll(ctx, o, tx, "notices", notices, func(n storage.Notice) river.JobArgs { return NoticeArgs{Notice: n} })
}

// ScanNotices queues the digests and escalations whose moment has come
// (the periodic job runs it; tests call it after moving the clock).
func (q *Queue) ScanNotices(ctx context.Context) (int, error) {
	return q.store.ClaimNotices(ctx)
}

type noticeScanWorker struct {
	river.WorkerDefaults[NoticeScanArgs]
	q *Queue
}

// Work runs one scan.
func (w *noticeScanWorker) Work(ctx context.Context, job *river.Job[NoticeScanArgs]) error {
	n, err := w.q.ScanNotices(ctx)
	if n > 0 {
		w.q.cfg.Log.Info("digests and escalations queued", "count", n)
	}
	return err
}

type noticeWorker struct {
	river.WorkerDefaults[NoticeArgs]
	q *Queue
}

// Work builds and sends one digest or escalation; nothing when what it
// would report is gone (everything done since the scan).
func (w *noticeWorker) Work(ctx context.Context, job *river.Job[NoticeArgs]) error {
	n := job.Args.Notice
	var (
		msg bot.Message
		r   storage.Recipient
	)
	switch n.Kind {
	case storage.NoticeDigest:
		d, err := w.q.store.Digest(ctx, n.PersonID)
		if errors.Is(err, storage.ErrNotFound) {
			return river.JobCancel(err)
		}
		if err != nil {
			return err
		}
		if len(d.Tasks) == 0 {
			return nil
		}
		r = d.Recipient
		if msg, err = w.q.cfg.Composer.DigestDM(ctx, d); err != nil {
			return fmt.Errorf("queue: compose the digest of person %d: %w", n.PersonID, err)
		}
	case storage.NoticeEscalation:
		day, err := calendar.Parse(n.Period)
		if err != nil {
			return river.JobCancel(err)
		}
		e, err := w.q.store.EscalationOf(ctx, n.PersonID, day)
		if errors.Is(err, storage.ErrNotFound) {
			return river.JobCancel(err)
		}
		if err != nil {
			return err
		}
		if len(e.Items) == 0 {
			return nil
		}
		r = e.Recipient
		if msg, err = w.q.cfg.Composer.EscalationDM(ctx, e); err != nil {
			return fmt.Errorf("queue: compose the escalation of person %d: %w", n.PersonID, err)
		}
	default:
		return river.JobCancel(fmt.Errorf("queue: unknown notice kind %q", n.Kind))
	}
	d := delivery{n.Kind, n.PersonID, r.Platform}
	if r.ChatID == nil {
		return nil // not on chat: nowhere to send it
	}
	sender, ok := w.q.cfg.Senders[r.Platform]
	if !ok {
		return w.q.permanent(ctx, d, model.Reason{Message: msgNoConnection, Detail: r.Platform}, nil)
	}
	msg.Channel = deref(r.DMChannel)
	key := bot.DMKey{Kind: n.Kind, ID: n.PersonID, Variant: strings.ReplaceAll(n.Period, ":", "-")}
	err := w.q.send(ctx, sender, msg, key, job.JobRow)
	return w.q.outcome(ctx, d, job.JobRow, err)
}

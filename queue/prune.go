package queue

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// PruneInterval is how often the prune job runs (on River's leader).
const PruneInterval = time.Hour

// PruneArgs is the periodic job that deletes rows kept only for a while:
// seen events and ended decisions (storage.Prune).
type PruneArgs struct{}

// Kind names the job in River's table.
func (PruneArgs) Kind() string { return "prune" }

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	q *Queue
}

// Work prunes once.
func (w *pruneWorker) Work(ctx context.Context, job *river.Job[PruneArgs]) error {
	p, err := w.q.store.Prune(ctx)
	if err != nil {
		return err
	}
	if p.SeenEvents > 0 || p.Decisions > 0 || p.Reports > 0 {
		w.q.cfg.Log.Info("pruned", "seen_events", p.SeenEvents, "decisions", p.Decisions, "reports", p.Reports)
	}
	return nil
}

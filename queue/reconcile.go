package queue

import (
	"context"

	"github.com/riverqueue/river"
)

// ReconcileArgs is the periodic job that applies every rule to its
// source's members as they are now (DESIGN 3b): events get lost, and a
// periodic rule serves people again when their period is over. River runs
// periodic jobs on its elected leader, so replicas reconcile once per
// interval between them; applying a rule twice changes nothing anyway. It
// runs under the queue's job timeout: each rule is applied in its own
// transaction, so a reconciliation cut short keeps what it did and the
// next one goes on.
type ReconcileArgs struct{}

// Kind names the job.
func (ReconcileArgs) Kind() string { return "reconcile_rules" }

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	q *Queue
}

// Work runs one reconciliation.
func (w *reconcileWorker) Work(ctx context.Context, job *river.Job[ReconcileArgs]) error {
	if w.q.cfg.Reconcile == nil {
		return nil
	}
	n, err := w.q.cfg.Reconcile(ctx)
	if n > 0 {
		w.q.cfg.Log.Info("rules reconciled", "served", n)
	}
	return err
}

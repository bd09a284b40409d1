package queue

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

// Decisions over many targets are resolved by a job, not in the request
// that pressed the button: under load such a resolution can outlast the
// request's deadline, and a guide's press must never be lost to load. The
// button's request answers at once ("Assigning Git basics to 5,000
// people…"); the job resolves the decision in one transaction, so a job
// killed half way changed nothing and its retry does it all, and a retry
// after the transaction committed finds the decision decided and assigns
// nothing twice. Then the job replaces the prompt with the outcome through
// the platform's Responder.

// DecideArgs is the job that resolves a decision later. FollowUp is a
// credential for minutes (Slack's response_url, Discord's interaction
// token): it is never logged.
type DecideArgs struct {
	storage.DeferredDecision
	// Decision is "<workspace ID>:<decision ID>": what makes the job unique.
	Decision string `json:"decision" river:"unique"`
}

// Kind names the job in River's table.
func (DecideArgs) Kind() string { return "decide" }

// InsertOpts: one job per decision, whatever the presses (River's unique
// jobs: a second press while the first one's job exists inserts nothing).
func (DecideArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Priority: priorityDM, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Decider resolves a deferred decision and composes its outcome (handlers
// does): the queue only runs it and delivers the reply.
type Decider interface {
	ResolveDeferred(ctx context.Context, d storage.DeferredDecision) (*bot.Reply, error)
}

// DeferDecision inserts the job that resolves a decision; false when a job
// for the same decision exists already (a second press).
func (q *Queue) DeferDecision(ctx context.Context, d storage.DeferredDecision) (bool, error) {
	args := DecideArgs{DeferredDecision: d, Decision: fmt.Sprintf("%d:%s", d.WorkspaceID, d.DecisionID)}
	res, err := q.client.Insert(ctx, args, nil)
	if err != nil {
		return false, fmt.Errorf("queue: insert decide: %w", err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

type decideWorker struct {
	river.WorkerDefaults[DecideArgs]
	q *Queue
}

// Work resolves the decision and delivers its outcome. A reply that cannot
// be delivered (the platform's route expired) is logged, not retried: the
// decision is made, and retrying would only say so again.
func (w *decideWorker) Work(ctx context.Context, job *river.Job[DecideArgs]) error {
	d := job.Args.DeferredDecision
	if w.q.cfg.Decider == nil {
		return river.JobCancel(errors.New("queue: no decider to resolve decisions"))
	}
	reply, err := w.q.cfg.Decider.ResolveDeferred(ctx, d)
	if err != nil {
		return err
	}
	responder, ok := w.q.cfg.Responders[d.Platform]
	if !ok || reply == nil {
		return nil
	}
	if err := responder.Respond(ctx, d.Workspace, d.FollowUp, reply); err != nil {
		w.q.cfg.Log.WarnContext(ctx, "delivering a decision's outcome failed", "platform", d.Platform,
			"workspace", d.Workspace, "error", err)
	}
	return nil
}

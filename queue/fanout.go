package queue

import (
	"context"
	"fmt"
	"slices"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
)

// Large fan-outs. Inserting 50,000 DM jobs takes seconds, too long for the
// transaction of a button press (its outcome is due within 2 s): a change
// that makes more than fanOutAbove assignments queues one fan-out job
// instead, holding the assignment IDs as ranges, and the job queues their DM
// jobs fanOutChunk at a time. Each chunk is one transaction: its DM jobs,
// the fan-out job for the rest, and this job's completion commit together,
// so a crash neither loses a chunk nor queues one twice.
var (
	// fanOutAbove: up to 10,000 DM jobs go in with the change (about half
	// a second on PostgreSQL), as before; a fan-out's chunks compete with
	// other workspaces' writes (on SQLite for its one writer).
	fanOutAbove = 10_000
	// fanOutChunk is small enough that a fan-out's first DMs go out soon
	// (1,000 DM jobs commit in well under a second even on SQLite under the
	// race detector) and large enough to queue far faster than DMs go out.
	fanOutChunk = 1000
)

// FanOutArgs queues the DM jobs of many assignments: IDs as inclusive
// ranges [first, last], in order.
type FanOutArgs struct {
	Ranges [][2]int64 `json:"ranges"`
}

// Kind names the job in River's table.
func (FanOutArgs) Kind() string { return "dm_fanout" }

// idRanges compresses IDs into sorted inclusive ranges: the IDs one
// statement inserts are nearly consecutive, so 50,000 of them are a few
// ranges.
func idRanges(ids []int64) [][2]int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out [][2]int64
	for _, id := range ids {
		if n := len(out); n > 0 && out[n-1][1] == id-1 {
			out[n-1][1] = id
			continue
		}
		out = append(out, [2]int64{id, id})
	}
	return out
}

// takeIDs splits ranges into the first n IDs and the ranges left.
func takeIDs(ranges [][2]int64, n int) ([]int64, [][2]int64) {
	var ids []int64
	for i, r := range ranges {
		for id := r[0]; id <= r[1]; id++ {
			if len(ids) == n {
				rest := append([][2]int64{{id, r[1]}}, ranges[i+1:]...)
				return ids, rest
			}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

type fanOutWorker struct {
	river.WorkerDefaults[FanOutArgs]
	q *Queue
}

// Work queues the DM jobs of the first chunk and hands the rest to a new
// fan-out job, in one transaction with this job's completion.
func (w *fanOutWorker) Work(ctx context.Context, job *river.Job[FanOutArgs]) error {
	ids, rest := takeIDs(job.Args.Ranges, fanOutChunk)
	tx, err := w.q.store.DB().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue: fan-out: %w", err)
	}
	defer tx.Rollback()
	if err := w.q.out.insertDMs(ctx, tx, ids, priorityBulk); err != nil {
		return err
	}
	if len(rest) > 0 {
		if _, err := w.q.client.InsertTx(ctx, tx, FanOutArgs{Ranges: rest}, &river.InsertOpts{Priority: priorityBulk}); err != nil {
			return fmt.Errorf("queue: fan-out: %w", err)
		}
	}
	// The driver's type only types the call; River completes the job
	// through the client in ctx, whichever database it runs on.
	if _, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, job); err != nil {
		return fmt.Errorf("queue: fan-out: complete: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue: fan-out: %w", err)
	}
	return nil
}

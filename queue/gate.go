package queue

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Gate admits jobs while interactive requests run (internal/foreground's
// Gate is one): it reports false when a job would wait longer than wait.
type Gate interface {
	Admit(ctx context.Context, wait time.Duration) (release func(), ok bool)
}

// Waiting at the gate. A job holds its worker while it waits; one turned
// away snoozes (River keeps its attempt) and comes back a moment later, and
// its worker takes another job meanwhile.
const (
	gateWait   = 5 * time.Second
	gateSnooze = time.Second
)

// gateMiddleware runs every job through the gate, before the job's own
// timeout starts.
type gateMiddleware struct {
	river.MiddlewareDefaults
	gate Gate
	wait time.Duration
}

// newGateMiddleware waits at most gateWait, and only as long as the job's
// timeout leaves before the rescuer would take the job (still "running")
// for one a crashed process left behind.
func newGateMiddleware(gate Gate, timeout, rescueAfter time.Duration) *gateMiddleware {
	return &gateMiddleware{gate: gate, wait: max(0, min(gateWait, rescueAfter-timeout))}
}

func (m *gateMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	release, ok := m.gate.Admit(ctx, m.wait)
	if !ok {
		return river.JobSnooze(gateSnooze)
	}
	defer release()
	return doInner(ctx)
}

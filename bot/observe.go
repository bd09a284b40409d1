package bot

import (
	"context"
	"time"
)

// Observation is one request as the router handled it, for the request log
// and the metrics.
type Observation struct {
	Platform  string
	Workspace string
	User      string // the platform's user ID of who sent it
	// Command is the command's name, or "button:<name>" for a button
	// press; "unknown" when nothing matched.
	Command  string
	Action   bool // a button press
	Outcome  string
	Duration time.Duration
}

// Observer is told when the router starts and finishes a request. ctx is
// the context the request was handled with, so that an observer can tie the
// observation to the HTTP request that carried it.
type Observer interface {
	Started(ctx context.Context)
	Finished(ctx context.Context, o Observation)
}

package metrics

import "time"

// Observation is one request as learnbot's router handled it, for the request log
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

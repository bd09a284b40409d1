package bot

import (
	"errors"
	"fmt"
	"time"
)

// ErrNoUser is returned by Directory.UserByEmail when nobody has that email.
var ErrNoUser = errors.New("bot: no such user")

// UserError is an error whose message is meant for the user. Anything else a
// handler returns is logged and shown as a short generic message.
type UserError struct {
	Msg       string
	ShowUsage bool // append the command's usage to the reply
	Forbidden bool // refused by role
}

func (e *UserError) Error() string { return e.Msg }

// Errorf makes a user error.
func Errorf(format string, a ...any) error {
	return &UserError{Msg: sprintf(format, a...)}
}

// UsageErrorf makes a user error that is followed by the command's usage.
func UsageErrorf(format string, a ...any) error {
	return &UserError{Msg: sprintf(format, a...), ShowUsage: true}
}

// RetryAfterError tells the queue that a platform rate limit was hit and when
// to try again.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.After, e.Err)
}
func (e *RetryAfterError) Unwrap() error { return e.Err }

// PermanentError is a delivery failure that retrying will not fix (Discord
// 50007: the user does not accept DMs; SMTP 5xx). Reason is shown to guides.
type PermanentError struct {
	Reason string
	Err    error
}

func (e *PermanentError) Error() string { return e.Reason + ": " + fmt.Sprint(e.Err) }
func (e *PermanentError) Unwrap() error { return e.Err }

func sprintf(format string, a ...any) string {
	if len(a) == 0 {
		return format
	}
	return fmt.Sprintf(format, a...)
}

package bot

import (
	"errors"
	"fmt"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// ErrNoUser is returned by Directory.UserByEmail when nobody has that email.
var ErrNoUser = errors.New("bot: no such user")

// UserError is an error whose message is meant for the user. Anything else a
// handler returns is logged and shown as a short generic message.
type UserError struct {
	Msg       string
	ShowUsage bool // append the command's usage to the reply
	Forbidden bool // refused by role
	// Message, when set, is what the user reads, rendered in their
	// language when the reply is made (Msg is then its English): code that
	// does not know the reader's language, such as an adapter's Directory,
	// fails with Fail.
	Message *i18n.Message
	Vars    Vars
}

func (e *UserError) Error() string { return e.Msg }

// In is the error's message in language l.
func (e *UserError) In(l Lang) string {
	if e.Message == nil {
		return e.Msg
	}
	return l.Say(e.Message, e.Vars)
}

// Fail makes a user error from a message, to be read in the language of
// whoever gets the reply.
func Fail(m *i18n.Message, vars Vars) error {
	return &UserError{Msg: English.Say(m, vars), Message: m, Vars: vars}
}

// ErrorText is what a user reads of err in language l: a user error's
// message, or err's text.
func (l Lang) ErrorText(err error) string {
	var ue *UserError
	if errors.As(err, &ue) {
		return ue.In(l)
	}
	return err.Error()
}

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

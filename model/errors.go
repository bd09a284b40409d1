package model

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/learnbot/learnbot/catalog"
)

// ErrNoUser is returned by Directory.UserByEmail when nobody has that email.
var ErrNoUser = errors.New("model: no such user")

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
	Message *catalog.Message
	Vars    catalog.Vars
}

func (e *UserError) Error() string { return e.Msg }

// In is the error's message in language l.
func (e *UserError) In(l catalog.Lang) string {
	if e.Message == nil {
		return e.Msg
	}
	return l.Say(e.Message, e.Vars)
}

// Fail makes a user error from a message, to be read in the language of
// whoever gets the reply.
func Fail(m *catalog.Message, vars catalog.Vars) error {
	return &UserError{Msg: catalog.English.Say(m, vars), Message: m, Vars: vars}
}

// Err is a user error in language l: the reply says it, nothing changes.
func Err(l catalog.Lang, m *catalog.Message, vars catalog.Vars) error {
	return &UserError{Msg: l.Say(m, vars)}
}

// UsageErr is a user error in language l followed by the command's usage.
func UsageErr(l catalog.Lang, m *catalog.Message, vars catalog.Vars) error {
	return &UserError{Msg: l.Say(m, vars), ShowUsage: true}
}

// ErrorText is what a user reads of err in language l: a user error's
// message, or err's text.
func ErrorText(l catalog.Lang, err error) string {
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
// 50007: the user does not accept DMs; SMTP 5xx). Its Reason is shown to
// guides in their own language.
type PermanentError struct {
	Reason Reason
	Err    error
}

func (e *PermanentError) Error() string {
	return e.Reason.Text(catalog.English) + ": " + fmt.Sprint(e.Err)
}
func (e *PermanentError) Unwrap() error { return e.Err }

// Reason says why a delivery failed: a message and a detail that no language
// translates (a platform's error code, a mail server's reply, an address).
// It is stored as Stored gives it and read by any guide in their language.
type Reason struct {
	Message *catalog.Message
	Detail  string
}

// Stored is the reason as the store keeps it: "@<message ID>", then the
// detail after a space.
func (r Reason) Stored() string {
	if r.Message == nil {
		return r.Detail
	}
	s := "@" + r.Message.ID
	if r.Detail != "" {
		s += " " + r.Detail
	}
	return s
}

// Text is the reason in language l: "DMs closed (cannot_dm_bot)".
func (r Reason) Text(l catalog.Lang) string {
	if r.Message == nil {
		return r.Detail
	}
	s := l.Say(r.Message, nil)
	if r.Detail != "" {
		s += " (" + r.Detail + ")"
	}
	return s
}

// ReasonText renders a stored reason in language l. Text stored before
// reasons were message IDs is shown as it was stored.
func ReasonText(l catalog.Lang, stored string) string {
	rest, ok := strings.CutPrefix(stored, "@")
	if !ok {
		return stored
	}
	id, detail, _ := strings.Cut(rest, " ")
	m := catalog.Translation(catalog.English, id)
	if m == nil {
		return stored
	}
	return Reason{Message: m, Detail: detail}.Text(l)
}

func sprintf(format string, a ...any) string {
	if len(a) == 0 {
		return format
	}
	return fmt.Sprintf(format, a...)
}

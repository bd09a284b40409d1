package matrix

import (
	"context"
	"errors"
	"strconv"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/internal/pacer"
	"github.com/learnbot/learnbot/model"
)

// defaultRetryAfter is the wait after an M_LIMIT_EXCEEDED that names none.
const defaultRetryAfter = 5 * time.Second

// WithSharedPacing shares what the pacers learn of the homeserver's rate
// limits with the other replicas through shared, as replica (this
// process's name).
func WithSharedPacing(shared pacer.Shared, replica string) Option {
	return func(a *Adapter) { a.shared, a.replica = shared, replica }
}

// WithClock sets the clock the pacers go by (tests stand it still).
func WithClock(now func() time.Time) Option { return func(a *Adapter) { a.now = now } }

// paced makes call in the next slot of the workspace's calls of kind
// ("send", "create room"). After an M_LIMIT_EXCEEDED every such call of
// this process (and of every replica, when shared) waits out its
// retry_after_ms and then goes just under the pace the homeserver
// accepted, as a Slack or Discord 429 does; a slot too far ahead comes
// back as *model.RetryAfterError without a call.
func (a *Adapter) paced(ctx context.Context, kind string, call func() error) error {
	return a.pacers.Do(ctx, a.Workspace()+" "+kind, func() error { return limited(call()) })
}

// send sends one event to room through the workspace's pacer.
func (a *Adapter) send(ctx context.Context, room id.RoomID, typ event.Type, content any, txn string) (*mautrix.RespSendEvent, error) {
	var resp *mautrix.RespSendEvent
	err := a.paced(ctx, "send", func() error {
		var err error
		resp, err = a.api.SendMessageEvent(ctx, room, typ, content, mautrix.ReqSendEvent{TransactionID: txn})
		return err
	})
	return resp, err
}

// limited turns M_LIMIT_EXCEEDED into *model.RetryAfterError with the wait
// the homeserver asks for: retry_after_ms in the body, else a Retry-After
// header, else defaultRetryAfter.
func limited(err error) error {
	var resp mautrix.HTTPError
	if !errors.As(err, &resp) || resp.RespError == nil || resp.RespError.ErrCode != mautrix.MLimitExceeded.ErrCode {
		return err
	}
	wait := defaultRetryAfter
	if ms, ok := resp.RespError.ExtraData["retry_after_ms"].(float64); ok && ms > 0 {
		wait = time.Duration(ms) * time.Millisecond
	} else if resp.Response != nil {
		if s, err := strconv.Atoi(resp.Response.Header.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
	}
	return &model.RetryAfterError{After: wait, Err: err}
}

// patiently makes call again after each rate limit it meets, waiting as
// asked, a few times at most: an answer to a command or a choice has no
// queue to come back to later.
func patiently(ctx context.Context, call func() error) error {
	var err error
	for range 4 {
		err = call()
		var ra *model.RetryAfterError
		if !errors.As(err, &ra) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(min(ra.After, 30*time.Second)):
		}
	}
	return err
}

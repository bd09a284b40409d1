package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// defaultRetryAfter is the wait after a 429 that names none.
const defaultRetryAfter = 30 * time.Second

// SendDM delivers a direct message (bot.Sender, for the queue): it opens the
// DM with conversations.open (once per user: the channel is remembered, and
// kept in DMChannels for the other replicas and the next process) and
// posts with chat.postMessage. A rate limit comes back as
// *model.RetryAfterError, and paces the workspace's later calls of that method
// (internal/pacer); an unreachable user comes back as *model.PermanentError.
// The recipient's App Home is refreshed soon after.
func (a *Adapter) SendDM(ctx context.Context, msg bot.Message) error {
	key := teamUser{msg.Workspace, msg.To.ID}
	channel, remembered := a.dms.Get(key)
	if !remembered && msg.Channel != "" {
		channel, remembered = msg.Channel, true
	}
	opened := !remembered
	if opened {
		var ch *slackgo.Channel
		err := a.pacers.Do(ctx, msg.Workspace+" conversations.open", func() error {
			var err error
			ch, _, _, err = a.web.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{msg.To.ID}, ReturnIM: true})
			return classify("conversations.open", err)
		})
		if err != nil {
			return err
		}
		if ch == nil || ch.ID == "" {
			return fmt.Errorf("slack: conversations.open %s: no channel in the answer", msg.To.ID)
		}
		channel = ch.ID
	}
	if !msg.MaybeSentSince.IsZero() && msg.Key.Kind != "" {
		sent, err := a.alreadySent(ctx, msg, channel)
		if err != nil {
			return err
		}
		if sent {
			a.remember(msg, channel, opened)
			return nil
		}
	}
	m := message(&msg.Reply)
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks.BlockSet...)}
	if msg.Key.Kind != "" {
		opts = append(opts, slackgo.MsgOptionMetadata(dmMetadata(msg.Key)))
	}
	err := a.pacers.Do(ctx, msg.Workspace+" chat.postMessage", func() error {
		_, _, err := a.web.PostMessageContext(ctx, channel, opts...)
		return classify("chat.postMessage", err)
	})
	var permanent *model.PermanentError
	switch {
	case remembered && errors.As(err, &permanent) && staleChannelErrors[errorCode(err)]:
		// The remembered channel is what is gone: the retry opens it
		// afresh before giving up on the user.
		a.dms.Forget(key)
		a.keepChannel(msg, "")
		return fmt.Errorf("slack: DM to %s through a remembered channel: %w", msg.To.ID, permanent.Err)
	case err != nil:
		return err
	}
	a.remember(msg, channel, opened)
	// The DM is out; the Home follows outside the job (see homeQueue).
	a.refreshHomeSoon(msg.Workspace, msg.To)
	return nil
}

// remember remembers the channel a DM went through, and keeps it in a.kept
// when it was opened for this DM.
func (a *Adapter) remember(msg bot.Message, channel string, opened bool) {
	a.dms.Put(teamUser{msg.Workspace, msg.To.ID}, channel)
	if opened {
		a.keepChannel(msg, channel)
	}
}

// keepChannel keeps (or, for "", forgets) the recipient's DM channel in
// a.kept, within keepEvery: the channels of that time are written in one
// statement. Written one by one, a transaction each, they cost a fan-out to
// new learners 30% of its rate (bulk-100k: 1,140-1,420 -> 930-975 DMs a
// second). A failure is only logged, and a crash loses at most keepEvery
// of them: the process that needs one of those opens it again.
func (a *Adapter) keepChannel(msg bot.Message, channel string) {
	if a.kept == nil {
		return
	}
	if a.keeping.add(teamUser{msg.Workspace, msg.To.ID}, channel) {
		time.AfterFunc(keepEvery, a.flushKept)
	}
}

// keepEvery is how long a channel to keep waits for others.
const keepEvery = 200 * time.Millisecond

// keeping is the channels to keep, by user.
type keeping struct {
	mu      sync.Mutex
	pending map[teamUser]string
}

// add records channel for u and reports whether it is the first of a batch.
func (k *keeping) add(u teamUser, channel string) (first bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.pending == nil {
		k.pending = map[teamUser]string{}
	}
	k.pending[u] = channel
	return len(k.pending) == 1
}

// take empties the batch and returns it.
func (k *keeping) take() []KeptChannel {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]KeptChannel, 0, len(k.pending))
	for u, channel := range k.pending {
		out = append(out, KeptChannel{Team: u.team, User: u.user, Channel: channel})
	}
	k.pending = nil
	return out
}

// flushKept writes the channels waiting to be kept.
func (a *Adapter) flushKept() {
	keep := a.keeping.take()
	if len(keep) == 0 || a.kept == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.kept.KeepDMChannels(ctx, keep); err != nil {
		a.log.WarnContext(ctx, "keeping DM channels failed; they will be opened again", "channels", len(keep), "error", err)
	}
}

// dmEventType is the message metadata event type of learnbot's DMs. The
// payload names the DM (bot.DMKey) so that a retry can find it.
const dmEventType = "learnbot_dm"

func dmMetadata(k bot.DMKey) slackgo.SlackMetadata {
	return slackgo.SlackMetadata{EventType: dmEventType, EventPayload: map[string]any{
		"key": k.String(), "kind": k.Kind, "id": k.ID}}
}

// historyWindow is how many of a DM channel's latest messages a retry
// looks through for its DM, and historySkew how far before the job's
// creation it looks (clocks of replicas and Slack differ).
const (
	historyWindow = 100
	historySkew   = time.Minute
)

// alreadySent reports whether the DM channel holds a message marked with
// msg.Key posted since msg.MaybeSentSince (conversations.history, scope
// im:history). It runs only when an earlier attempt's outcome is unknown.
// An app installed before im:history was asked for cannot look: it warns
// and sends, since a DM twice is better than none.
func (a *Adapter) alreadySent(ctx context.Context, msg bot.Message, channel string) (bool, error) {
	var hist *slackgo.GetConversationHistoryResponse
	err := a.pacers.Do(ctx, msg.Workspace+" conversations.history", func() error {
		var err error
		hist, err = a.web.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{
			ChannelID:          channel,
			Oldest:             slackTS(msg.MaybeSentSince.Add(-historySkew)),
			Limit:              historyWindow,
			IncludeAllMetadata: true,
		})
		return classify("conversations.history", err)
	})
	if code := errorCode(err); code == "missing_scope" || code == "not_allowed_token_type" {
		a.log.WarnContext(ctx, "cannot check whether a retried DM went out before (reinstall the app for the im:history scope); sending",
			"workspace", msg.Workspace, "dm", msg.Key.String(), "error", err)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, m := range hist.Messages {
		if m.Metadata.EventType == dmEventType && m.Metadata.EventPayload["key"] == msg.Key.String() {
			a.log.InfoContext(ctx, "DM found already sent; not sending it again", "workspace", msg.Workspace,
				"dm", msg.Key.String(), "ts", m.Timestamp)
			return true, nil
		}
	}
	return false, nil
}

// slackTS is a time as Slack's message timestamps write it.
func slackTS(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + "." + fmt.Sprintf("%06d", t.Nanosecond()/1000)
}

// staleChannelErrors are chat.postMessage's answers for a channel that is no
// longer usable, which a freshly opened one may fix.
var staleChannelErrors = map[string]bool{"channel_not_found": true, "is_archived": true, "not_in_channel": true}

// teamUser is a Slack user of a workspace (team). a.dms remembers the DM
// channel of each one learnbot has written to: it does not change, and
// conversations.open is one of Slack's most tightly limited methods (about
// 50 calls a minute).
type teamUser struct{ team, user string }

// Slack errors after which retrying a DM is pointless, with the reason shown
// to guides (stored in English with the code: "the Slack user is a bot
// (cannot_dm_bot)").
var permanentDMErrors = map[string]*catalog.Message{
	"user_not_found":          msgUserGone,
	"users_not_found":         msgUserGone,
	"cannot_dm_bot":           msgUserIsBot,
	"account_inactive":        msgAccountDeactivated,
	"user_disabled":           msgAccountDeactivated,
	"user_not_visible":        msgUserHidden,
	"channel_not_found":       msgNoDMChannel,
	"is_archived":             msgDMChannelArchived,
	"not_in_channel":          msgNotInDMChannel,
	"restricted_action":       msgRestricted,
	"team_access_not_granted": msgNoTeamAccess,
	"invalid_blocks":          msgRefused,
	"invalid_blocks_format":   msgRefused,
	"msg_too_long":            msgRefusedTooLong,
	"no_text":                 msgRefused,
}

// classify sorts a Web API error for the queue: rate limits wait, lost causes
// stop, the rest are retried with backoff.
func classify(method string, err error) error {
	if err == nil {
		return nil
	}
	wrapped := fmt.Errorf("slack: %s: %w", method, err)
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return &model.RetryAfterError{After: max(rl.RetryAfter, time.Second), Err: wrapped}
	}
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests {
		return &model.RetryAfterError{After: defaultRetryAfter, Err: wrapped}
	}
	code := errorCode(err)
	if code == "ratelimited" {
		return &model.RetryAfterError{After: defaultRetryAfter, Err: wrapped}
	}
	if reason, ok := permanentDMErrors[code]; ok {
		return &model.PermanentError{Reason: model.Reason{Message: reason, Detail: code}, Err: wrapped}
	}
	return wrapped
}

package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/learnbot/learnbot/bot"
)

// RunSocketMode receives commands, button presses and events over Slack's
// Socket Mode (SLACK_APP_TOKEN) instead of HTTP, until ctx ends. Everything
// is acknowledged at once or within ackWait (Slack allows 3 s); slower
// replies follow through response_url, as over HTTP.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: Socket Mode needs SLACK_APP_TOKEN")
	}
	client := socketmode.New(a.api, socketmode.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			if rejectedToken[err.Error()] {
				// slack-go gives up on these without retrying: say which
				// setting to fix
				return fmt.Errorf("slack: SLACK_APP_TOKEN rejected by Slack: %w", err)
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

// rejectedToken are the errors of apps.connections.open that mean the app
// token is wrong, after which the socketmode client stops.
var rejectedToken = map[string]bool{"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true}

// socketAcker is the part of the socketmode client that answers envelopes.
type socketAcker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

func (a *Adapter) socketEvent(ctx context.Context, client socketAcker, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.log.Info("connected to Slack over Socket Mode")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("Socket Mode trouble", "event", string(evt.Type), "detail", fmt.Sprintf("%+v", evt.Data))
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slackgo.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		req := *evt.Request
		// respond waits up to ackWait; the event loop must not.
		a.background.Go(func() {
			reply, inTime := a.respond(ctx,
				func(ctx context.Context) *bot.Reply { return a.runCommand(ctx, cmd) },
				func(ctx context.Context, reply *bot.Reply) { a.postResponse(ctx, cmd.ResponseURL, reply, false) })
			if !inTime {
				a.ack(ctx, client, req)
				return
			}
			if err := a.ackWith(ctx, client, req, message(reply)); err != nil {
				// too large for an acknowledgement (20 KB): answer separately
				a.ack(ctx, client, req)
				a.postResponse(context.WithoutCancel(ctx), cmd.ResponseURL, reply, false)
			}
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slackgo.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		a.ack(ctx, client, *evt.Request)
		if cb.Type == slackgo.InteractionTypeBlockActions {
			a.background.Go(func() { a.runActions(context.WithoutCancel(ctx), cb) })
		}
	case socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		a.ack(ctx, client, *evt.Request)
		var env eventEnvelope
		if err := json.Unmarshal(evt.Request.Payload, &env); err != nil {
			a.log.Warn("bad Socket Mode event payload", "error", err)
			return
		}
		if env.Type == "event_callback" {
			retry := evt.Request.RetryAttempt
			a.background.Go(func() { a.runEvent(context.WithoutCancel(ctx), env, retry) })
		}
	}
}

func (a *Adapter) ack(ctx context.Context, client socketAcker, req socketmode.Request) {
	if err := a.ackWith(ctx, client, req, nil); err != nil {
		a.log.Warn("Socket Mode acknowledgement failed", "envelope", req.EnvelopeID, "error", err)
	}
}

// ackWith answers an envelope; the send queue blocks while the connection
// is down, so the wait is bounded by Slack's own 3 seconds.
func (a *Adapter) ackWith(ctx context.Context, client socketAcker, req socketmode.Request, payload any) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return client.AckCtx(ctx, req.EnvelopeID, payload)
}

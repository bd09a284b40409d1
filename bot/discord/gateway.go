package discord

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/learnbot/learnbot/internal/redact"
	"github.com/learnbot/learnbot/model"
)

// RunGateway receives interactions over the gateway (for a bot without a
// public interactions endpoint), and with a Joiner the members who join
// the server or a role, until ctx ends, answering them with the same
// code as the HTTP endpoint, through the interaction callback. It returns
// once the connection is closed and the interactions in flight are answered.
func (a *Adapter) RunGateway(ctx context.Context) error {
	if a.cfg.BotToken == "" {
		return errors.New("discord: the gateway needs DISCORD_BOT_TOKEN")
	}
	var (
		mu       sync.Mutex
		closing  bool
		inflight sync.WaitGroup
	)
	// discordgo runs each handler call in a goroutine of its own; one that
	// starts after shutdown began is dropped rather than raced with Wait.
	guard := func(f func()) {
		mu.Lock()
		if closing {
			mu.Unlock()
			return
		}
		inflight.Add(1)
		mu.Unlock()
		defer inflight.Done()
		f()
	}
	removers := []func(){a.session.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		guard(func() { a.answer(ctx, ic.Interaction) })
	})}
	if a.joiner != nil {
		removers = append(removers,
			a.session.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildCreate) {
				guard(func() { a.guildSeen(e.Guild) })
			}),
			a.session.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildMemberAdd) {
				guard(func() { a.memberAdded(ctx, e.Member) })
			}),
			a.session.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildMemberUpdate) {
				guard(func() { a.memberUpdated(ctx, e.Member) })
			}))
	}
	remove := func() {
		for _, r := range removers {
			r()
		}
	}
	// discordgo reconnects a session it had, but not a first Open that
	// failed: an unreachable gateway at start is retried here.
	for attempt := 1; ; attempt++ {
		err := a.open()
		if err == nil {
			break
		}
		var closed *websocket.CloseError
		if errors.As(err, &closed) && closed.Code == closeAuthenticationFailed {
			remove()
			return fmt.Errorf("discord: DISCORD_BOT_TOKEN rejected by the gateway: %w", err)
		}
		wait := min(a.gatewayRetry<<min(attempt-1, 10), maxGatewayRetry)
		a.log.Warn("Discord gateway unreachable; retrying", "platform", model.PlatformDiscord,
			"attempt", attempt, "retry_in", wait.String(), "error", redact.Error(err))
		select {
		case <-ctx.Done():
			remove()
			return nil
		case <-time.After(wait):
		}
	}
	a.log.Info("connected to the Discord gateway", "platform", model.PlatformDiscord)
	<-ctx.Done()
	remove()
	mu.Lock()
	closing = true
	mu.Unlock()
	err := a.close()
	inflight.Wait()
	return err
}

// closeAuthenticationFailed is the gateway's close code for a bad token.
const closeAuthenticationFailed = 4004

// maxGatewayRetry bounds the wait between attempts to reach the gateway.
const maxGatewayRetry = time.Minute

// closeDisallowedIntents is the gateway's close code for a privileged
// intent the application may not use.
const closeDisallowedIntents = 4014

// open connects to the gateway. Discord refuses a connection that asks for
// the Server Members Intent while it is off in the Developer Portal; the
// adapter then connects without it, so that commands keep working, and
// says what to switch on.
func (a *Adapter) open() error {
	err := a.session.Open()
	var closed *websocket.CloseError
	if err == nil || !errors.As(err, &closed) || closed.Code != closeDisallowedIntents ||
		a.session.Identify.Intents&discordgo.IntentsGuildMembers == 0 {
		return err
	}
	a.log.Warn("Discord refused the Server Members Intent: switch it on in the Developer Portal (Bot, Privileged Gateway Intents); "+
		"until then rules see no one join the server or a role, and cannot list members", "platform", model.PlatformDiscord)
	a.session.Identify.Intents &^= discordgo.IntentsGuildMembers
	return a.session.Open()
}

// closeTimeout bounds closing the gateway: discordgo's Close waits for the
// session lock, which a reconnect attempt holds while it waits for Discord.
const closeTimeout = 5 * time.Second

func (a *Adapter) close() error {
	done := make(chan error, 1)
	go func() { done <- a.session.Close() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("discord: close gateway: %w", err)
		}
		return nil
	case <-time.After(closeTimeout):
		return errors.New("discord: close gateway: gave up after 5s (a reconnect was in progress)")
	}
}

// answer responds to an interaction from the gateway through its callback
// and finishes it when the reply was deferred.
func (a *Adapter) answer(ctx context.Context, i *discordgo.Interaction) {
	if i == nil {
		return
	}
	first, later := a.dispatch(ctx, i)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), restTimeout)
	err := a.api.InteractionRespond(i, first, discordgo.WithContext(rctx))
	cancel()
	if err != nil {
		a.log.Error("respond to interaction", "platform", model.PlatformDiscord, "workspace", i.GuildID,
			"command", commandName(i), "error", redact.Error(err))
		return
	}
	if later != nil {
		later(context.WithoutCancel(ctx))
	}
}

package discord

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/learnbot/learnbot/model"
)

// RunGateway receives interactions over the gateway (for a bot without a
// public interactions endpoint) until ctx ends, answering them with the same
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
	remove := a.session.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		mu.Lock()
		if closing {
			mu.Unlock()
			return
		}
		inflight.Add(1)
		mu.Unlock()
		defer inflight.Done()
		a.answer(ctx, ic.Interaction)
	})
	if err := a.session.Open(); err != nil {
		remove()
		return fmt.Errorf("discord: open gateway: %w", err)
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
			"command", commandName(i), "error", err)
		return
	}
	if later != nil {
		later(context.WithoutCancel(ctx))
	}
}

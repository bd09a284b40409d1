package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

// Discord's JSON error codes that no retry will fix, and one that a retry
// may.
const (
	codeUnknownChannel     = 10003 // retried: a remembered DM channel is opened again
	codeUnknownUser        = 10013
	codeCannotMessageUser  = 50007 // the user does not accept DMs from the bot
	codeInvalidFormBody    = 50035
	codeNoMutualGuildsToDM = 50278
)

var _ bot.Sender = (*Adapter)(nil)

// SendDM delivers a direct message: it opens the DM channel with the user,
// then posts the text with its buttons. A rate limit comes back as
// *model.RetryAfterError, a refusal that no retry fixes (DMs closed) as
// *model.PermanentError, anything else as an ordinary error to retry.
func (a *Adapter) SendDM(ctx context.Context, msg bot.Message) error {
	if msg.To.ID == "" {
		return &model.PermanentError{Reason: model.Reason{Message: msgNoUserID}, Err: errors.New("discord: DM without recipient")}
	}
	// A user's DM channel does not change: it is opened once and remembered.
	channel, remembered := a.dms.Get(msg.To.ID)
	if !remembered {
		// Opening DM channels is one rate-limit bucket for the whole bot,
		// so a 429 there paces every worker (posting is a bucket per channel).
		var ch discordgo.Channel
		err := a.pacers.Do(ctx, "open DM channel", func() error {
			err := a.call(ctx, http.MethodPost, discordgo.EndpointUserChannels("@me"),
				map[string]string{"recipient_id": msg.To.ID}, &ch)
			if err != nil {
				return dmError("open DM channel", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		channel = ch.ID
	}
	content, comps := a.render(&msg.Reply, msg.Workspace)
	send := dmSend{MessageSend: &discordgo.MessageSend{Content: content, Components: comps, AllowedMentions: noMentions()}}
	if msg.Key.Kind != "" {
		send.Nonce, send.EnforceNonce = nonce(msg.Key), true
	}
	if err := a.call(ctx, http.MethodPost, discordgo.EndpointChannelMessages(channel), send, nil); err != nil {
		var rest *discordgo.RESTError
		if errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == codeUnknownChannel {
			a.dms.Forget(msg.To.ID) // the retry opens it afresh
		}
		return dmError("post DM", err)
	}
	a.dms.Put(msg.To.ID, channel)
	return nil
}

// dmSend is a message with the nonce discordgo's MessageSend lacks. With
// enforce_nonce Discord creates no second message with the same nonce from
// the same author within a few minutes and returns the first instead
// (Create Message, changelog of 2024-02-12): every attempt of one DM sends
// the same nonce, so an attempt whose predecessor's outcome was lost (a
// crash after posting, a timeout) does not post it twice.
type dmSend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// maxNonce is Discord's limit on a nonce's length.
const maxNonce = 25

// nonce derives a DM's nonce from its key: the key itself when short
// enough ("assignment:42"), else a hash of it (a reminder's key names its
// kind and date).
func nonce(k bot.DMKey) string {
	s := k.String()
	if len(s) <= maxNonce {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return k.Kind[:1] + hex.EncodeToString(sum[:])[:maxNonce-1]
}

// call makes one REST call outside discordgo's rate limiter. The limiter
// sleeps until a bucket resets; a queue worker must not sleep but hand the
// job back with the wait (RetryAfterError), so every call gets a bucket of
// its own and Discord's 429 decides.
func (a *Adapter) call(ctx context.Context, method, endpoint string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("discord: encode %s body: %w", endpoint, err)
	}
	bucket := discordgo.NewRatelimiter().LockBucket(endpoint)
	resp, err := a.api.RequestWithLockedBucket(method, endpoint, "application/json", b, bucket, 0, discordgo.WithContext(ctx))
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(resp, out); err != nil {
			return fmt.Errorf("discord: decode %s response: %w", endpoint, err)
		}
	}
	return nil
}

func dmError(step string, err error) error {
	var limited *discordgo.RateLimitError
	if errors.As(err, &limited) {
		return &model.RetryAfterError{After: limited.RetryAfter, Err: fmt.Errorf("discord: %s: %w", step, err)}
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil {
		wrapped := fmt.Errorf("discord: %s: %w", step, err)
		switch rest.Message.Code {
		case codeCannotMessageUser:
			return &model.PermanentError{Reason: model.Reason{Message: msgDMsClosed}, Err: wrapped}
		case codeNoMutualGuildsToDM:
			return &model.PermanentError{Reason: model.Reason{Message: msgNoSharedGuild}, Err: wrapped}
		case codeUnknownUser:
			return &model.PermanentError{Reason: model.Reason{Message: msgUnknownUser}, Err: wrapped}
		case codeInvalidFormBody:
			return &model.PermanentError{Reason: model.Reason{Message: msgRefused, Detail: rest.Message.Message}, Err: wrapped}
		}
	}
	return fmt.Errorf("discord: %s: %w", step, err)
}

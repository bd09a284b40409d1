package discord

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/redact"
	"github.com/learnbot/learnbot/model"
)

const (
	// tokenLifetime is how long an interaction token accepts follow-ups.
	tokenLifetime = 15 * time.Minute
	// autocompleteTimeout keeps suggestions inside Discord's 3 s.
	autocompleteTimeout = 2 * time.Second
	// maxChoices is Discord's limit on autocomplete suggestions.
	maxChoices = 25
	// restTimeout bounds one REST call made for an interaction.
	restTimeout = 10 * time.Second
)

// dispatch is the one code path for interactions from the HTTP endpoint and
// the gateway. It returns the first response, due within 3 s, and, when the
// reply was not ready within deferAfter, a follow-up that finishes the
// interaction through its webhook once the first response has been sent.
func (a *Adapter) dispatch(ctx context.Context, i *discordgo.Interaction) (*discordgo.InteractionResponse, func(context.Context)) {
	switch i.Type {
	case discordgo.InteractionPing:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, nil
	case discordgo.InteractionApplicationCommandAutocomplete:
		return a.autocomplete(ctx, i), nil
	case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent:
	default:
		return message(actor(i).Lang.Say(msgUnknownKind, nil)), nil
	}
	req, err := a.request(ctx, i)
	if err != nil {
		return message(model.ErrorText(actor(i).Lang, err)), nil
	}
	// The handler's context outlives the HTTP request when the reply is
	// deferred; the interaction token bounds it.
	// The replay check runs on the handler's clock: a slow database must
	// not push the first response past 3 s.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenLifetime)
	done := make(chan *bot.Reply, 1)
	go func() {
		defer cancel()
		if a.replayed(hctx, i) {
			done <- nil
			return
		}
		done <- a.handle(hctx, req)
	}()
	timer := time.NewTimer(a.deferAfter)
	defer timer.Stop()
	select {
	case reply := <-done:
		if reply == nil {
			return message(req.Actor.Lang.Say(msgAlreadyHandled, nil)), nil
		}
		return a.response(i, reply, dmWorkspace(i, req)), nil
	case <-timer.C:
	}
	return deferred(i), func(ctx context.Context) {
		reply := <-done
		if reply == nil {
			return // a replay: the original's reply stays as it is
		}
		if err := a.finish(ctx, i, reply, dmWorkspace(i, req)); err != nil {
			a.log.Error("finish deferred interaction", "platform", model.PlatformDiscord,
				"workspace", req.Workspace, "command", commandName(i), "error", err)
		}
	}
}

// handle runs the handler and never panics: a handler other than bot.Router
// may not recover by itself.
func (a *Adapter) handle(ctx context.Context, req *bot.Request) (reply *bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("panic in handler", "platform", model.PlatformDiscord, "workspace", req.Workspace,
				"panic", p, "stack", string(debug.Stack()))
			reply = bot.Failed(req.Lang.Or(req.Actor.Lang))
		}
	}()
	reply = a.handler.Handle(ctx, req)
	if reply == nil {
		reply = bot.Done(req.Lang.Or(req.Actor.Lang))
	}
	return reply
}

// deferred acknowledges an interaction whose reply comes later: "thinking"
// for a command (only the user sees it), a silent acknowledgement for a
// button press.
func deferred(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionMessageComponent {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}
}

// finish delivers a deferred reply (its errors carry no interaction token:
// the URL of a failed call names it): it edits the original response (the
// "thinking" message of a command, or the message whose button was pressed
// when the reply replaces it) or sends a new ephemeral follow-up.
func (a *Adapter) finish(ctx context.Context, i *discordgo.Interaction, reply *bot.Reply, dmWS string) error {
	ctx, cancel := context.WithTimeout(ctx, restTimeout)
	defer cancel()
	content, comps := a.render(reply, dmWS)
	opt := discordgo.WithContext(ctx)
	if i.Type == discordgo.InteractionMessageComponent && !reply.Replace {
		params := &discordgo.WebhookParams{Content: content, Components: comps, AllowedMentions: noMentions()}
		if !reply.Public {
			params.Flags = discordgo.MessageFlagsEphemeral
		}
		if _, err := a.api.FollowupMessageCreate(i, false, params, opt); err != nil {
			return fmt.Errorf("discord: follow-up message: %w", redact.Error(err))
		}
		return nil
	}
	edit := &discordgo.WebhookEdit{Content: &content, Components: &comps, AllowedMentions: noMentions()}
	if _, err := a.api.InteractionResponseEdit(i, edit, opt); err != nil {
		return fmt.Errorf("discord: edit original response: %w", redact.Error(err))
	}
	return nil
}

// followUp is an interaction's route for a reply after it was answered:
// "<application ID>/<interaction token>", good for tokenLifetime.
func followUp(i *discordgo.Interaction) string {
	if i.AppID == "" || i.Token == "" {
		return ""
	}
	return i.AppID + "/" + i.Token
}

// Respond delivers a reply to an interaction after it was answered
// (bot.Responder): it edits the message whose button was pressed (Replace)
// or sends an ephemeral follow-up, through the interaction's webhook.
func (a *Adapter) Respond(ctx context.Context, workspace, route string, reply *bot.Reply) error {
	app, token, ok := strings.Cut(route, "/")
	if !ok || app == "" || token == "" || workspace == "" {
		return fmt.Errorf("discord: no interaction to answer through")
	}
	i := &discordgo.Interaction{AppID: app, Token: token, GuildID: workspace, Type: discordgo.InteractionMessageComponent}
	return a.finish(ctx, i, reply, "")
}

// response renders a reply as the interaction's immediate response. A press
// whose reply replaces the prompt updates that message (type 7); anything
// else is a new message, ephemeral unless the reply is public.
func (a *Adapter) response(i *discordgo.Interaction, reply *bot.Reply, dmWS string) *discordgo.InteractionResponse {
	content, comps := a.render(reply, dmWS)
	data := &discordgo.InteractionResponseData{Content: content, Components: comps, AllowedMentions: noMentions()}
	if i.Type == discordgo.InteractionMessageComponent && reply.Replace {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}
	}
	if !reply.Public {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// dmWorkspace is the workspace of a request made in a direct message (the
// one folded into the pressed button, or the server found for a command),
// so that the buttons of the answer (Undo after Mark done) carry it; ""
// in a server.
func dmWorkspace(i *discordgo.Interaction, req *bot.Request) string {
	if i.GuildID != "" {
		return ""
	}
	return req.Workspace
}

// message is an ephemeral answer from the adapter itself (the request could
// not be turned into a bot request).
func message(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
		},
	}
}

// autocomplete suggests task keys for the focused option. Failures offer no
// choices: an autocomplete request has no room for an error message.
func (a *Adapter) autocomplete(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || a.tasks == nil || i.GuildID == "" {
		return resp
	}
	focused := focusedOption(data.Options)
	if focused == nil {
		return resp
	}
	cmd, _ := a.lookup(data)
	if cmd != nil && !optionAutocompletes(cmd, focused.Name) {
		return resp
	}
	need := model.RoleGuide // a command of an older learnbot: keys for guides only
	if cmd != nil {
		need = cmd.Role
	}
	prefix, _ := focused.Value.(string)
	ctx, cancel := context.WithTimeout(ctx, autocompleteTimeout)
	defer cancel()
	keys, err := a.tasks.CompleteTasks(ctx, model.PlatformDiscord, i.GuildID, actor(i), need, strings.TrimSpace(prefix))
	if err != nil {
		a.log.Error("autocomplete tasks", "platform", model.PlatformDiscord, "workspace", i.GuildID,
			"command", data.Name, "error", err)
		return resp
	}
	for _, k := range keys {
		if len(choices) == maxChoices {
			break
		}
		if k == "" || len(k) > 100 {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: k, Value: k})
	}
	resp.Data.Choices = choices
	return resp
}

func focusedOption(opts []*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o.Focused {
			return o
		}
		if f := focusedOption(o.Options); f != nil {
			return f
		}
	}
	return nil
}

func optionAutocompletes(cmd *bot.Command, name string) bool {
	for _, o := range cmd.Options {
		if o.Name == name {
			return o.Autocomplete
		}
	}
	return false
}

func commandName(i *discordgo.Interaction) string {
	switch d := i.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		return d.Name
	case discordgo.MessageComponentInteractionData:
		name, _, _ := strings.Cut(d.CustomID, ":")
		return "button:" + name
	}
	return ""
}

func noMentions() *discordgo.MessageAllowedMentions {
	// Replies name people with <@id>; they render as names but ping nobody.
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

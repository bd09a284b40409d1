package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/redact"
	"github.com/learnbot/learnbot/model"
)

// Routes registers the Slack endpoints (HTTP mode). Every request's
// signature is checked before anything else.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /slack/commands", a.serveCommand)
	mux.HandleFunc("POST /slack/interactions", a.serveInteraction)
	mux.HandleFunc("POST /slack/events", a.serveEvent)
}

// readSignedForm reads a signed request's form body (slash commands and
// interactions). A nil form has been answered.
func (a *Adapter) readSignedForm(w http.ResponseWriter, r *http.Request) url.Values {
	body := a.readSigned(w, r)
	if body == nil {
		return nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form body", http.StatusBadRequest)
		return nil
	}
	return form
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	form := a.readSignedForm(w, r)
	if form == nil {
		return
	}
	if form.Get("ssl_check") == "1" {
		w.WriteHeader(http.StatusOK)
		return
	}
	cmd := slackgo.SlashCommand{
		TeamID:      form.Get("team_id"),
		TeamDomain:  form.Get("team_domain"),
		ChannelID:   form.Get("channel_id"),
		UserID:      form.Get("user_id"),
		UserName:    form.Get("user_name"),
		Command:     form.Get("command"),
		Text:        form.Get("text"),
		ResponseURL: form.Get("response_url"),
	}
	// The replay check runs on the command's clock: a slow database must not
	// push the acknowledgement past 3 s.
	trigger := form.Get("trigger_id")
	reply, inTime := a.respond(r.Context(),
		func(ctx context.Context) *bot.Reply {
			if a.replayed(ctx, trigger) {
				return nil
			}
			return a.runCommand(ctx, cmd)
		},
		func(ctx context.Context, reply *bot.Reply) { a.postResponse(ctx, cmd.ResponseURL, reply, false) })
	if !inTime || reply == nil {
		// Slack gets its acknowledgement; the reply follows through
		// response_url, or there is none (a replay).
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, message(reply))
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	form := a.readSignedForm(w, r)
	if form == nil {
		return
	}
	var cb slackgo.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if cb.Type == slackgo.InteractionTypeBlockActions {
		// Answers go through response_url (Slack ignores this response's
		// body for block_actions); waiting a little keeps them in order
		// with the acknowledgement when they are quick.
		a.respond(r.Context(), func(ctx context.Context) *bot.Reply {
			if !a.replayed(ctx, cb.TriggerID) {
				a.runActions(ctx, cb)
			}
			return nil
		}, nil)
	}
	w.WriteHeader(http.StatusOK)
}

// replayTimeout bounds the replay check inside Slack's 3 s.
const replayTimeout = time.Second

// replayed reports whether a command or a button press with this
// trigger_id was acted on before: a signed request replayed within the
// signature window gets an empty 200 and no second effect. Replicas share
// the memory through the store. When the check fails the request is acted
// on: a lost command is worse than a rare second one.
func (a *Adapter) replayed(ctx context.Context, triggerID string) bool {
	if triggerID == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, replayTimeout)
	defer cancel()
	first, err := a.dedup.FirstSeen(ctx, "slack:trigger:"+triggerID)
	switch {
	case err != nil:
		a.log.Warn("replay check failed; acting on the request", "error", err)
		return false
	case !first:
		a.log.Warn("replayed request ignored", "trigger_id", triggerID)
		return true
	}
	return false
}

// eventEnvelope is the part of an Events API request learnbot reads.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	TeamID    string `json:"team_id"`
	EventID   string `json:"event_id"`
	// Authorizations name the installation the event is for: its bot
	// user, whose own joins rules ignore.
	Authorizations []struct {
		UserID string `json:"user_id"`
		IsBot  bool   `json:"is_bot"`
	} `json:"authorizations"`
	Event eventBody `json:"event"`
}

// eventBody is the part of an event learnbot reads.
type eventBody struct {
	Type string `json:"type"`
	// User is a user ID, except in team_join: the whole user object.
	User       json.RawMessage `json:"user"`
	Tab        string          `json:"tab"`
	Channel    string          `json:"channel"`
	Subteam    string          `json:"subteam_id"`
	AddedUsers []string        `json:"added_users"`
}

// userID is the event's user when it is given by ID; "" otherwise.
func (e eventBody) userID() string {
	var id string
	if json.Unmarshal(e.User, &id) != nil {
		return ""
	}
	return id
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request) {
	body := a.readSigned(w, r)
	if body == nil {
		return
	}
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		http.Error(w, "bad event body", http.StatusBadRequest)
		return
	}
	switch env.Type {
	case "url_verification":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(env.Challenge))
		return
	case "event_callback":
		retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
		if joinEvents[env.Event.Type] {
			// Rules may take a while (a DM each); Slack needs nothing
			// but the 200, so it gets it now.
			if a.joiner != nil {
				ctx := context.WithoutCancel(r.Context())
				a.background.Go(func() { a.runEvent(ctx, env, retry) })
			}
			break
		}
		a.respond(r.Context(), func(ctx context.Context) *bot.Reply {
			a.runEvent(ctx, env, retry)
			return nil
		}, nil)
	}
	w.WriteHeader(http.StatusOK)
}

// backgroundTimeout bounds what a press or an event does after Slack got its
// acknowledgement (the command, then the App Home refresh): their contexts
// outlive the request, and a hung database must not hold them forever.
const backgroundTimeout = 30 * time.Second

// runCommand turns a slash command into a request and runs it.
func (a *Adapter) runCommand(ctx context.Context, cmd slackgo.SlashCommand) *bot.Reply {
	req := &bot.Request{
		Platform:      model.PlatformSlack,
		Workspace:     cmd.TeamID,
		WorkspaceName: cmd.TeamDomain,
		Args:          commandArgs(a.cfg.CommandPrefix, cmd.Command, cmd.Text),
		Directory:     a.dir,
		CommandText:   a.commandText,
	}
	if len(cmd.Text) <= bot.MaxTextLength {
		var wg sync.WaitGroup
		wg.Go(func() { req.Actor = a.actor(ctx, cmd.UserID, cmd.UserName) })
		a.enrichMentions(ctx, req.Args)
		wg.Wait()
	} else {
		// refused unread by the router; no need to ask Slack about anyone
		req.Actor = model.User{ID: cmd.UserID, Name: cmd.UserName}
	}
	reply := a.handler.Handle(ctx, req)
	for _, u := range reply.Homes {
		a.refreshHomeSoon(req.Workspace, u)
	}
	return reply
}

// runActions handles button presses. A press on a message answers through
// the payload's response_url; a press in the App Home tab shows its outcome
// on top of the refreshed tab. Either way the presser's Home is refreshed,
// since a press may change their tasks.
func (a *Adapter) runActions(ctx context.Context, cb slackgo.InteractionCallback) {
	ctx, cancel := context.WithTimeout(ctx, backgroundTimeout)
	defer cancel()
	actor := a.actor(ctx, cb.User.ID, cb.User.Name)
	fromHome := cb.View.Type == slackgo.VTHomeTab || cb.Container.Type == "view"
	for _, act := range cb.ActionCallback.BlockActions {
		req := &bot.Request{
			Platform:      model.PlatformSlack,
			Workspace:     cb.Team.ID,
			WorkspaceName: cb.Team.Domain,
			Actor:         actor,
			Action:        &bot.Action{ID: firstNonEmpty(act.Value, act.ActionID)},
			Directory:     a.dir,
			CommandText:   a.commandText,
		}
		if !fromHome {
			req.FollowUp = cb.ResponseURL
		}
		reply := a.handler.Handle(ctx, req)
		notice := ""
		if fromHome || cb.ResponseURL == "" {
			notice = reply.String()
		} else {
			a.postResponse(ctx, cb.ResponseURL, reply, reply.Replace)
		}
		if err := a.refreshHome(ctx, cb.Team.ID, actor, notice); err != nil {
			a.log.Warn("refreshing App Home failed", "workspace", cb.Team.ID, "user", actor.ID, "error", err)
		}
	}
}

// runEvent handles one Events API event, once: Slack retries an event it
// thinks was lost, and replicas share the memory of which were seen.
func (a *Adapter) runEvent(ctx context.Context, env eventEnvelope, retry int) {
	if joinEvents[env.Event.Type] && a.joiner == nil {
		return // nobody follows joins: not worth a deduplication key
	}
	ctx, cancel := context.WithTimeout(ctx, backgroundTimeout)
	defer cancel()
	if env.EventID != "" {
		first, err := a.dedup.FirstSeen(ctx, "slack:event:"+env.EventID)
		switch {
		case err != nil:
			// handling twice beats not at all: publishing Home and
			// Joined are idempotent
			a.log.Warn("event deduplication failed; handling the event anyway", "event_id", env.EventID, "error", err)
		case !first:
			a.log.Debug("event already handled", "event_id", env.EventID, "retry", retry)
			return
		}
	}
	switch env.Event.Type {
	case "app_home_opened":
		user := env.Event.userID()
		if env.Event.Tab != "home" || user == "" {
			return
		}
		// Each opening renews the visit, so that pruning forgets only Homes
		// not opened for a while.
		if err := a.dedup.Touch(ctx, homeOpenedKey(env.TeamID, user)); err != nil {
			a.log.Warn("recording an App Home visit failed", "workspace", env.TeamID, "user", user, "error", err)
		}
		actor := a.actor(ctx, user, "")
		if err := a.refreshHome(ctx, env.TeamID, actor, ""); err != nil {
			a.log.Error("publishing App Home failed", "workspace", env.TeamID, "user", actor.ID, "error", err)
		}
	case "member_joined_channel", "subteam_members_changed", "team_join":
		a.handOverJoin(ctx, env)
	}
}

// Respond delivers a reply through a press's response_url after the press
// was answered (bot.Responder), replacing the message when the reply says
// Replace. Slack accepts a response_url for 30 minutes.
func (a *Adapter) Respond(ctx context.Context, workspace, responseURL string, reply *bot.Reply) error {
	if responseURL == "" {
		return errors.New("slack: no response_url to answer through")
	}
	a.postResponse(ctx, responseURL, reply, reply.Replace)
	return nil
}

// postResponse answers through a response_url: replacing the message whose
// button was pressed, or as a new message that leaves it in place.
func (a *Adapter) postResponse(ctx context.Context, responseURL string, reply *bot.Reply, replace bool) {
	if responseURL == "" {
		a.log.Warn("no response_url to answer through; reply dropped")
		return
	}
	m := message(reply)
	m.ReplaceOriginal = replace
	if replace && !reply.Public {
		m.ResponseType = "" // the replaced message keeps its visibility
	}
	if err := slackgo.PostWebhookCustomHTTPContext(ctx, responseURL, a.http, m); err != nil {
		// the response_url is a credential: it answers for the user for 30 minutes
		a.log.Error("posting to response_url failed", "url", redact.URL(responseURL), "error", redact.Error(err))
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

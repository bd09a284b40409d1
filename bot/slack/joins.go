package slack

import (
	"context"
	"encoding/json"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

// joinEvents are the Events API events that tell rules who joined a
// source (DESIGN 3b).
var joinEvents = map[string]bool{
	"member_joined_channel":   true,
	"subteam_members_changed": true,
	"team_join":               true,
}

// handOverJoin tells the Joiner who joined what. The event has been
// deduplicated by then (runEvent), so Slack's retries cost nothing here.
func (a *Adapter) handOverJoin(ctx context.Context, env eventEnvelope) {
	source, users := a.joined(ctx, env)
	if len(users) == 0 {
		return
	}
	if err := a.joiner.Joined(ctx, model.PlatformSlack, env.TeamID, source, users); err != nil {
		// The reconciliation lists the source again and catches up.
		a.log.Error("handing over a join failed", "workspace", env.TeamID, "event", env.Event.Type,
			"source", source.Kind+":"+source.ID, "users", len(users), "error", err)
	}
}

// joined is the source of a join event and the people who joined it:
// bots, deactivated accounts and the app's own user left out. Slack gives
// only IDs in member_joined_channel and subteam_members_changed; they are
// named (and bots told apart) from the user cache and users.info, at most
// maxLookups per event, as GroupMembers does. The users removed from a user
// group are not read: rules follow joins only.
func (a *Adapter) joined(ctx context.Context, env eventEnvelope) (bot.PlatformGroup, []model.User) {
	var (
		source bot.PlatformGroup
		ids    []string
	)
	switch ev := env.Event; ev.Type {
	case "member_joined_channel":
		if ev.Channel == "" {
			return source, nil
		}
		source = bot.PlatformGroup{Kind: "channel", ID: ev.Channel}
		ids = []string{ev.userID()}
	case "subteam_members_changed":
		if ev.Subteam == "" {
			return source, nil
		}
		source = bot.PlatformGroup{Kind: "usergroup", ID: ev.Subteam}
		ids = ev.AddedUsers
	case "team_join":
		// The event carries the whole user: no users.info needed.
		var u slackgo.User
		if err := json.Unmarshal(ev.User, &u); err != nil || u.ID == "" {
			a.log.Warn("team_join without a user", "workspace", env.TeamID, "error", err)
			return source, nil
		}
		su := toSlackUser(&u)
		if su.NotPerson || env.ownUser(u.ID) {
			return source, nil
		}
		return bot.PlatformGroup{Kind: bot.SourceEveryone}, []model.User{su.User}
	}
	people := ids[:0:0]
	for _, id := range ids {
		if id != "" && !env.ownUser(id) {
			people = append(people, id)
		}
	}
	if len(people) == 0 {
		return source, nil
	}
	lookups := maxLookups
	var users []model.User
	for _, u := range a.lookupUsers(ctx, people, &lookups) {
		if !u.NotPerson {
			users = append(users, u.User)
		}
	}
	return source, users
}

// ownUser reports whether id is the app's bot user in the installation the
// event is for: the bot joining a channel it was invited to is no learner.
func (env eventEnvelope) ownUser(id string) bool {
	for _, auth := range env.Authorizations {
		if auth.IsBot && auth.UserID == id {
			return true
		}
	}
	return false
}

package slack

import (
	"context"
	"errors"
	"fmt"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
)

// directory answers bot.Directory questions through the Web API.
type directory struct{ a *Adapter }

// Slack errors that mean the workspace's plan has no user groups.
var freePlanErrors = map[string]bool{
	"not_allowed_token_type": true,
	"paid_teams_only":        true,
	"plan_upgrade_required":  true,
	"team_not_on_paid_plan":  true,
	"paid_only":              true,
}

// GroupMembers lists the people in a Slack user group or channel; bots and
// deactivated accounts are left out.
func (d *directory) GroupMembers(ctx context.Context, g bot.PlatformGroup) ([]bot.User, error) {
	var (
		ids []string
		err error
	)
	switch g.Kind {
	case "usergroup":
		ids, err = d.usergroupMembers(ctx, g)
	case "channel":
		ids, err = d.channelMembers(ctx, g)
	default:
		return nil, bot.Fail(msgCannotList, bot.Vars{"Kind": g.Kind})
	}
	if err != nil {
		return nil, err
	}
	var users []bot.User
	for _, u := range d.a.lookupUsers(ctx, ids) {
		if !u.NotPerson {
			users = append(users, u.User)
		}
	}
	return users, nil
}

func (d *directory) usergroupMembers(ctx context.Context, g bot.PlatformGroup) ([]string, error) {
	ids, err := d.a.web.GetUserGroupMembersContext(ctx, g.ID)
	if err == nil {
		return ids, nil
	}
	switch code := errorCode(err); {
	case freePlanErrors[code]:
		return nil, bot.Fail(msgPaidPlan, bot.Vars{"Group": firstNonEmpty(g.Name, g.ID)})
	case code == "no_such_subteam" || code == "subteam_not_found":
		return nil, bot.Fail(msgUnknownUsergroup, bot.Vars{"Group": firstNonEmpty(g.Name, g.ID)})
	}
	return nil, fmt.Errorf("slack: usergroups.users.list %s: %w", g.ID, err)
}

func (d *directory) channelMembers(ctx context.Context, g bot.PlatformGroup) ([]string, error) {
	var ids []string
	params := &slackgo.GetUsersInConversationParameters{ChannelID: g.ID, Limit: 1000}
	for {
		page, next, err := d.a.web.GetUsersInConversationContext(ctx, params)
		if err != nil {
			switch errorCode(err) {
			case "channel_not_found", "not_in_channel":
				return nil, bot.Fail(msgChannelHidden, bot.Vars{"Channel": firstNonEmpty(g.Name, g.ID)})
			}
			return nil, fmt.Errorf("slack: conversations.members %s: %w", g.ID, err)
		}
		ids = append(ids, page...)
		if next == "" {
			return ids, nil
		}
		params.Cursor = next
	}
}

// UserByEmail finds a workspace member by email (users.lookupByEmail).
func (d *directory) UserByEmail(ctx context.Context, email string) (*bot.User, error) {
	u, err := d.a.web.GetUserByEmailContext(ctx, email)
	if err != nil {
		if errorCode(err) == "users_not_found" {
			return nil, bot.ErrNoUser
		}
		return nil, fmt.Errorf("slack: users.lookupByEmail: %w", err)
	}
	su := toSlackUser(u)
	if su.NotPerson {
		return nil, bot.ErrNoUser
	}
	d.a.users.put(su)
	return &su.User, nil
}

// errorCode is Slack's error string ("users_not_found"), or "".
func errorCode(err error) string {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

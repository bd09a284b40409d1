package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
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

// GroupMembers hands over the people in a Slack user group or channel a
// page at a time; bots and deactivated accounts are left out.
// usergroups.users.list answers with the whole group's IDs at once (Slack's
// full list, no paging); channels come in conversations.members pages.
// Members are named from the adapter's user cache, and at most maxLookups
// of them through users.info per listing; the others go by their ID (see
// lookupUsers) until they talk to learnbot or are looked up later.
func (d *directory) GroupMembers(ctx context.Context, g bot.PlatformGroup, page func([]model.User) error) error {
	l := &lister{a: d.a, page: page, lookups: maxLookups}
	switch g.Kind {
	case "usergroup":
		ids, err := d.usergroupMembers(ctx, g)
		if err != nil {
			return err
		}
		return l.hand(ctx, ids)
	case "channel":
		return d.channelMembers(ctx, g, l)
	}
	return model.Fail(msgCannotList, catalog.Vars{"Kind": g.Kind})
}

// lister turns pages of member IDs into pages of users for one listing.
type lister struct {
	a       *Adapter
	page    func([]model.User) error
	lookups int // users.info calls left for this listing
	buf     []model.User
}

// hand names the members with these IDs and hands them over, at most
// bot.MembersPage at a time.
func (l *lister) hand(ctx context.Context, ids []string) error {
	for chunk := range slices.Chunk(ids, bot.MembersPage) {
		l.buf = l.buf[:0]
		for _, u := range l.a.lookupUsers(ctx, chunk, &l.lookups) {
			if !u.NotPerson {
				l.buf = append(l.buf, u.User)
			}
		}
		if len(l.buf) == 0 {
			continue
		}
		if err := l.page(l.buf); err != nil {
			return err
		}
	}
	return nil
}

func (d *directory) usergroupMembers(ctx context.Context, g bot.PlatformGroup) ([]string, error) {
	ids, err := d.a.web.GetUserGroupMembersContext(ctx, g.ID)
	if err == nil {
		return ids, nil
	}
	switch code := errorCode(err); {
	case freePlanErrors[code]:
		return nil, model.Fail(msgPaidPlan, catalog.Vars{"Group": firstNonEmpty(g.Name, g.ID)})
	case code == "no_such_subteam" || code == "subteam_not_found":
		return nil, model.Fail(msgUnknownUsergroup, catalog.Vars{"Group": firstNonEmpty(g.Name, g.ID)})
	}
	return nil, fmt.Errorf("slack: usergroups.users.list %s: %w", g.ID, err)
}

func (d *directory) channelMembers(ctx context.Context, g bot.PlatformGroup, l *lister) error {
	params := &slackgo.GetUsersInConversationParameters{ChannelID: g.ID, Limit: bot.MembersPage}
	for {
		ids, next, err := d.a.web.GetUsersInConversationContext(ctx, params)
		if err != nil {
			switch errorCode(err) {
			case "channel_not_found", "not_in_channel":
				return model.Fail(msgChannelHidden, catalog.Vars{"Channel": firstNonEmpty(g.Name, g.ID)})
			}
			return fmt.Errorf("slack: conversations.members %s: %w", g.ID, err)
		}
		if err := l.hand(ctx, ids); err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		params.Cursor = next
	}
}

// UserByEmail finds a workspace member by email (users.lookupByEmail).
func (d *directory) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	u, err := d.a.web.GetUserByEmailContext(ctx, email)
	if err != nil {
		if errorCode(err) == "users_not_found" {
			return nil, model.ErrNoUser
		}
		return nil, fmt.Errorf("slack: users.lookupByEmail: %w", err)
	}
	su := toSlackUser(u)
	if su.NotPerson {
		return nil, model.ErrNoUser
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

package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

const (
	membersPage = bot.MembersPage // Discord's page size limit for List Guild Members: 1000
	// codeMissingAccess is Discord's error for a privileged intent that is off.
	codeMissingAccess = 50001
)

// Directory answers the core's platform questions for one guild.
func (a *Adapter) Directory(guildID string) bot.Directory {
	return &directory{a: a, guild: guildID}
}

type directory struct {
	a     *Adapter
	guild string
}

var _ bot.Directory = (*directory)(nil)

// GroupMembers hands over the members holding a role (the @everyone role,
// whose ID is the guild's, holds everybody), bots left out, one page of
// List Guild Members at a time (1000, paged by after). Listing members needs
// the privileged Server Members Intent; without it the user is told how to
// turn it on.
func (d *directory) GroupMembers(ctx context.Context, g bot.PlatformGroup, page func([]model.User) error) error {
	if g.Kind != "role" {
		return model.Fail(msgOnlyRoles, catalog.Vars{"Kind": g.Kind})
	}
	if d.guild == "" {
		return model.Fail(msgRolesInServer, nil)
	}
	users := make([]model.User, 0, membersPage)
	after := ""
	for {
		members, err := d.a.api.GuildMembers(d.guild, after, membersPage, discordgo.WithContext(ctx))
		if err != nil {
			return d.membersError(g, err)
		}
		users = users[:0]
		for _, m := range members {
			if m.User == nil || m.User.Bot {
				continue
			}
			if g.ID == d.guild || slices.Contains(m.Roles, g.ID) {
				users = append(users, model.User{ID: m.User.ID, Name: memberName(m, m.User)})
			}
		}
		if len(users) > 0 {
			if err := page(users); err != nil {
				return err
			}
		}
		if len(members) < membersPage || members[len(members)-1].User == nil {
			return nil
		}
		after = members[len(members)-1].User.ID
	}
}

func (d *directory) membersError(g bot.PlatformGroup, err error) error {
	role := "<@&" + g.ID + ">"
	if g.Name != "" {
		role = "@" + g.Name
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && (rest.Response != nil && rest.Response.StatusCode == http.StatusForbidden ||
		rest.Message != nil && rest.Message.Code == codeMissingAccess) {
		return model.Fail(msgMembersIntent, catalog.Vars{"Role": role})
	}
	var limited *discordgo.RateLimitError
	if errors.As(err, &limited) {
		wait := max(limited.RetryAfter.Round(time.Second), time.Second)
		return model.Fail(msgMembersLimited, catalog.Vars{"Role": role, "Wait": wait.String()})
	}
	return fmt.Errorf("discord: list members of role %s in guild %s: %w", g.ID, d.guild, err)
}

// UserByEmail: Discord does not let bots find users by email.
func (d *directory) UserByEmail(context.Context, string) (*model.User, error) {
	return nil, model.ErrNoUser
}

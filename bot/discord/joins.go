package discord

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/memo"
	"github.com/learnbot/learnbot/model"
)

// WithJoiner hands the people who join the server (GUILD_MEMBER_ADD) or
// get a role (GUILD_MEMBER_UPDATE) to j, for the rules that follow them.
// The gateway then asks for the privileged Server Members Intent, which
// the operator switches on in the Developer Portal. Over HTTP interactions
// only there are no such events: rules catch up by reconciliation.
func WithJoiner(j bot.Joiner) Option { return func(a *Adapter) { a.joiner = j } }

// joinTimeout bounds one hand-over to the Joiner.
const joinTimeout = 30 * time.Second

// seenMembers bounds the members whose roles the adapter remembers.
const seenMembers = 100_000

// guildMember names a member of one guild.
type guildMember struct{ guild, user string }

// seenRoles remembers the roles each member had when last seen, so that a
// GUILD_MEMBER_UPDATE, which carries only the member's new state, tells
// which roles were added. (discordgo's state could give the old member as
// BeforeUpdate, but it keeps every member it sees with no bound, so member
// tracking is off.) A member not remembered (after a restart, or forgotten
// to keep the bound) has all the roles of the update taken as joined:
// Joined is idempotent and rules serve a person once per period, so that
// costs a repeated hand-over, never a second assignment.
type seenRoles struct {
	mu sync.Mutex // makes swap one step; discordgo runs handlers concurrently
	m  *memo.Map[guildMember, []string]
}

func newSeenRoles() *seenRoles {
	return &seenRoles{m: memo.New[guildMember, []string](seenMembers)}
}

// swap records roles as the member's and returns those remembered before.
func (s *seenRoles) swap(k guildMember, roles []string) (before []string, known bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	before, known = s.m.Get(k)
	s.m.Put(k, slices.Clone(roles))
	return before, known
}

// memberAdded hands over a member who joined the server: to the rules
// that follow the server, and to those following any role they came with.
func (a *Adapter) memberAdded(ctx context.Context, m *discordgo.Member) {
	if m == nil || m.User == nil || m.User.Bot || m.GuildID == "" {
		return
	}
	a.roles.swap(guildMember{m.GuildID, m.User.ID}, m.Roles)
	user := memberUser(m)
	a.handOver(ctx, m.GuildID, bot.PlatformGroup{Kind: bot.SourceEveryone}, user)
	for _, role := range m.Roles {
		a.handOver(ctx, m.GuildID, bot.PlatformGroup{Kind: "role", ID: role}, user)
	}
}

// memberUpdated hands over the roles a member gained since last seen.
func (a *Adapter) memberUpdated(ctx context.Context, m *discordgo.Member) {
	if m == nil || m.User == nil || m.User.Bot || m.GuildID == "" {
		return
	}
	before, _ := a.roles.swap(guildMember{m.GuildID, m.User.ID}, m.Roles)
	user := memberUser(m)
	for _, role := range m.Roles {
		if !slices.Contains(before, role) {
			a.handOver(ctx, m.GuildID, bot.PlatformGroup{Kind: "role", ID: role}, user)
		}
	}
}

// guildSeen remembers the roles of the members a GUILD_CREATE lists (all
// of a small server's, some of a large one's), so that their next update
// hands over only the roles they gain.
func (a *Adapter) guildSeen(g *discordgo.Guild) {
	if g == nil {
		return
	}
	for _, m := range g.Members {
		if m != nil && m.User != nil && !m.User.Bot {
			a.roles.swap(guildMember{g.ID, m.User.ID}, m.Roles)
		}
	}
}

func memberUser(m *discordgo.Member) model.User {
	return model.User{ID: m.User.ID, Name: memberName(m, m.User)}
}

func (a *Adapter) handOver(ctx context.Context, guild string, source bot.PlatformGroup, user model.User) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), joinTimeout)
	defer cancel()
	if err := a.joiner.Joined(ctx, model.PlatformDiscord, guild, source, []model.User{user}); err != nil {
		// The reconciliation lists the source again and catches up.
		a.log.Error("handing over a join failed", "platform", model.PlatformDiscord, "workspace", guild,
			"source", source.Kind+":"+source.ID, "user", user.ID, "error", err)
	}
}

package discord

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// mention matches Discord's user (<@id>, <@!id>) and role (<@&id>) mentions.
var mention = regexp.MustCompile(`<@([!&]?)(\d{1,20})>`)

// request turns a command or a button press into a bot request.
func (a *Adapter) request(ctx context.Context, i *discordgo.Interaction) (*bot.Request, error) {
	req := &bot.Request{
		Platform:  model.PlatformDiscord,
		Workspace: i.GuildID,
		Actor:     actor(i),
		FollowUp:  followUp(i),
	}
	if req.Actor.ID == "" {
		return nil, model.Fail(msgNoActor, nil)
	}
	switch d := i.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		if i.GuildID == "" {
			if !a.inDMs(d.Name) {
				return nil, model.Fail(msgServerOnly, nil)
			}
			ws, err := a.dmServer(ctx, req.Actor.ID)
			if err != nil {
				return nil, err
			}
			req.Workspace = ws
		}
		args, err := a.args(d)
		if err != nil {
			return nil, err
		}
		req.Args = args
	case discordgo.MessageComponentInteractionData:
		id := d.CustomID
		if i.GuildID == "" {
			ws, inner, ok := parseDMCustomID(d.CustomID)
			if !ok {
				return nil, model.Fail(msgButtonInServer, nil)
			}
			req.Workspace, id = ws, inner
		} else if _, inner, ok := parseDMCustomID(d.CustomID); ok {
			id = inner
		}
		req.Action = &bot.Action{ID: id}
	default:
		return nil, model.Fail(msgUnknownInteraction, catalog.Vars{"Type": int(i.Type)})
	}
	if g, err := a.session.State.Guild(req.Workspace); err == nil {
		req.WorkspaceName = g.Name
	}
	req.Directory = a.Directory(req.Workspace)
	return req, nil
}

// actor is the user who caused the interaction: member.user in a guild,
// user in a DM. Its language is the interaction's locale (the user's client
// language), which the store keeps for later DMs.
func actor(i *discordgo.Interaction) model.User {
	lang, _ := catalog.ParseLang(string(i.Locale))
	if i.Member != nil && i.Member.User != nil {
		return model.User{ID: i.Member.User.ID, Name: memberName(i.Member, i.Member.User), Email: i.Member.User.Email, Lang: lang}
	}
	if i.User != nil {
		return model.User{ID: i.User.ID, Name: memberName(nil, i.User), Email: i.User.Email, Lang: lang}
	}
	return model.User{}
}

// memberName is how Discord shows a person in a guild: the server nickname,
// else the global display name, else the username.
func memberName(m *discordgo.Member, u *discordgo.User) string {
	switch {
	case m != nil && m.Nick != "":
		return m.Nick
	case u != nil && u.GlobalName != "":
		return u.GlobalName
	case u != nil:
		return u.Username
	}
	return ""
}

// lookup finds the command definition an invocation names, and the options
// of the invoked (sub)command.
func (a *Adapter) lookup(d discordgo.ApplicationCommandInteractionData) (*bot.Command, []*discordgo.ApplicationCommandInteractionDataOption) {
	opts := d.Options
	sub := ""
	if len(opts) == 1 && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		sub, opts = opts[0].Name, opts[0].Options
	}
	for _, c := range a.commands() {
		words := c.Words()
		if len(words) == 0 || words[0] != d.Name || c.TextOnly {
			continue
		}
		if discordSub(c) == sub {
			return c, opts
		}
	}
	return nil, opts
}

// args is the command line of an invocation: the command words, then the
// option values in the order of the command's options (absent optional ones
// skipped). Values of options that take the rest of the line are split into
// words; mentions become users and roles.
func (a *Adapter) args(d discordgo.ApplicationCommandInteractionData) ([]bot.Arg, error) {
	cmd, opts := a.lookup(d)
	given := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range opts {
		given[o.Name] = o
	}
	var args []bot.Arg
	if cmd == nil {
		// A command registered by an older learnbot: hand the words over as
		// typed and let the router answer.
		args = append(args, bot.Arg{Text: d.Name})
		if len(d.Options) == 1 && d.Options[0].Type == discordgo.ApplicationCommandOptionSubCommand {
			args = append(args, bot.Arg{Text: d.Options[0].Name})
		}
		for _, o := range opts {
			v, err := valueArgs(o, true, d.Resolved)
			if err != nil {
				return nil, err
			}
			args = append(args, v...)
		}
		return args, nil
	}
	for _, w := range cmd.Words() {
		args = append(args, bot.Arg{Text: w})
	}
	for _, spec := range cmd.Options {
		o, ok := given[spec.Name]
		if !ok {
			continue
		}
		v, err := valueArgs(o, spec.Rest, d.Resolved)
		if err != nil {
			return nil, err
		}
		if spec.Keyword != "" && len(v) > 0 {
			args = append(args, bot.Arg{Text: spec.Keyword})
		}
		args = append(args, v...)
	}
	return args, nil
}

// snowflake is a Discord ID as user and role options carry it.
var snowflake = regexp.MustCompile(`^\d{1,20}$`)

// valueArgs turns one option value into words. A value of the wrong type
// (null, a number for a string, a user that is no ID) is refused, never
// turned into text such as "<nil>".
func valueArgs(o *discordgo.ApplicationCommandInteractionDataOption, rest bool, res *discordgo.ApplicationCommandInteractionDataResolved) ([]bot.Arg, error) {
	if o.Type == discordgo.ApplicationCommandOptionBoolean {
		on, ok := o.Value.(bool)
		if !ok {
			return nil, model.Fail(msgNoValue, catalog.Vars{"Option": strconv.Quote(o.Name)})
		}
		if on {
			return []bot.Arg{{Text: o.Name}}, nil
		}
		return nil, nil
	}
	if o.Type == discordgo.ApplicationCommandOptionInteger {
		f, ok := o.Value.(float64)
		if !ok || f != math.Trunc(f) || math.Abs(f) > 1e15 {
			return nil, model.Fail(msgNoValue, catalog.Vars{"Option": strconv.Quote(o.Name)})
		}
		return []bot.Arg{{Text: strconv.FormatInt(int64(f), 10)}}, nil
	}
	s, ok := o.Value.(string)
	if !ok {
		return nil, model.Fail(msgNoValue, catalog.Vars{"Option": strconv.Quote(o.Name)})
	}
	switch o.Type {
	case discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionRole:
		if !snowflake.MatchString(s) {
			return nil, model.Fail(msgNotMember, catalog.Vars{"Option": strconv.Quote(o.Name)})
		}
		if o.Type == discordgo.ApplicationCommandOptionRole {
			return []bot.Arg{{Text: "<@&" + s + ">", Group: resolvedRole(s, res)}}, nil
		}
		return []bot.Arg{{Text: "<@" + s + ">", User: resolvedUser(s, res)}}, nil
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if !rest {
		if m := mention.FindStringSubmatchIndex(s); m != nil && m[0] == 0 && m[1] == len(s) {
			return mentionArgs(s, res), nil
		}
		return []bot.Arg{{Text: s}}, nil
	}
	var args []bot.Arg
	for _, field := range strings.Fields(s) {
		args = append(args, mentionArgs(field, res)...)
	}
	return args, nil
}

// mentionArgs splits one word around the mentions in it ("<@1><@2>" is two
// users) and parses them.
func mentionArgs(word string, res *discordgo.ApplicationCommandInteractionDataResolved) []bot.Arg {
	var args []bot.Arg
	last := 0
	for _, m := range mention.FindAllStringSubmatchIndex(word, -1) {
		if m[0] > last {
			args = append(args, bot.Arg{Text: word[last:m[0]]})
		}
		text, kind, id := word[m[0]:m[1]], word[m[2]:m[3]], word[m[4]:m[5]]
		if kind == "&" {
			args = append(args, bot.Arg{Text: text, Group: resolvedRole(id, res)})
		} else {
			args = append(args, bot.Arg{Text: "<@" + id + ">", User: resolvedUser(id, res)})
		}
		last = m[1]
	}
	if last < len(word) {
		args = append(args, bot.Arg{Text: word[last:]})
	}
	return args
}

// resolvedUser is a mentioned user, named when the interaction resolved them
// (user-typed options). A mention typed into a string option carries only
// the ID: the user is then named by their mention, which Discord shows as
// their name (replies allow no pings), never as a bare number; their own
// name replaces it when they first use learnbot.
func resolvedUser(id string, res *discordgo.ApplicationCommandInteractionDataResolved) *model.User {
	u := &model.User{ID: id, Name: "<@" + id + ">"}
	if res == nil {
		return u
	}
	du := res.Users[id]
	var m *discordgo.Member
	if res.Members != nil {
		m = res.Members[id]
	}
	if du != nil || m != nil {
		u.Name = memberName(m, du)
	}
	return u
}

func resolvedRole(id string, res *discordgo.ApplicationCommandInteractionDataResolved) *bot.PlatformGroup {
	g := &bot.PlatformGroup{Kind: "role", ID: id}
	if res != nil && res.Roles[id] != nil {
		g.Name = res.Roles[id].Name
	}
	return g
}

// Workspaces tells which servers a Discord user is known in, for a command
// sent in a direct message, where Discord names no server.
type Workspaces interface {
	WorkspacesOf(ctx context.Context, platform, userID string) ([]string, error)
}

// inDMs tells whether a command is registered for the bot's direct
// messages too (a learner's: see ApplicationCommands); Discord offers the
// others only in servers, and a request that claims otherwise is refused.
func (a *Adapter) inDMs(name string) bool {
	var group []*bot.Command
	for _, c := range a.commands() {
		if strings.Fields(c.Name)[0] == name {
			group = append(group, c)
		}
	}
	return len(group) > 0 && memberPermissions(group) == nil
}

// dmServer is the server a command in a direct message is about: the one
// server of DISCORD_GUILD_ID, or else the one server learnbot knows the user
// in. Someone known in none or several is asked to use the command there.
func (a *Adapter) dmServer(ctx context.Context, user string) (string, error) {
	if a.cfg.GuildID != "" {
		return a.cfg.GuildID, nil
	}
	ws, ok := a.tasks.(Workspaces)
	if !ok {
		return "", model.Fail(msgServerOnly, nil)
	}
	ctx, cancel := context.WithTimeout(ctx, restTimeout)
	defer cancel()
	known, err := ws.WorkspacesOf(ctx, model.PlatformDiscord, user)
	switch {
	case err != nil:
		a.log.Error("find the server of a direct message", "platform", model.PlatformDiscord, "error", err)
		return "", model.Fail(msgServerOnly, nil)
	case len(known) == 1:
		return known[0], nil
	case len(known) == 0:
		return "", model.Fail(msgDMNoServer, nil)
	}
	return "", model.Fail(msgDMManyServers, nil)
}

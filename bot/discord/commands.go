package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// Discord's rules for application command names and sizes.
var validName = regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$`)

const (
	maxDescription = 100
	maxOptions     = 25
)

// discordSub is the Discord subcommand a command is registered as: its
// Subcommand hint, else the last word of a several-word name, else "" (a
// command of its own).
func discordSub(c *bot.Command) string {
	if c.Subcommand != "" {
		return c.Subcommand
	}
	if w := c.Words(); len(w) > 1 {
		return w[len(w)-1]
	}
	return ""
}

// ApplicationCommands generates Discord's chat commands from learnbot's
// command definitions: commands are grouped by their first word, and a first
// word shared by several commands (or one several-word command) becomes a
// command with subcommands.
func ApplicationCommands(cmds []*bot.Command) ([]*discordgo.ApplicationCommand, error) {
	var order []string
	groups := map[string][]*bot.Command{}
	for _, c := range cmds {
		words := c.Words()
		if len(words) == 0 || c.TextOnly {
			continue
		}
		if _, ok := groups[words[0]]; !ok {
			order = append(order, words[0])
		}
		groups[words[0]] = append(groups[words[0]], c)
	}
	// A learner's commands also work in the bot's direct messages (their
	// server is found from who they are); a guide's need the server.
	inServer := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	alsoInDM := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	integrations := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	var out []*discordgo.ApplicationCommand
	for _, name := range order {
		if !validName.MatchString(name) {
			return nil, fmt.Errorf("discord: command name %q is not a valid Discord name", name)
		}
		group := groups[name]
		names := localizedName(name)
		ac := &discordgo.ApplicationCommand{
			Type:              discordgo.ChatApplicationCommand,
			Name:              name,
			NameLocalizations: &names,
			Contexts:          &inServer,
			IntegrationTypes:  &integrations,
		}
		ac.DefaultMemberPermissions = memberPermissions(group)
		if ac.DefaultMemberPermissions == nil {
			ac.Contexts = &alsoInDM
		}
		if len(group) == 1 && discordSub(group[0]) == "" {
			opts, err := options(group[0])
			if err != nil {
				return nil, err
			}
			var descs map[discordgo.Locale]string
			ac.Description, descs = localizedDescription(group[0].Description, name)
			ac.DescriptionLocalizations, ac.Options = &descs, opts
			out = append(out, ac)
			continue
		}
		if len(group) > maxOptions {
			return nil, fmt.Errorf("discord: /%s has %d subcommands; Discord allows %d", name, len(group), maxOptions)
		}
		seen := map[string]bool{}
		var subs []string
		localSubs := map[discordgo.Locale][]string{}
		for _, c := range group {
			sub := discordSub(c)
			if sub == "" {
				return nil, fmt.Errorf("discord: command %q shares /%s with others but has no Discord subcommand name", c.Name, name)
			}
			if !validName.MatchString(sub) {
				return nil, fmt.Errorf("discord: subcommand name %q of %q is not a valid Discord name", sub, c.Name)
			}
			if seen[sub] {
				return nil, fmt.Errorf("discord: two commands are /%s %s", name, sub)
			}
			seen[sub] = true
			subs = append(subs, sub)
			subNames := localizedName(sub)
			for loc, n := range subNames {
				localSubs[loc] = append(localSubs[loc], n)
			}
			opts, err := options(c)
			if err != nil {
				return nil, err
			}
			desc, descs := localizedDescription(c.Description, sub)
			ac.Options = append(ac.Options, &discordgo.ApplicationCommandOption{
				Type:                     discordgo.ApplicationCommandOptionSubCommand,
				Name:                     sub,
				NameLocalizations:        subNames,
				Description:              desc,
				DescriptionLocalizations: descs,
				Options:                  opts,
			})
		}
		ac.Description = description(strings.Join(subs, ", "), name)
		descs := map[discordgo.Locale]string{}
		for loc, subs := range localSubs {
			descs[loc] = description(strings.Join(subs, ", "), names[loc])
		}
		ac.DescriptionLocalizations = &descs
		out = append(out, ac)
	}
	return out, nil
}

// options converts a command's options. Discord wants required options
// first; the order of the words handed to the core does not depend on it.
func options(c *bot.Command) ([]*discordgo.ApplicationCommandOption, error) {
	if len(c.Options) > maxOptions {
		return nil, fmt.Errorf("discord: %q has %d options; Discord allows %d", c.Name, len(c.Options), maxOptions)
	}
	var out []*discordgo.ApplicationCommandOption
	for _, o := range c.Options {
		if !validName.MatchString(o.Name) {
			return nil, fmt.Errorf("discord: option %q of %q is not a valid Discord name", o.Name, c.Name)
		}
		desc, descs := localizedDescription(o.Description, o.Name)
		opt := &discordgo.ApplicationCommandOption{
			Name:                     o.Name,
			NameLocalizations:        localizedName(o.Name),
			Description:              desc,
			DescriptionLocalizations: descs,
			Required:                 o.Required,
		}
		switch o.Kind {
		case bot.OptionUser:
			opt.Type = discordgo.ApplicationCommandOptionUser
		case bot.OptionBoolean:
			opt.Type = discordgo.ApplicationCommandOptionBoolean
		case bot.OptionInteger:
			opt.Type = discordgo.ApplicationCommandOptionInteger
			zero := 0.0
			opt.MinValue, opt.MaxValue = &zero, maxInteger
		case bot.OptionString, "":
			opt.Type = discordgo.ApplicationCommandOptionString
			opt.Autocomplete = o.Autocomplete && len(o.Choices) == 0
			for _, ch := range o.Choices {
				opt.Choices = append(opt.Choices, &discordgo.ApplicationCommandOptionChoice{Name: ch, Value: ch})
			}
		default:
			return nil, fmt.Errorf("discord: option %q of %q has unknown kind %q", o.Name, c.Name, o.Kind)
		}
		out = append(out, opt)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Required && !out[j].Required })
	return out, nil
}

// maxInteger bounds integer options (a path step's day: ten years).
const maxInteger = 3650

// memberPermissions is the default_member_permissions of a command and its
// subcommands: none when a learner may run one of them; Manage Messages
// when it takes a guide (team leads usually moderate), Manage Server when
// only admins run it. A server hides the command from members without the
// permission (server admins can change that under Integrations); the role
// check stays authoritative either way.
func memberPermissions(group []*bot.Command) *int64 {
	least := model.RoleAdmin
	for _, c := range group {
		if c.Role.Rank() < least.Rank() {
			least = c.Role
		}
	}
	var p int64
	switch {
	case least.Rank() <= model.RoleLearner.Rank():
		return nil
	case least == model.RoleAdmin:
		p = discordgo.PermissionManageGuild
	default:
		p = discordgo.PermissionManageMessages
	}
	return &p
}

// registration is the body of the bulk overwrite: discordgo writes
// default_member_permissions as a string, the API's request schema has an
// integer.
func registration(cmds []*discordgo.ApplicationCommand) ([]map[string]any, error) {
	b, err := json.Marshal(cmds)
	if err != nil {
		return nil, fmt.Errorf("discord: encode commands: %w", err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("discord: encode commands: %w", err)
	}
	for i, c := range cmds {
		if c.DefaultMemberPermissions != nil {
			out[i]["default_member_permissions"] = *c.DefaultMemberPermissions
		}
	}
	return out, nil
}

// localized are the registered languages other than English that Discord
// has a locale for: every command, subcommand and option gets their names
// and descriptions.
func localized() []catalog.Language {
	var ls []catalog.Language
	for _, l := range catalog.Languages() {
		if l.Tag != catalog.English && l.Discord != "" {
			ls = append(ls, l)
		}
	}
	return ls
}

// localizedName is a command, subcommand or option name for the clients of
// each other language (Discord sends the English name back whichever a user
// typed); a name without a translation keeps its own, which
// TestLocalizedCommandNames prevents.
func localizedName(name string) map[discordgo.Locale]string {
	out := map[discordgo.Locale]string{}
	m := names[name]
	for _, l := range localized() {
		n := name
		if m != nil {
			n = l.Tag.Say(m, nil)
		}
		out[discordgo.Locale(l.Discord)] = n
	}
	return out
}

// localizedDescription is a description in English and in each other
// language.
func localizedDescription(m *catalog.Message, fallback string) (string, map[discordgo.Locale]string) {
	descs := map[discordgo.Locale]string{}
	for _, l := range localized() {
		descs[discordgo.Locale(l.Discord)] = description(l.Tag.Say(m, nil), fallback)
	}
	return description(catalog.English.Say(m, nil), fallback), descs
}

// description fits a description into Discord's 1 to 100 characters.
func description(d, fallback string) string {
	d = strings.TrimSpace(d)
	if d == "" {
		d = fallback
	}
	if r := []rune(d); len(r) > maxDescription {
		d = string(r[:maxDescription-1]) + "…"
	}
	return d
}

// Register bulk-overwrites the application's commands with the generated
// ones: in the configured guild (visible at once) or globally.
func (a *Adapter) Register(ctx context.Context) error {
	if a.cfg.AppID == "" || a.cfg.BotToken == "" {
		return errors.New("discord: register needs DISCORD_APP_ID and DISCORD_BOT_TOKEN")
	}
	cmds, err := ApplicationCommands(a.commands())
	if err != nil {
		return err
	}
	if len(cmds) == 0 {
		return errors.New("discord: no commands to register")
	}
	body, err := registration(cmds)
	if err != nil {
		return err
	}
	endpoint := discordgo.EndpointApplicationGlobalCommands(a.cfg.AppID)
	if a.cfg.GuildID != "" {
		endpoint = discordgo.EndpointApplicationGuildCommands(a.cfg.AppID, a.cfg.GuildID)
	}
	var got []json.RawMessage // only counted
	if err := a.call(ctx, http.MethodPut, endpoint, body, &got); err != nil {
		return fmt.Errorf("discord: register commands: %w", err)
	}
	a.log.Info("registered Discord commands", "platform", model.PlatformDiscord,
		"workspace", a.cfg.GuildID, "commands", len(got))
	return nil
}

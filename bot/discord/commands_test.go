package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/handlers"
)

// tableCommands are learnbot's real command definitions.
func tableCommands() []*bot.Command {
	return handlers.New(nil, handlers.Config{}, nil).Commands()
}

// designTable is DESIGN.md section 5's Discord table, one line per command
// or subcommand: "/command [sub]: option kind flags; ...".
const designTable = `
/assign: task string required autocomplete; targets string required; due string
/unassign: task string required autocomplete; targets string required
/due: task string required autocomplete; when string required; targets string
/report: group string
/tasks:
/invite email: address string required; role string choices=learner,guide,admin
/invite list:
/invite again: address string required
/invite revoke: address string required
/task add: key string required; title string required; url string
/task edit: key string required; title string required; url string
/task archive: key string required
/task restore: key string required
/task list:
/path create: name string required; title string required
/path add: name string required; task string required autocomplete; day integer; due string
/path remove: name string required; task string required autocomplete
/path show: name string required
/path archive: name string required
/path restore: name string required
/path list:
/auto add: what string required autocomplete; source string required; every string; due string; existing boolean
/auto list:
/auto remove: id integer required
/group create: name string required
/group delete: name string required
/group rename: name string required; new_name string required
/group add: name string required; members string required
/group remove: name string required; members string required
/group show: name string required
/group list:
/role: member user required; role string required choices=admin,guide,learner
/progress: task string required autocomplete
/language: language string choices=en,de,fr,auto
/history: of string required
/nudge: what string required autocomplete
/digest: how string choices=daily,weekly,off,now
/join: code string required
/help: command string
`

// describe renders generated commands in designTable's notation.
func describe(cmds []*discordgo.ApplicationCommand) []string {
	var lines []string
	options := func(prefix string, opts []*discordgo.ApplicationCommandOption) string {
		var parts []string
		for _, o := range opts {
			kind := map[discordgo.ApplicationCommandOptionType]string{3: "string", 4: "integer", 5: "boolean", 6: "user"}[o.Type]
			if kind == "" {
				kind = o.Type.String()
			}
			p := o.Name + " " + kind
			if o.Required {
				p += " required"
			}
			if o.Autocomplete {
				p += " autocomplete"
			}
			if len(o.Choices) > 0 {
				var vs []string
				for _, c := range o.Choices {
					vs = append(vs, fmt.Sprint(c.Value))
				}
				p += " choices=" + strings.Join(vs, ",")
			}
			parts = append(parts, p)
		}
		return strings.TrimSpace(prefix + ": " + strings.Join(parts, "; "))
	}
	for _, c := range cmds {
		if len(c.Options) > 0 && c.Options[0].Type == discordgo.ApplicationCommandOptionSubCommand {
			for _, s := range c.Options {
				lines = append(lines, options("/"+c.Name+" "+s.Name, s.Options))
			}
			continue
		}
		lines = append(lines, options("/"+c.Name, c.Options))
	}
	return lines
}

func TestApplicationCommands(t *testing.T) {
	t.Run("MatchDesignTable", func(t *testing.T) {
		cmds, err := discord.ApplicationCommands(tableCommands())
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(describe(cmds), "\n")
		want := strings.TrimSpace(designTable)
		if got != want {
			t.Errorf("generated commands differ from DESIGN.md's table\ngot:\n%s\nwant:\n%s", got, want)
		}
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name)
			if c.Description == "" || len([]rune(c.Description)) > 100 {
				t.Errorf("/%s: description %q is not 1-100 characters", c.Name, c.Description)
			}
			// A learner's commands work in the bot's DMs too; the others only in servers.
			want := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
			if c.DefaultMemberPermissions == nil {
				want = append(want, discordgo.InteractionContextBotDM)
			}
			if c.Contexts == nil || !slices.Equal(*c.Contexts, want) {
				t.Errorf("/%s: contexts %v, want %v", c.Name, c.Contexts, want)
			}
			if (c.Name == "tasks") != (len(want) == 2) && (c.Name == "tasks" || c.Name == "assign") {
				t.Errorf("/%s: contexts %v", c.Name, want)
			}
		}
		if strings.Join(names, " ") != "assign unassign due report tasks invite task path auto group role progress language history nudge digest join help" {
			t.Errorf("commands = %v", names)
		}
	})
	t.Run("RequiredOptionsFirst", func(t *testing.T) {
		cmds, err := discord.ApplicationCommands([]*bot.Command{{Name: "x", Description: &i18n.Message{ID: "x", Other: "x"}, Options: []bot.Option{
			{Name: "later", Kind: bot.OptionString}, {Name: "first", Kind: bot.OptionString, Required: true}}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := describe(cmds)[0]; got != "/x: first string required; later string" {
			t.Errorf("got %q", got)
		}
	})
	for _, c := range []struct {
		name string
		cmds []*bot.Command
	}{
		{"ErrUpperCaseName", []*bot.Command{{Name: "Assign"}}},
		{"ErrNoSubcommandName", []*bot.Command{{Name: "invite"}, {Name: "invite list"}}},
		{"ErrDuplicateSubcommand", []*bot.Command{{Name: "invite", Subcommand: "list"}, {Name: "invite list"}}},
		{"ErrBadOptionName", []*bot.Command{{Name: "x", Options: []bot.Option{{Name: "Bad Name"}}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := discord.ApplicationCommands(c.cmds); err == nil {
				t.Error("no error")
			}
		})
	}
	t.Run("HelpStaysOffDiscord", func(t *testing.T) {
		cmds, err := discord.ApplicationCommands([]*bot.Command{{Name: "help", TextOnly: true}, {Name: "tasks"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(cmds) != 1 || cmds[0].Name != "tasks" {
			t.Errorf("got %v", describe(cmds))
		}
	})
}

// TestLocalizedCommandNames: every command, subcommand and option has a name
// and description for the clients of every registered language but English,
// within Discord's rules.
func TestLocalizedCommandNames(t *testing.T) {
	cmds, err := discord.ApplicationCommands(tableCommands())
	if err != nil {
		t.Fatal(err)
	}
	var locales []discordgo.Locale
	for _, l := range catalog.Languages()[1:] {
		locales = append(locales, discordgo.Locale(l.Discord))
	}
	if len(locales) < 2 {
		t.Fatalf("locales %v; want German and French at least", locales)
	}
	validName := regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$`)
	check := func(where, name string, names map[discordgo.Locale]string, desc string, descs map[discordgo.Locale]string) {
		t.Helper()
		if len(names) != len(locales) || len(descs) != len(locales) {
			t.Errorf("%s: localizations %v %v; want %v", where, names, descs, locales)
		}
		for _, loc := range locales {
			if n := names[loc]; !validName.MatchString(n) {
				t.Errorf("%s: %s name %q is not a valid Discord name", where, loc, n)
			}
			d := descs[loc]
			if d == "" || len([]rune(d)) > 100 || strings.HasSuffix(d, "…") {
				t.Errorf("%s: %s description %q is empty, too long or cut", where, loc, d)
			}
			if d == desc && d != name {
				t.Errorf("%s: %s description is the English %q", where, loc, d)
			}
		}
	}
	translated := 0
	for _, c := range cmds {
		check("/"+c.Name, c.Name, *c.NameLocalizations, c.Description, *c.DescriptionLocalizations)
		for _, o := range c.Options {
			check("/"+c.Name+" "+o.Name, o.Name, o.NameLocalizations, o.Description, o.DescriptionLocalizations)
			for _, so := range o.Options {
				check("/"+c.Name+" "+o.Name+" "+so.Name, so.Name, so.NameLocalizations, so.Description, so.DescriptionLocalizations)
			}
		}
		if (*c.NameLocalizations)[discordgo.German] != c.Name {
			translated++
		}
	}
	if translated != len(cmds) {
		t.Errorf("%d of %d commands have a German name", translated, len(cmds))
	}
	var assign *discordgo.ApplicationCommand
	for _, c := range cmds {
		if c.Name == "assign" {
			assign = c
		}
	}
	if assign == nil || (*assign.NameLocalizations)[discordgo.German] != "zuweisen" || assign.Options[0].NameLocalizations[discordgo.German] != "aufgabe" ||
		!strings.HasPrefix((*assign.DescriptionLocalizations)[discordgo.German], "Eine Aufgabe an Personen und Gruppen zuweisen") {
		t.Errorf("/assign = %+v", assign)
	}
}

func TestRegister(t *testing.T) {
	for _, c := range []struct {
		name, guild, path string
	}{
		{"GuildWhenGuildIDSet", testGuild, "/applications/" + testApp + "/guilds/" + testGuild + "/commands"},
		{"GlobalWithoutGuildID", "", "/applications/" + testApp + "/commands"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fake := newFakeDiscord(t)
			a, err := discord.New(discord.Config{BotToken: testToken, AppID: testApp, GuildID: c.guild,
				APIURL: strings.TrimSuffix(fake.URL(), "/")}, handlers.New(nil, handlers.Config{}, nil), nil,
				discord.WithLogger(quietLog))
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Register(context.Background()); err != nil {
				t.Fatal(err)
			}
			calls := fake.find("PUT", c.path)
			if len(calls) != 1 {
				t.Fatalf("calls = %v", fake.Calls())
			}
			if calls[0].Auth != "Bot "+testToken {
				t.Errorf("Authorization = %q", calls[0].Auth)
			}
			// default_member_permissions goes out as an integer (the API's
			// request schema); discordgo reads it as a string.
			var raw []map[string]any
			if err := json.Unmarshal(calls[0].Body, &raw); err != nil {
				t.Fatal(err)
			}
			for _, c := range raw {
				if p, ok := c["default_member_permissions"]; ok {
					f, isNumber := p.(float64)
					if !isNumber {
						t.Fatalf("/%s default_member_permissions = %#v; want an integer", c["name"], p)
					}
					c["default_member_permissions"] = strconv.FormatInt(int64(f), 10)
				}
			}
			body, _ := json.Marshal(raw)
			var sent []*discordgo.ApplicationCommand
			if err := json.Unmarshal(body, &sent); err != nil {
				t.Fatal(err)
			}
			if sent[0].Name != "assign" || sent[0].DefaultMemberPermissions == nil || *sent[0].DefaultMemberPermissions != discordgo.PermissionManageMessages {
				t.Errorf("/assign registered without Manage Messages as default_member_permissions")
			}
			if got := strings.Join(describe(sent), "\n"); got != strings.TrimSpace(designTable) {
				t.Errorf("registered:\n%s", got)
			}
		})
	}
	t.Run("ErrWithoutAppID", func(t *testing.T) {
		fake := newFakeDiscord(t)
		a, err := discord.New(discord.Config{BotToken: testToken, APIURL: fake.URL()}, handlers.New(nil, handlers.Config{}, nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Register(context.Background()); err == nil {
			t.Error("no error")
		}
		if n := len(fake.Calls()); n != 0 {
			t.Errorf("%d calls made", n)
		}
	})
	t.Run("ErrFromDiscord", func(t *testing.T) {
		fake := newFakeDiscord(t)
		fake.fail("PUT", "/applications/"+testApp+"/commands", failure{status: 401, body: `{"message": "401: Unauthorized", "code": 0}`})
		a, err := discord.New(discord.Config{BotToken: testToken, AppID: testApp, APIURL: fake.URL()}, handlers.New(nil, handlers.Config{}, nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		err = a.Register(context.Background())
		var rest *discordgo.RESTError
		if !errors.As(err, &rest) || rest.Response.StatusCode != 401 {
			t.Errorf("err = %v", err)
		}
	})
}

// TestDefaultMemberPermissions: commands only guides or admins may run
// carry default_member_permissions, so a server hides them from members who
// cannot use them; commands every learner runs carry none.
func TestDefaultMemberPermissions(t *testing.T) {
	cmds, err := discord.ApplicationCommands(handlers.New(nil, handlers.Config{}, nil).Commands())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"assign": discordgo.PermissionManageMessages, "invite": discordgo.PermissionManageMessages,
		"progress": discordgo.PermissionManageMessages, "role": discordgo.PermissionManageGuild}
	for _, c := range cmds {
		w, restricted := want[c.Name]
		switch {
		case c.Name == "tasks" || c.Name == "help" || c.Name == "language" || c.Name == "join":
			if c.DefaultMemberPermissions != nil {
				t.Errorf("/%s carries default_member_permissions %d; every learner runs it", c.Name, *c.DefaultMemberPermissions)
			}
		case restricted && (c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != w):
			t.Errorf("/%s default_member_permissions = %v; want %d", c.Name, c.DefaultMemberPermissions, w)
		case !restricted && c.DefaultMemberPermissions == nil:
			t.Errorf("/%s carries no default_member_permissions; only guides run it", c.Name)
		}
	}
}

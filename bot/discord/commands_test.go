package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/handlers"
)

// tableCommands are learnbot's real command definitions.
func tableCommands() []*bot.Command {
	return handlers.New(nil, handlers.Config{}, nil).Commands()
}

// designTable is DESIGN.md section 5's Discord table, one line per command
// or subcommand: "/command [sub]: option kind flags; ...".
const designTable = `
/assign: task string required autocomplete; targets string required
/tasks:
/invite email: address string required; role string choices=learner,guide,admin
/invite list:
/invite again: address string required
/invite revoke: address string required
/task add: key string required; title string required; url string
/task list:
/group create: name string required
/group delete: name string required
/group add: name string required; members string required
/group remove: name string required; members string required
/group show: name string required
/group list:
/role: member user required; role string required choices=admin,guide,learner
/progress: task string required autocomplete
`

// describe renders generated commands in designTable's notation.
func describe(cmds []*discordgo.ApplicationCommand) []string {
	var lines []string
	options := func(prefix string, opts []*discordgo.ApplicationCommandOption) string {
		var parts []string
		for _, o := range opts {
			kind := map[discordgo.ApplicationCommandOptionType]string{3: "string", 6: "user"}[o.Type]
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
			if c.Contexts == nil || len(*c.Contexts) != 1 || (*c.Contexts)[0] != discordgo.InteractionContextGuild {
				t.Errorf("/%s is not limited to servers", c.Name)
			}
		}
		if strings.Join(names, " ") != "assign tasks invite task group role progress" {
			t.Errorf("commands = %v", names)
		}
	})
	t.Run("RequiredOptionsFirst", func(t *testing.T) {
		cmds, err := discord.ApplicationCommands([]*bot.Command{{Name: "x", Description: "x", Options: []bot.Option{
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
		{"ErrDuplicateSubcommand", []*bot.Command{{Name: "invite", Discord: "list"}, {Name: "invite list"}}},
		{"ErrBadOptionName", []*bot.Command{{Name: "x", Options: []bot.Option{{Name: "Bad Name"}}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := discord.ApplicationCommands(c.cmds); err == nil {
				t.Error("no error")
			}
		})
	}
	t.Run("HelpStaysOffDiscord", func(t *testing.T) {
		cmds, err := discord.ApplicationCommands([]*bot.Command{{Name: "help", Discord: "-"}, {Name: "tasks"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(cmds) != 1 || cmds[0].Name != "tasks" {
			t.Errorf("got %v", describe(cmds))
		}
	})
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
			var sent []*discordgo.ApplicationCommand
			if err := json.Unmarshal(calls[0].Body, &sent); err != nil {
				t.Fatal(err)
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

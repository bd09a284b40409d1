package slack

import (
	"reflect"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

func TestCommandArgs(t *testing.T) {
	words := func(args []bot.Arg) []string {
		var out []string
		for _, a := range args {
			out = append(out, a.Text)
		}
		return out
	}
	for _, tc := range []struct {
		name, prefix, command, text string
		want                        []string
	}{
		{"AssignKeepsItsName", "", "/assign", "x y", []string{"assign", "x", "y"}},
		{"TasksWithoutText", "", "/tasks", "", []string{"tasks"}},
		{"LearnDropsItsName", "", "/learn", "invite a@b.c", []string{"invite", "a@b.c"}},
		{"LearnWithoutText", "", "/learn", "  ", nil},
		{"PrefixRemoved", "acme-", "/acme-assign", "git <@U1>", []string{"assign", "git", "@U1"}},
		{"PrefixedLearn", "acme-", "/acme-learn", "group list", []string{"group", "list"}},
		{"EscapedEmail", "", "/learn", "invite <mailto:a@b.c|a@b.c> guide", []string{"invite", "a@b.c", "guide"}},
		{"LinkIsItsURL", "", "/learn", "task add git Git basics <https://git-scm.com/book|git-scm.com/book>", []string{"task", "add", "git", "Git", "basics", "https://git-scm.com/book"}},
		{"HTMLEntitiesUnescaped", "", "/learn", "task add k a&amp;b &lt;x&gt;", []string{"task", "add", "k", "a&b", "<x>"}},
		{"NonBreakingSpaceSplits", "", "/assign", "git\u00a0<@U1>", []string{"assign", "git", "@U1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := words(commandArgs(tc.prefix, tc.command, tc.text))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("commandArgs(%q, %q, %q) = %q, want %q", tc.prefix, tc.command, tc.text, got, tc.want)
			}
		})
	}
}

func TestParseTextMentions(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       bot.Arg
	}{
		{"User", "<@U123>", bot.Arg{Text: "@U123", User: &model.User{ID: "U123"}}},
		{"UserWithName", "<@U123|anna>", bot.Arg{Text: "@anna", User: &model.User{ID: "U123", Name: "anna"}}},
		{"UserGroup", "<!subteam^S123|@devs>", bot.Arg{Text: "@devs", Group: &bot.PlatformGroup{Kind: "usergroup", ID: "S123", Name: "devs"}}},
		{"UserGroupWithoutLabel", "<!subteam^S123>", bot.Arg{Text: "@S123", Group: &bot.PlatformGroup{Kind: "usergroup", ID: "S123"}}},
		{"Channel", "<#C123|general>", bot.Arg{Text: "#general", Group: &bot.PlatformGroup{Kind: "channel", ID: "C123", Name: "general"}}},
		{"ChannelWithEmptyLabel", "<#C123|>", bot.Arg{Text: "#C123", Group: &bot.PlatformGroup{Kind: "channel", ID: "C123"}}},
		{"Email", "<mailto:a@b.c|a@b.c>", bot.Arg{Text: "a@b.c"}},
		{"Here", "<!here>", bot.Arg{Text: "@here"}},
		{"LabelWithSpaces", "<@U1|Anna Smith>", bot.Arg{Text: "@Anna Smith", User: &model.User{ID: "U1", Name: "Anna Smith"}}},
		{"MentionInsideWordIsText", "x<@U1|anna>", bot.Arg{Text: "x@anna"}},
		{"UnclosedBracketIsText", "a<b", bot.Arg{Text: "a<b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseText(tc.text)
			if len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
				t.Errorf("parseText(%q) = %+v, want one %+v", tc.text, got, tc.want)
			}
		})
	}
}

package console

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// The console's own words, around the replies it prints.
var (
	msgWelcome = bot.Define(&i18n.Message{ID: "console.welcome",
		Other: "learnbot console. You are @{{.Name}} (admin). Type /help; /as <name> to switch user; a button's number (or d<n> for a DM's) to press it; /quit to leave."})
	msgAsUsage = bot.Define(&i18n.Message{ID: "console.as_usage",
		Other: "Usage: /as <name>"})
	msgNowAs = bot.Define(&i18n.Message{ID: "console.now_as",
		Other: "You are now @{{.Name}}."})
	msgNoButton = bot.Define(&i18n.Message{ID: "console.no_button",
		Other: "There is no button {{.Key}}."})
	msgReplaces = bot.Define(&i18n.Message{ID: "console.replaces",
		Description: "before a reply that takes the place of the prompt whose button was pressed",
		Other:       "learnbot (replaces the prompt):"})
	msgDMTo = bot.Define(&i18n.Message{ID: "console.dm_to",
		Other: "[DM to @{{.Name}}]"})
)

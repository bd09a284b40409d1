package discord

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// names are the German names Discord shows German clients for learnbot's
// commands, subcommands and options (name_localizations). A name is a word
// of the interface, so its English is itself.
var names = defineNames(
	// commands and subcommands
	"assign", "tasks", "invite", "email", "list", "again", "revoke", "task", "add",
	"group", "create", "delete", "remove", "show", "role", "progress", "language", "history", "unassign",
	// options
	"name", "address", "members", "targets", "key", "title", "url", "member", "of",
)

func defineNames(words ...string) map[string]*i18n.Message {
	ms := make(map[string]*i18n.Message, len(words))
	for _, w := range words {
		ms[w] = bot.Define(&i18n.Message{ID: "discord.name." + w, Other: w})
	}
	return ms
}

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
	"group", "create", "delete", "remove", "show", "role", "progress", "language", "history", "unassign", "due", "report",
	// options
	"name", "address", "members", "targets", "key", "title", "url", "member", "of", "when",
	// help
	"help", "command",
)

func defineNames(words ...string) map[string]*i18n.Message {
	ms := make(map[string]*i18n.Message, len(words))
	for _, w := range words {
		ms[w] = bot.Define(&i18n.Message{ID: "discord.name." + w, Other: w})
	}
	return ms
}

// What the adapter itself tells a user: a request Discord sent incomplete,
// a role it cannot list.
var (
	msgNoActor = bot.Define(&i18n.Message{ID: "discord.no_actor",
		Other: "Discord did not say who you are; please try again."})
	msgButtonInServer = bot.Define(&i18n.Message{ID: "discord.button_in_server",
		Other: "This button works only in a server."})
	msgNoValue = bot.Define(&i18n.Message{ID: "discord.no_value",
		Other: "The option {{.Option}} has no usable value; nothing was changed. Fill it in and try again."})
	msgNotMember = bot.Define(&i18n.Message{ID: "discord.not_member",
		Other: "The option {{.Option}} does not name a member or a role; nothing was changed. Pick one from the list."})
	msgOnlyRoles = bot.Define(&i18n.Message{ID: "discord.only_roles",
		Other: "Discord has no {{.Kind}} groups; mention a role (@role) instead."})
	msgRolesInServer = bot.Define(&i18n.Message{ID: "discord.roles_in_server",
		Other: "Roles can be used only in a server."})
	msgMembersIntent = bot.Define(&i18n.Message{ID: "discord.members_intent",
		Other: "learnbot may not list the members of {{.Role}}: the Server Members Intent is off. Turn it on in the Discord Developer Portal → your application → Bot → Privileged Gateway Intents → Server Members Intent, then try again."})
	msgMembersLimited = bot.Define(&i18n.Message{ID: "discord.members_limited",
		Other: "Discord is limiting how fast learnbot may list members; try {{.Role}} again in {{.Wait}}."})
)

var (
	msgServerOnly = bot.Define(&i18n.Message{ID: "discord.server_only",
		Other: "learnbot's commands work in a server, not in direct messages."})
	msgUnknownKind = bot.Define(&i18n.Message{ID: "discord.unknown_kind",
		Other: "learnbot does not handle this kind of interaction."})
	msgUnknownInteraction = bot.Define(&i18n.Message{ID: "discord.unknown_interaction",
		Other: "learnbot does not handle interactions of type {{.Type}}."})
)

// Why a DM cannot be delivered, as guides read it in progress (stored in
// English, shown in the reader's language: bot.Lang.Translate).
var (
	msgNoUserID      = bot.Define(&i18n.Message{ID: "discord.reason.no_user_id", Other: "no Discord user ID"})
	msgDMsClosed     = bot.Define(&i18n.Message{ID: "discord.reason.dms_closed", Other: "DMs closed"})
	msgNoSharedGuild = bot.Define(&i18n.Message{ID: "discord.reason.no_shared_guild", Other: "no server shared with the bot"})
	msgUnknownUser   = bot.Define(&i18n.Message{ID: "discord.reason.unknown_user", Other: "unknown Discord user"})
)

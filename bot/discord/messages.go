package discord

import "github.com/learnbot/learnbot/catalog"

// names are the German names Discord shows German clients for learnbot's
// commands, subcommands and options (name_localizations). A name is a word
// of the interface, so its English is itself.
var names = defineNames(
	// commands and subcommands
	"assign", "tasks", "invite", "email", "list", "again", "revoke", "task", "add",
	"group", "create", "delete", "remove", "show", "role", "progress", "language", "history", "unassign", "due", "report", "path", "auto", "join",
	// options
	"name", "address", "members", "targets", "key", "title", "url", "member", "of", "when", "day", "what", "source", "every", "existing", "id", "code",
	// help
	"help", "command",
	// digests and nudges
	"nudge", "digest", "what", "how",
)

func defineNames(words ...string) map[string]*catalog.Message {
	ms := make(map[string]*catalog.Message, len(words))
	for _, w := range words {
		ms[w] = catalog.Msg("discord.name." + w)
	}
	return ms
}

// What the adapter itself tells a user: a request Discord sent incomplete,
// a role it cannot list.
var (
	msgNoActor        = catalog.Msg("discord.no_actor")
	msgButtonInServer = catalog.Msg("discord.button_in_server")
	msgNoValue        = catalog.Msg("discord.no_value")
	msgNotMember      = catalog.Msg("discord.not_member")
	msgOnlyRoles      = catalog.Msg("discord.only_roles")
	msgRolesInServer  = catalog.Msg("discord.roles_in_server")
	msgMembersIntent  = catalog.Msg("discord.members_intent")
	msgMembersLimited = catalog.Msg("discord.members_limited")
)

var (
	msgServerOnly         = catalog.Msg("discord.server_only")
	msgDMNoServer         = catalog.Msg("discord.dm_no_server")
	msgDMManyServers      = catalog.Msg("discord.dm_many_servers")
	msgUnknownKind        = catalog.Msg("discord.unknown_kind")
	msgAlreadyHandled     = catalog.Msg("discord.already_handled")
	msgUnknownInteraction = catalog.Msg("discord.unknown_interaction")
)

// Why a DM cannot be delivered, as guides read it in progress (stored in
// English, shown in the reader's language: catalog.Lang.Translate).
var (
	msgNoUserID      = catalog.Msg("discord.reason.no_user_id")
	msgDMsClosed     = catalog.Msg("discord.reason.dms_closed")
	msgNoSharedGuild = catalog.Msg("discord.reason.no_shared_guild")
	msgUnknownUser   = catalog.Msg("discord.reason.unknown_user")
	msgRefused       = catalog.Msg("discord.reason.refused")
)

package bot

import "github.com/learnbot/learnbot/catalog"

// The router's words: its errors and the scaffolding of help. Commands' own
// words (descriptions, usage) belong to the package that declares them.
var (
	msgFailed         = catalog.Msg("bot.failed")
	msgTimeout        = catalog.Msg("bot.timeout")
	msgBusy           = catalog.Msg("bot.busy")
	msgUnknownButton  = catalog.Msg("bot.unknown_button")
	msgTooLong        = catalog.Msg("bot.too_long")
	msgBadUTF8        = catalog.Msg("bot.bad_utf8")
	msgControlChar    = catalog.Msg("bot.control_char")
	msgHiddenChar     = catalog.Msg("bot.hidden_char")
	msgNoCommand      = catalog.Msg("bot.no_command")
	msgUnknownCommand = catalog.Msg("bot.unknown_command")
	msgDone           = catalog.Msg("bot.done")
	msgUsage          = catalog.Msg("bot.usage")
	msgForbidden      = catalog.Msg("bot.forbidden")

	msgHelpHint      = catalog.Msg("bot.help.hint")
	msgHelpNoTopic   = catalog.Msg("bot.help.no_topic")
	msgHelpExample   = catalog.Msg("bot.help.example")
	msgHelpForGuides = catalog.Msg("bot.help.for_guides")
	msgHelpForAdmins = catalog.Msg("bot.help.for_admins")
	msgHelpHeading   = catalog.Msg("bot.help.heading")
	msgHelpDetails   = catalog.Msg("bot.help.details")
)

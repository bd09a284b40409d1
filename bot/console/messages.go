package console

import "github.com/learnbot/learnbot/catalog"

// The console's own words, around the replies it prints.
var (
	msgWelcome  = catalog.Msg("console.welcome")
	msgAsUsage  = catalog.Msg("console.as_usage")
	msgNowAs    = catalog.Msg("console.now_as")
	msgNoButton = catalog.Msg("console.no_button")
	msgReplaces = catalog.Msg("console.replaces")
	msgDMTo     = catalog.Msg("console.dm_to")
)

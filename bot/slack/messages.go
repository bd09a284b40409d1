package slack

import "github.com/learnbot/learnbot/catalog"

// What the adapter itself says: the App Home's frame, and why a platform
// group cannot be listed.
var (
	msgHomeHeading      = catalog.Msg("slack.home.heading")
	msgHomeMore         = catalog.Msg("slack.home.more")
	msgCannotList       = catalog.Msg("slack.cannot_list")
	msgPaidPlan         = catalog.Msg("slack.paid_plan")
	msgUnknownUsergroup = catalog.Msg("slack.unknown_usergroup")
	msgChannelHidden    = catalog.Msg("slack.channel_hidden")
)

// Why a DM cannot be delivered, as guides read it in progress (stored in
// English, shown in the reader's language: catalog.Lang.Translate).
var (
	msgUserGone           = catalog.Msg("slack.reason.user_gone")
	msgUserIsBot          = catalog.Msg("slack.reason.user_is_bot")
	msgAccountDeactivated = catalog.Msg("slack.reason.account_deactivated")
	msgUserHidden         = catalog.Msg("slack.reason.user_hidden")
	msgNoDMChannel        = catalog.Msg("slack.reason.no_dm_channel")
	msgDMChannelArchived  = catalog.Msg("slack.reason.dm_channel_archived")
	msgNotInDMChannel     = catalog.Msg("slack.reason.not_in_dm_channel")
	msgRestricted         = catalog.Msg("slack.reason.restricted")
	msgNoTeamAccess       = catalog.Msg("slack.reason.no_team_access")
	msgRefused            = catalog.Msg("slack.reason.refused")
	msgRefusedTooLong     = catalog.Msg("slack.reason.refused_too_long")
)

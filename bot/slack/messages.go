package slack

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// What the adapter itself says: the App Home's frame, and why a platform
// group cannot be listed.
var (
	msgHomeHeading = bot.Define(&i18n.Message{ID: "slack.home.heading",
		Other: "Your learning tasks"})
	msgHomeMore = bot.Define(&i18n.Message{ID: "slack.home.more",
		One:   "…and 1 more not shown here; type {{.Tasks}} to see them all.",
		Other: "…and {{.Count}} more not shown here; type {{.Tasks}} to see them all."})
	msgCannotList = bot.Define(&i18n.Message{ID: "slack.cannot_list",
		Other: "Slack cannot list the members of a {{.Kind}}."})
	msgPaidPlan = bot.Define(&i18n.Message{ID: "slack.paid_plan",
		Other: "User groups like @{{.Group}} need a paid Slack plan; this workspace cannot list their members. Name the people or a channel instead, or use a learnbot group (/learn group)."})
	msgUnknownUsergroup = bot.Define(&i18n.Message{ID: "slack.unknown_usergroup",
		Other: "Slack does not know the user group @{{.Group}}."})
	msgChannelHidden = bot.Define(&i18n.Message{ID: "slack.channel_hidden",
		Other: "I cannot see the members of #{{.Channel}}. Add learnbot to the channel first (it must be a member of private channels)."})
)

// Why a DM cannot be delivered, as guides read it in progress (stored in
// English, shown in the reader's language: bot.Lang.Translate).
var (
	msgUserGone           = bot.Define(&i18n.Message{ID: "slack.reason.user_gone", Other: "the Slack user does not exist"})
	msgUserIsBot          = bot.Define(&i18n.Message{ID: "slack.reason.user_is_bot", Other: "the Slack user is a bot"})
	msgAccountDeactivated = bot.Define(&i18n.Message{ID: "slack.reason.account_deactivated", Other: "the Slack account is deactivated"})
	msgUserHidden         = bot.Define(&i18n.Message{ID: "slack.reason.user_hidden", Other: "learnbot cannot see this Slack user"})
	msgNoDMChannel        = bot.Define(&i18n.Message{ID: "slack.reason.no_dm_channel", Other: "the DM channel does not exist"})
	msgDMChannelArchived  = bot.Define(&i18n.Message{ID: "slack.reason.dm_channel_archived", Other: "the DM channel is archived"})
	msgNotInDMChannel     = bot.Define(&i18n.Message{ID: "slack.reason.not_in_dm_channel", Other: "learnbot is not in the DM channel"})
	msgRestricted         = bot.Define(&i18n.Message{ID: "slack.reason.restricted", Other: "the workspace does not let learnbot post there"})
	msgNoTeamAccess       = bot.Define(&i18n.Message{ID: "slack.reason.no_team_access", Other: "learnbot has no access to the user's workspace"})
	msgRefused            = bot.Define(&i18n.Message{ID: "slack.reason.refused", Other: "Slack refused the message"})
	msgRefusedTooLong     = bot.Define(&i18n.Message{ID: "slack.reason.refused_too_long", Other: "Slack refused the message as too long"})
)

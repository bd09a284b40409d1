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

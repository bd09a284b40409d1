package bot

import (
	"fmt"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// The router's words: its errors and the scaffolding of help. Commands' own
// words (descriptions, usage) belong to the package that declares them.
var (
	msgFailed = Define(&i18n.Message{ID: "bot.failed",
		Other: "Something went wrong on our side; the problem was logged."})
	msgTimeout = Define(&i18n.Message{ID: "bot.timeout",
		Other: "That took too long and was stopped; nothing more will happen. Please try again."})
	msgUnknownButton = Define(&i18n.Message{ID: "bot.unknown_button",
		Other: "That button is no longer supported."})
	msgTooLong = Define(&i18n.Message{ID: "bot.too_long",
		Other: "That command is too long ({{.Length}} characters; at most {{.Max}})."})
	msgBadUTF8 = Define(&i18n.Message{ID: "bot.bad_utf8",
		Other: "That command is not valid UTF-8 text; nothing was changed. Type it again without the broken characters."})
	msgControlChar = Define(&i18n.Message{ID: "bot.control_char",
		Other: "That command contains a control character ({{.Char}}), which learnbot does not accept; nothing was changed. Type it again without it."})
	msgNoCommand = Define(&i18n.Message{ID: "bot.no_command",
		Other: "Type a command. {{.Hint}}"})
	msgUnknownCommand = Define(&i18n.Message{ID: "bot.unknown_command",
		Other: "Unknown command {{.Command}}. {{.Hint}}"})
	msgDone = Define(&i18n.Message{ID: "bot.done",
		Other: "Done."})
	msgMoreNotShown = Define(&i18n.Message{ID: "bot.more_not_shown",
		Description: "a platform's limit cut a list short",
		One:         "…and 1 more not shown.",
		Other:       "…and {{.Count}} more not shown."})
	msgUsage = Define(&i18n.Message{ID: "bot.usage",
		Other: "Usage: {{.Usage}}"})
	msgForbidden = Define(&i18n.Message{ID: "bot.forbidden",
		Other: "You need the {{.Need}} role for that; you are a {{.Have}}."})

	msgHelpHint = Define(&i18n.Message{ID: "bot.help.hint",
		Other: "Type {{.Help}} for the list of commands."})
	msgHelpNoTopic = Define(&i18n.Message{ID: "bot.help.no_topic",
		Other: "No command {{.Topic}}. {{.Hint}}"})
	msgHelpExample = Define(&i18n.Message{ID: "bot.help.example",
		Other: "e.g. {{.Example}}"})
	msgHelpForGuides = Define(&i18n.Message{ID: "bot.help.for_guides",
		Other: "(for guides and admins)"})
	msgHelpForAdmins = Define(&i18n.Message{ID: "bot.help.for_admins",
		Other: "(for admins only)"})
	msgHelpHeading = Define(&i18n.Message{ID: "bot.help.heading",
		Other: "Commands:"})
	msgHelpDetails = Define(&i18n.Message{ID: "bot.help.details",
		Other: "Type {{.Help}} <command> for details and examples."})
)

// Calendar words, for Lang.Date and Lang.DateTime.
var (
	msgDate = Define(&i18n.Message{ID: "bot.date",
		Description: "a calendar date: December 24, 2026",
		Other:       "{{.Month}} {{.Day}}, {{.Year}}"})
	msgDay = Define(&i18n.Message{ID: "bot.day",
		Description: "a day of this year with its weekday: Friday, December 4",
		Other:       "{{.Weekday}}, {{.Month}} {{.Day}}"})
	msgDayYear = Define(&i18n.Message{ID: "bot.day_year",
		Description: "a day with its weekday; Date is bot.date: Friday, December 4, 2026",
		Other:       "{{.Weekday}}, {{.Date}}"})
	msgDateTime = Define(&i18n.Message{ID: "bot.datetime",
		Description: "a moment in UTC: Thursday, March 14, 2030 at 09:30 UTC",
		Other:       "{{.Weekday}}, {{.Date}} at {{.Time}} UTC"})
	msgMonths = defineAll("bot.month.%02d", 1, "January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December")
	msgWeekdays = defineAll("bot.weekday.%d", 0, "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
)

// Roles in prose, for pages and emails; commands and chat replies show the
// role words people type (admin, guide, learner).
var msgAsRole = map[Role]*i18n.Message{
	RoleAdmin:   Define(&i18n.Message{ID: "bot.as_role.admin", Other: "as an admin"}),
	RoleGuide:   Define(&i18n.Message{ID: "bot.as_role.guide", Other: "as a guide"}),
	RoleLearner: Define(&i18n.Message{ID: "bot.as_role.learner", Other: "as a learner"}),
}

// Role names in prose, for pages and emails.
var msgRoleName = map[Role]*i18n.Message{
	RoleAdmin:   Define(&i18n.Message{ID: "bot.role.admin", Other: "admin"}),
	RoleGuide:   Define(&i18n.Message{ID: "bot.role.guide", Other: "guide"}),
	RoleLearner: Define(&i18n.Message{ID: "bot.role.learner", Other: "learner"}),
}

// defineAll defines a list of one-word messages numbered from first.
func defineAll(idFormat string, first int, words ...string) []*i18n.Message {
	ms := make([]*i18n.Message, len(words))
	for i, w := range words {
		ms[i] = Define(&i18n.Message{ID: fmt.Sprintf(idFormat, first+i), Other: w})
	}
	return ms
}

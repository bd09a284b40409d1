package calendar

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// How a due date reads next to a task, in the reader's terms.
var (
	msgDueToday = bot.Define(&i18n.Message{ID: "calendar.due_today",
		Other: "due today"})
	msgDueTomorrow = bot.Define(&i18n.Message{ID: "calendar.due_tomorrow",
		Other: "due tomorrow"})
	msgDueOn = bot.Define(&i18n.Message{ID: "calendar.due_on",
		Description: "Day is bot.day: due Friday, December 4",
		Other:       "due {{.Day}}"})
	msgOverdue = bot.Define(&i18n.Message{ID: "calendar.overdue",
		One:   "{{.Count}} day overdue",
		Other: "{{.Count}} days overdue"})
)

package calendar

import "github.com/learnbot/learnbot/catalog"

// How a due date reads next to a task, in the reader's terms.
var (
	msgDueToday    = catalog.Msg("calendar.due_today")
	msgDueTomorrow = catalog.Msg("calendar.due_tomorrow")
	msgDueOn       = catalog.Msg("calendar.due_on")
	msgOverdue     = catalog.Msg("calendar.overdue")
)

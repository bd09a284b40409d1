package catalog

import "fmt"

// Calendar words, for Lang.Date, Lang.Day and Lang.DateTime, and the
// catalogue's own.
var (
	msgDate         = Msg("bot.date")
	msgDay          = Msg("bot.day")
	msgDayYear      = Msg("bot.day_year")
	msgDateTime     = Msg("bot.datetime")
	msgMonths       = msgs("bot.month.%02d", 1, 12)
	msgWeekdays     = msgs("bot.weekday.%d", 0, 7)
	msgMoreNotShown = Msg("bot.more_not_shown")
)

// msgs are n messages numbered from first.
func msgs(idFormat string, first, n int) []*Message {
	ms := make([]*Message, n)
	for i := range ms {
		ms[i] = Msg(fmt.Sprintf(idFormat, first+i))
	}
	return ms
}

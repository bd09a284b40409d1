package handlers

import (
	"context"
	"fmt"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// ReminderDM reminds a learner of an open assignment's due date, in their
// language (the queue delivers it): the task, its link, the date and a
// Mark done button, like the assignment DM. kind is storage.ReminderBefore
// or storage.ReminderOverdue; today is the learner's date.
func (h *Handlers) ReminderDM(ctx context.Context, a *storage.AssignmentView, kind string, today calendar.Date) (bot.Message, error) {
	l := a.PersonLang.Or(h.cfg.Language)
	vars := catalog.Vars{"Task": taskName(a.TaskTitle, a.TaskKey), "Due": calendar.Describe(l, a.DueDate, today),
		"Day": calendar.DayOf(l, a.DueDate, today)}
	var text string
	switch kind {
	case storage.ReminderBefore:
		text = l.Say(msgReminderBefore, vars)
	case storage.ReminderOverdue:
		text = l.Say(msgReminderOverdue, vars)
	case storage.ReminderNudge:
		text = l.Say(msgReminderNudge, vars)
	default:
		return bot.Message{}, fmt.Errorf("handlers: unknown reminder kind %q", kind)
	}
	if a.TaskURL != "" {
		text += "\n" + a.TaskURL
	}
	to := model.User{Name: a.PersonName}
	if a.ChatID != nil {
		to.ID = *a.ChatID
	}
	return bot.Message{Platform: a.Platform, Workspace: a.Workspace, To: to,
		Reply: bot.Reply{Text: text, Lang: l, Buttons: []bot.Button{markDoneButton(l.Say(msgMarkDone, nil), a.ID)}}}, nil
}

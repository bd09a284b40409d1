package handlers

import (
	"context"
	"errors"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// dueKeyword introduces a due date at the end of assign: "assign git @anna
// due friday".
const dueKeyword = "due"

// noneWord clears a due date: "due git none".
const noneWord = "none"

// splitDue takes a trailing "due <when>" off an assign command's targets
// and reads the date in the caller's time zone. A group named "due" can
// still be a target anywhere but second to last.
func (h *Handlers) splitDue(req *bot.Request, args []bot.Arg) ([]bot.Arg, calendar.Date, error) {
	n := len(args)
	if n < 2 {
		return args, calendar.Date{}, nil
	}
	kw := args[n-2]
	if kw.User != nil || kw.Group != nil || !strings.EqualFold(kw.Text, dueKeyword) {
		return args, calendar.Date{}, nil
	}
	d, err := h.parseWhen(req, args[n-1])
	return args[:n-2], d, err
}

// parseWhen reads a due date as the caller typed it, relative to their
// today; a bad or past date is a user error with the command's usage.
func (h *Handlers) parseWhen(req *bot.Request, a bot.Arg) (calendar.Date, error) {
	loc := calendar.Location(req.Caller.TimeZone, h.store.ReminderPolicy().Zone)
	now := h.store.Now()
	d, err := calendar.ParseWhen(a.Text, now, loc)
	switch {
	case a.User != nil || a.Group != nil:
		return calendar.Date{}, model.UsageErr(req.Lang, msgBadWhen, catalog.Vars{"When": a.Text})
	case errors.Is(err, calendar.ErrPast):
		today := calendar.Today(now, loc)
		return calendar.Date{}, model.UsageErr(req.Lang, msgPastWhen, catalog.Vars{"When": a.Text,
			"Today": calendar.DayOf(req.Lang, today, today)})
	case err != nil:
		return calendar.Date{}, model.UsageErr(req.Lang, msgBadWhen, catalog.Vars{"When": a.Text})
	}
	return d, nil
}

// personToday is the date now for someone in this time zone ("" for
// LEARNBOT_TIMEZONE): what "overdue" is measured against.
func (h *Handlers) personToday(zone string) calendar.Date {
	return calendar.Today(h.store.Now(), calendar.Location(zone, h.store.ReminderPolicy().Zone))
}

// callerToday is the caller's date now, for showing dates they typed.
func (h *Handlers) callerToday(req *bot.Request) calendar.Date {
	return calendar.Today(h.store.Now(), calendar.Location(req.Caller.TimeZone, h.store.ReminderPolicy().Zone))
}

// due sets or clears the due date of a task's open assignments: "due
// <task> <when|none> [<target>...]".
func (h *Handlers) due(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, model.UsageErr(req.Lang, msgDueArgs, nil)
	}
	task, err := h.task(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	var when calendar.Date
	if w := req.Params[1]; w.User != nil || w.Group != nil || !strings.EqualFold(w.Text, noneWord) {
		if when, err = h.parseWhen(req, w); err != nil {
			return nil, err
		}
	}
	p := storage.SetDueParams{WorkspaceID: req.Caller.WorkspaceID, TaskID: task.ID, ActorID: req.Caller.PersonID, Due: when,
		All: len(req.Params) == 2}
	if !p.All {
		t, err := h.targets(ctx, req, req.Params[2:])
		if err != nil {
			return nil, err
		}
		p.PersonIDs, p.Users, p.GroupIDs, p.TargetSet = t.people, t.users, t.groupIDs(), t.set
	}
	res, err := h.store.SetDue(ctx, p)
	if err != nil {
		return nil, err
	}
	return h.dueReply(req, task, when, res), nil
}

// dueReply says what due changed, and who named holds no open assignment.
func (h *Handlers) dueReply(req *bot.Request, task *storage.Task, when calendar.Date, res *storage.SetDueResult) *bot.Reply {
	l := req.Lang
	vars := catalog.Vars{"Task": taskName(task.Title, task.Key), "Key": task.Key}
	r := &bot.Reply{Homes: res.Learners} // their tasks show the new date
	switch {
	case res.Changed+res.Already == 0:
		r.Text = l.Say(msgDueNobody, vars)
	case when.IsZero():
		vars["Count"] = res.Changed + res.Already
		r.Text = l.Say(msgDueCleared, vars)
	default:
		vars["Count"] = res.Changed + res.Already
		vars["Day"] = calendar.DayOf(l, when, h.callerToday(req))
		r.Text = l.Say(msgDueSet, vars)
	}
	if res.Missing > 0 {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgDueMissing, catalog.Vars{"Key": task.Key,
			"Names": nameList(l, res.MissingNames, res.Missing)})})
	}
	return r
}

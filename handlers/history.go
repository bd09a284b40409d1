package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// historyLimit is how many events history shows, newest first.
const historyLimit = 50

// history shows the audit trail of a task, a person (by mention) or an
// invitation (by its email: the invited person's trail).
func (h *Handlers) history(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.Lang
	if len(req.Params) != 1 {
		return nil, model.UsageErr(l, msgHistoryOne, nil)
	}
	a := req.Params[0]
	var of storage.HistoryOf
	var subject string
	switch {
	case a.User != nil || looksLikeEmail(a.Text):
		// Reading creates nobody: a chat user learnbot has not met has no
		// history yet.
		var p *storage.Person
		var err error
		if a.User != nil {
			p, err = h.store.PersonByChatID(ctx, req.Caller.WorkspaceID, a.User.ID)
		} else {
			p, err = h.store.PersonByEmail(ctx, req.Caller.WorkspaceID, a.Text)
		}
		if errors.Is(err, storage.ErrNotFound) {
			return bot.Say(l, msgHistoryNone, catalog.Vars{"Subject": a.Text}), nil
		}
		if err != nil {
			return nil, err
		}
		of.PersonID, subject = p.ID, p.Name
	default:
		t, err := h.store.TaskByKey(ctx, req.Caller.WorkspaceID, strings.ToLower(a.Text))
		if errors.Is(err, storage.ErrNotFound) {
			return nil, model.UsageErr(l, msgHistoryUnknown, catalog.Vars{"Arg": strconv.Quote(a.Text), "List": req.Slash("task list")})
		}
		if err != nil {
			return nil, err
		}
		of.TaskID, subject = t.ID, t.Key
	}
	events, err := h.store.History(ctx, req.Caller.WorkspaceID, of, historyLimit)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return bot.Say(l, msgHistoryNone, catalog.Vars{"Subject": subject}), nil
	}
	r := &bot.Reply{Text: l.Say(msgHistoryHeading, catalog.Vars{"Subject": subject})}
	for _, e := range events {
		r.Items = append(r.Items, bot.Item{Text: eventText(l, &e), Fields: []bot.Field{{Value: l.DateTime(e.CreatedAt)}}})
	}
	if len(events) == historyLimit {
		r.Footer = l.Say(msgHistoryLatest, catalog.Vars{"Count": historyLimit})
	}
	return r, nil
}

// eventMessages says each kind of event in a sentence.
var eventMessages = map[string]*catalog.Message{
	storage.EventAssign:         msgEventAssign,
	storage.EventDecide:         msgEventDecide,
	storage.EventUnassign:       msgEventUnassign,
	storage.EventDone:           msgEventDone,
	storage.EventUndo:           msgEventUndo,
	storage.EventInvite:         msgEventInvite,
	storage.EventInviteAgain:    msgEventInviteAgain,
	storage.EventRevoke:         msgEventRevoke,
	storage.EventAccept:         msgEventAccept,
	storage.EventRole:           msgEventRole,
	storage.EventTaskAdd:        msgEventTaskAdd,
	storage.EventTaskEdit:       msgEventTaskEdit,
	storage.EventTaskArchive:    msgEventTaskArchive,
	storage.EventTaskRestore:    msgEventTaskRestore,
	storage.EventGroupRename:    msgEventGroupRename,
	storage.EventGroupCreate:    msgEventGroupCreate,
	storage.EventGroupDelete:    msgEventGroupDelete,
	storage.EventGroupAdd:       msgEventGroupAdd,
	storage.EventGroupRemove:    msgEventGroupRemove,
	storage.EventDue:            msgEventDue,
	storage.EventEnrol:          msgEventEnrol,
	storage.EventJoin:           msgEventJoin,
	storage.EventEnrolEnd:       msgEventEnrolEnd,
	storage.EventPathStep:       msgEventPathStep,
	storage.EventPathStepRemove: msgEventPathStepRemove,
}

// choiceNames name the duplicate prompt's choices in the history.
var choiceNames = map[string]*catalog.Message{
	storage.ResolutionDoNotAssign: msgEventChoiceDoNotAssign,
	storage.ResolutionOnlyNew:     msgEventChoiceOnlyNew,
	storage.ResolutionForce:       msgEventChoiceForce,
}

// eventText is one event as a sentence in language l.
func eventText(l catalog.Lang, e *storage.Event) string {
	m, ok := eventMessages[e.Kind]
	if !ok {
		m = msgEventOther
	}
	actor := e.ActorName
	if actor == "" {
		actor = l.Say(msgEventSomeone, nil)
	}
	vars := catalog.Vars{"Actor": actor, "Task": e.TaskKey, "Person": e.PersonName, "Who": who(l, e), "Group": e.Details.Group,
		"Email": e.Details.Email, "Role": e.Details.Role, "Title": e.Details.Title, "From": e.Details.From, "Kind": e.Kind, "Choice": l.Say(choiceNames[e.Details.Resolution], nil), "Path": e.Details.Path}
	if e.Kind == storage.EventDecide && e.Details.Resolution == storage.ResolutionDoNotAssign {
		m = msgEventDecideNone
	}
	if e.Kind == storage.EventDue {
		vars["Due"] = e.Details.Due
		if e.Details.Due == "" {
			m = msgEventDueCleared
		}
	}
	if e.Kind == storage.EventUnassign && e.Details.Missing > 0 {
		vars["Missing"] = l.Say(msgEventMissing, catalog.Vars{"Count": e.Details.Missing})
	} else {
		vars["Missing"] = ""
	}
	text := l.Say(m, vars)
	if e.Details.Rule != 0 {
		text = strings.TrimSuffix(text, ".") + l.Say(msgEventByRule, catalog.Vars{"Rule": e.Details.Rule}) + "."
	}
	return text
}

// who names the people a set-based event touched: the one person, or how
// many with some of their names.
func who(l catalog.Lang, e *storage.Event) string {
	switch {
	case e.Count == 1 && e.PersonName != "":
		return e.PersonName
	case len(e.Details.Names) == 0:
		return l.Say(msgEventPeople, catalog.Vars{"Count": e.Count})
	}
	names := nameList(l, e.Details.Names, e.Count)
	if e.Count == 1 {
		return names
	}
	return l.Say(msgEventPeopleNamed, catalog.Vars{"Count": e.Count, "Names": names})
}

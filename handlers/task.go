package handlers

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

func (h *Handlers) taskAdd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, req.Lang.UsageErr(msgTaskAddMissing, nil)
	}
	key := strings.ToLower(req.Params[0].Text)
	if err := checkName(req.Lang, msgBadTaskKey, key); err != nil {
		return nil, err
	}
	title, link, err := titleAndLink(req.Lang, req.Params[1:])
	if err != nil {
		return nil, err
	}
	t := &storage.Task{WorkspaceID: req.Caller.WorkspaceID, Key: key, Title: title, URL: link}
	err = h.store.CreateTask(ctx, t, req.Caller.PersonID)
	if errors.Is(err, storage.ErrConflict) {
		return nil, req.Lang.Err(msgTaskExists, bot.Vars{"Key": key})
	}
	if err != nil {
		return nil, err
	}
	if link != "" {
		return req.Lang.Reply(msgTaskAddedLink, bot.Vars{"Key": t.Key, "Title": t.Title, "Link": link}), nil
	}
	return req.Lang.Reply(msgTaskAdded, bot.Vars{"Key": t.Key, "Title": t.Title}), nil
}

// titleAndLink reads "<title...> [<url>]": a last word starting with
// http:// or https:// is the link.
func titleAndLink(l bot.Lang, args []bot.Arg) (title, link string, err error) {
	words := strings.Fields(rest(args))
	if len(words) == 0 {
		return "", "", l.UsageErr(msgTitleNeeded, nil)
	}
	if last := words[len(words)-1]; strings.HasPrefix(last, "http://") || strings.HasPrefix(last, "https://") {
		u, err := url.Parse(last)
		if err != nil || u.Host == "" {
			return "", "", l.UsageErr(msgBadLink, bot.Vars{"Link": strconv.Quote(last)})
		}
		link, words = last, words[:len(words)-1]
	}
	if len(words) == 0 {
		return "", "", l.UsageErr(msgTitleNeeded, nil)
	}
	return strings.Join(words, " "), link, nil
}

// taskEdit changes a task's title, and its link when one is given (an
// edited title keeps the link, as a guide fixing a typo would expect).
func (h *Handlers) taskEdit(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, req.Lang.UsageErr(msgTaskEditMissing, nil)
	}
	t, err := h.task(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	title, link, err := titleAndLink(req.Lang, req.Params[1:])
	if err != nil {
		return nil, err
	}
	if link == "" {
		link = t.URL
	}
	if t, err = h.store.EditTask(ctx, req.Caller.WorkspaceID, t.Key, title, link, req.Caller.PersonID); err != nil {
		return nil, err
	}
	if t.URL != "" {
		return req.Lang.Reply(msgTaskEditedLink, bot.Vars{"Key": t.Key, "Title": t.Title, "Link": t.URL}), nil
	}
	return req.Lang.Reply(msgTaskEdited, bot.Vars{"Key": t.Key, "Title": t.Title}), nil
}

// taskKeyArg reads the one task key of task archive and task restore.
func taskKeyArg(req *bot.Request) (string, error) {
	switch {
	case len(req.Params) == 0:
		return "", req.Lang.UsageErr(msgTaskKeyMissing, nil)
	case len(req.Params) > 1:
		return "", req.Lang.UsageErr(msgTaskKeyOneWord, nil)
	}
	return strings.ToLower(req.Params[0].Text), nil
}

func (h *Handlers) taskArchive(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.setArchived(ctx, req, true)
}

func (h *Handlers) taskRestore(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.setArchived(ctx, req, false)
}

// setArchived archives or restores the task named; doing it twice says so.
func (h *Handlers) setArchived(ctx context.Context, req *bot.Request, archived bool) (*bot.Reply, error) {
	key, err := taskKeyArg(req)
	if err != nil {
		return nil, err
	}
	t, changed, err := h.store.SetTaskArchived(ctx, req.Caller.WorkspaceID, key, archived, req.Caller.PersonID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, req.Lang.UsageErr(msgUnknownTask, bot.Vars{"Task": strconv.Quote(key), "List": req.Slash("task list")})
	}
	if err != nil {
		return nil, err
	}
	vars := bot.Vars{"Key": t.Key, "List": req.Slash("task list"), "Restore": req.Slash("task restore")}
	switch {
	case archived && changed:
		return req.Lang.Reply(msgTaskArchived, vars), nil
	case archived:
		return nil, req.Lang.Err(msgTaskArchivedAlready, vars)
	case changed:
		return req.Lang.Reply(msgTaskRestored, vars), nil
	}
	return nil, req.Lang.Err(msgTaskNotArchived, vars)
}

func (h *Handlers) taskList(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	tasks, err := h.store.ListTasks(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return req.Lang.Reply(msgCatalogueEmpty, bot.Vars{"Add": req.Slash("task add")}), nil
	}
	r := req.Lang.Reply(msgTaskListHeading, bot.Vars{"Count": len(tasks)})
	for _, t := range tasks {
		r.Items = append(r.Items, bot.Item{Text: t.Key + ": " + t.Title, Link: t.URL,
			Fields: []bot.Field{{Label: req.Lang.Say(msgHeldBy, nil), Value: count(req.Lang, msgLearners, t.Holders)}}})
	}
	return r, nil
}

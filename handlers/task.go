package handlers

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

func (h *Handlers) taskAdd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, model.UsageErr(req.Lang, msgTaskAddMissing, nil)
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
		return nil, model.Err(req.Lang, msgTaskExists, catalog.Vars{"Key": key})
	}
	if errors.Is(err, storage.ErrTaken) {
		return nil, model.Err(req.Lang, msgPathTaken, catalog.Vars{"Key": key})
	}
	if err != nil {
		return nil, err
	}
	if link != "" {
		return bot.Say(req.Lang, msgTaskAddedLink, catalog.Vars{"Key": t.Key, "Title": t.Title, "Link": link}), nil
	}
	return bot.Say(req.Lang, msgTaskAdded, catalog.Vars{"Key": t.Key, "Title": t.Title}), nil
}

// titleAndLink reads "<title...> [<url>]": a last word starting with
// http:// or https:// is the link.
func titleAndLink(l catalog.Lang, args []bot.Arg) (title, link string, err error) {
	words := strings.Fields(rest(args))
	if len(words) == 0 {
		return "", "", model.UsageErr(l, msgTitleNeeded, nil)
	}
	if last := words[len(words)-1]; strings.HasPrefix(last, "http://") || strings.HasPrefix(last, "https://") {
		u, err := url.Parse(last)
		// User info ("https://learn.example.com@evil.example/") hides
		// the real host behind a familiar name.
		if err != nil || u.Host == "" || u.User != nil {
			return "", "", model.UsageErr(l, msgBadLink, catalog.Vars{"Link": strconv.Quote(last)})
		}
		link, words = last, words[:len(words)-1]
	}
	if len(words) == 0 {
		return "", "", model.UsageErr(l, msgTitleNeeded, nil)
	}
	return strings.Join(words, " "), link, nil
}

// taskEdit changes a task's title, and its link when one is given (an
// edited title keeps the link, as a guide fixing a typo would expect).
func (h *Handlers) taskEdit(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, model.UsageErr(req.Lang, msgTaskEditMissing, nil)
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
		return bot.Say(req.Lang, msgTaskEditedLink, catalog.Vars{"Key": t.Key, "Title": t.Title, "Link": t.URL}), nil
	}
	return bot.Say(req.Lang, msgTaskEdited, catalog.Vars{"Key": t.Key, "Title": t.Title}), nil
}

// taskKeyArg reads the one task key of task archive and task restore.
func taskKeyArg(req *bot.Request) (string, error) {
	switch {
	case len(req.Params) == 0:
		return "", model.UsageErr(req.Lang, msgTaskKeyMissing, nil)
	case len(req.Params) > 1:
		return "", model.UsageErr(req.Lang, msgTaskKeyOneWord, nil)
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
		return nil, model.UsageErr(req.Lang, msgUnknownTask, catalog.Vars{"Task": strconv.Quote(key), "List": req.Slash("task list")})
	}
	if err != nil {
		return nil, err
	}
	vars := catalog.Vars{"Key": t.Key, "List": req.Slash("task list"), "Restore": req.Slash("task restore")}
	switch {
	case archived && changed:
		return bot.Say(req.Lang, msgTaskArchived, vars), nil
	case archived:
		return nil, model.Err(req.Lang, msgTaskArchivedAlready, vars)
	case changed:
		return bot.Say(req.Lang, msgTaskRestored, vars), nil
	}
	return nil, model.Err(req.Lang, msgTaskNotArchived, vars)
}

func (h *Handlers) taskList(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	tasks, err := h.store.ListTasks(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return bot.Say(req.Lang, msgCatalogueEmpty, catalog.Vars{"Add": req.Slash("task add")}), nil
	}
	r := bot.Say(req.Lang, msgTaskListHeading, catalog.Vars{"Count": len(tasks)})
	for _, t := range tasks {
		r.Items = append(r.Items, bot.Item{Text: t.Key + ": " + t.Title, Link: t.URL,
			Fields: []bot.Field{{Label: req.Lang.Say(msgHeldBy, nil), Value: count(req.Lang, msgLearners, t.Holders)}}})
	}
	return r, nil
}

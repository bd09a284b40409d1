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
	words := strings.Fields(rest(req.Params[1:]))
	var link string
	if last := words[len(words)-1]; strings.HasPrefix(last, "http://") || strings.HasPrefix(last, "https://") {
		u, err := url.Parse(last)
		if err != nil || u.Host == "" {
			return nil, req.Lang.UsageErr(msgBadLink, bot.Vars{"Link": strconv.Quote(last)})
		}
		link, words = last, words[:len(words)-1]
	}
	if len(words) == 0 {
		return nil, req.Lang.UsageErr(msgTitleNeeded, nil)
	}
	t := &storage.Task{WorkspaceID: req.Caller.WorkspaceID, Key: key, Title: strings.Join(words, " "), URL: link}
	err := h.store.CreateTask(ctx, t, req.Caller.PersonID)
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

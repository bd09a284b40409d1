package handlers

import (
	"context"
	"errors"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

// groupNameArg reads and validates the group name parameter.
func groupNameArg(req *bot.Request, wantMembers bool) (string, error) {
	if len(req.Params) == 0 {
		return "", bot.UsageErrorf("Name the group.")
	}
	if wantMembers && len(req.Params) < 2 {
		return "", bot.UsageErrorf("Name at least one member.")
	}
	if !wantMembers && len(req.Params) > 1 {
		return "", bot.UsageErrorf("A group name is one word.")
	}
	name := strings.ToLower(req.Params[0].Text)
	return name, checkName("group name", name)
}

func (h *Handlers) groupCreate(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	name, err := groupNameArg(req, false)
	if err != nil {
		return nil, err
	}
	if _, err := h.store.CreateGroup(ctx, req.Caller.WorkspaceID, name); errors.Is(err, storage.ErrConflict) {
		return nil, bot.Errorf("The group %s exists already.", name)
	} else if err != nil {
		return nil, err
	}
	return bot.Text("Created the group %s. Add people with %s %s @name...", name, req.Slash("group add"), name), nil
}

func (h *Handlers) groupDelete(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	name, err := groupNameArg(req, false)
	if err != nil {
		return nil, err
	}
	if err := h.store.DeleteGroup(ctx, req.Caller.WorkspaceID, name); errors.Is(err, storage.ErrNotFound) {
		return nil, bot.Errorf("There is no group %s.", name)
	} else if err != nil {
		return nil, err
	}
	return bot.Text("Deleted the group %s; its members and their assignments stay.", name), nil
}

// members resolves the people named after the group name.
func (h *Handlers) members(ctx context.Context, req *bot.Request) (*storage.Group, []int64, error) {
	name, err := groupNameArg(req, true)
	if err != nil {
		return nil, nil, err
	}
	g, err := h.group(ctx, req, name)
	if err != nil {
		return nil, nil, err
	}
	var ids []int64
	for _, a := range req.Params[1:] {
		if a.User == nil && !looksLikeEmail(a.Text) {
			return nil, nil, bot.UsageErrorf("%q is not a person: mention them (@name) or give their email.", a.Text)
		}
	}
	for _, a := range req.Params[1:] {
		p, err := h.person(ctx, req, a)
		if err != nil {
			return nil, nil, err
		}
		ids = append(ids, p.ID)
	}
	return g, ids, nil
}

func (h *Handlers) groupAdd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	g, ids, err := h.members(ctx, req)
	if err != nil {
		return nil, err
	}
	n, err := h.store.AddMembers(ctx, req.Caller.WorkspaceID, g.ID, ids)
	if err != nil {
		return nil, err
	}
	return bot.Text("Added %s to %s (%d were members already).", plural(n, "person", "people"), g.Name, len(dedupe(ids))-n), nil
}

func (h *Handlers) groupRemove(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	g, ids, err := h.members(ctx, req)
	if err != nil {
		return nil, err
	}
	n, err := h.store.RemoveMembers(ctx, req.Caller.WorkspaceID, g.ID, ids)
	if err != nil {
		return nil, err
	}
	return bot.Text("Removed %s from %s.", plural(n, "person", "people"), g.Name), nil
}

func (h *Handlers) groupShow(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	name, err := groupNameArg(req, false)
	if err != nil {
		return nil, err
	}
	g, err := h.group(ctx, req, name)
	if err != nil {
		return nil, err
	}
	people, err := h.store.GroupMembers(ctx, req.Caller.WorkspaceID, g.ID)
	if err != nil {
		return nil, err
	}
	if len(people) == 0 {
		return bot.Text("%s has no members yet.", g.Name), nil
	}
	names := make([]string, 0, min(len(people), 100))
	for _, p := range people[:min(len(people), 100)] {
		n := p.Name
		if p.Status == storage.StatusInvited {
			n += " (invited)"
		}
		names = append(names, n)
	}
	return bot.Text("%s (%s): %s", g.Name, plural(len(people), "member", "members"), nameList(names, len(people))), nil
}

func (h *Handlers) groupList(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	groups, err := h.store.ListGroups(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		return bot.Text("No groups yet. Create one with %s <name>.", req.Slash("group create")), nil
	}
	r := &bot.Reply{Text: plural(len(groups), "group", "groups") + ":"}
	for _, g := range groups {
		r.Items = append(r.Items, bot.Item{Text: g.Name + ": " + plural(g.Size, "member", "members")})
	}
	return r, nil
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

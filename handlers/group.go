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

// groupNameArg reads and validates the group name parameter.
func groupNameArg(req *bot.Request, wantMembers bool) (string, error) {
	if len(req.Params) == 0 {
		return "", model.UsageErr(req.Lang, msgGroupNameMissing, nil)
	}
	if wantMembers && len(req.Params) < 2 {
		return "", model.UsageErr(req.Lang, msgGroupMemberMissing, nil)
	}
	if !wantMembers && len(req.Params) > 1 {
		return "", model.UsageErr(req.Lang, msgGroupOneWord, nil)
	}
	name := strings.ToLower(req.Params[0].Text)
	return name, checkName(req.Lang, msgBadGroupName, name)
}

func (h *Handlers) groupCreate(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	name, err := groupNameArg(req, false)
	if err != nil {
		return nil, err
	}
	if _, err := h.store.CreateGroup(ctx, req.Caller.WorkspaceID, name, req.Caller.PersonID); errors.Is(err, storage.ErrConflict) {
		return nil, model.Err(req.Lang, msgGroupExists, catalog.Vars{"Group": name})
	} else if err != nil {
		return nil, err
	}
	return bot.Say(req.Lang, msgGroupCreated, catalog.Vars{"Group": name, "Add": req.Slash("group add")}), nil
}

func (h *Handlers) groupDelete(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	name, err := groupNameArg(req, false)
	if err != nil {
		return nil, err
	}
	if err := h.store.DeleteGroup(ctx, req.Caller.WorkspaceID, name, req.Caller.PersonID); errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(req.Lang, msgGroupNone, catalog.Vars{"Group": name})
	} else if err != nil {
		return nil, err
	}
	return bot.Say(req.Lang, msgGroupDeleted, catalog.Vars{"Group": name}), nil
}

// groupRename renames a group; the new name follows the rules of create.
func (h *Handlers) groupRename(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 2 {
		return nil, model.UsageErr(req.Lang, msgGroupRenameMissing, nil)
	}
	name, newName := strings.ToLower(req.Params[0].Text), strings.ToLower(req.Params[1].Text)
	if err := checkName(req.Lang, msgBadGroupName, newName); err != nil {
		return nil, err
	}
	err := h.store.RenameGroup(ctx, req.Caller.WorkspaceID, name, newName, req.Caller.PersonID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, model.UsageErr(req.Lang, msgUnknownGroup, catalog.Vars{"Group": strconv.Quote(name), "List": req.Slash("group list")})
	case errors.Is(err, storage.ErrConflict):
		return nil, model.Err(req.Lang, msgGroupExists, catalog.Vars{"Group": newName})
	case err != nil:
		return nil, err
	}
	return bot.Say(req.Lang, msgGroupRenamed, catalog.Vars{"Group": name, "NewName": newName}), nil
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
			return nil, nil, model.UsageErr(req.Lang, msgGroupNotPerson, catalog.Vars{"Arg": strconv.Quote(a.Text)})
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
	before, err := h.store.MemberIDs(ctx, req.Caller.WorkspaceID, g.ID)
	if err != nil {
		return nil, err
	}
	n, err := h.store.AddMembers(ctx, g, ids, req.Caller.PersonID)
	if err != nil {
		return nil, err
	}
	// The group's rules serve whoever joined now: those already in were
	// served when they joined, or stay out as the rule chose. A rule that
	// fails here is logged: the members are in, and the next
	// reconciliation applies it.
	if err := h.applyGroupRules(ctx, req.Caller.WorkspaceID, g.ID, joined(before, ids)); err != nil {
		h.log.ErrorContext(ctx, "applying the group's rules failed", "workspace", req.Workspace, "group", g.Name, "error", err)
	}
	return bot.Say(req.Lang, msgGroupAdded, catalog.Vars{"Count": n, "Group": g.Name, "Already": len(dedupe(ids)) - n}), nil
}

func (h *Handlers) groupRemove(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	g, ids, err := h.members(ctx, req)
	if err != nil {
		return nil, err
	}
	n, err := h.store.RemoveMembers(ctx, g, ids, req.Caller.PersonID)
	if err != nil {
		return nil, err
	}
	return bot.Say(req.Lang, msgGroupRemoved, catalog.Vars{"Count": n, "Group": g.Name}), nil
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
		return bot.Say(req.Lang, msgGroupNoMembers, catalog.Vars{"Group": g.Name}), nil
	}
	names := make([]string, 0, min(len(people), 100))
	for _, p := range people[:min(len(people), 100)] {
		n := p.Name
		if p.Status == storage.StatusInvited {
			n += " " + req.Lang.Say(msgGroupInvited, nil)
		}
		names = append(names, n)
	}
	return bot.Say(req.Lang, msgGroupShow, catalog.Vars{"Group": g.Name, "Members": count(req.Lang, msgMembers, len(people)),
		"Names": nameList(req.Lang, names, len(people))}), nil
}

func (h *Handlers) groupList(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	groups, err := h.store.ListGroups(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		return bot.Say(req.Lang, msgGroupListNone, catalog.Vars{"Create": req.Slash("group create")}), nil
	}
	r := bot.Say(req.Lang, msgGroupListHeading, catalog.Vars{"Count": len(groups)})
	for _, g := range groups {
		r.Items = append(r.Items, bot.Item{Text: req.Lang.Say(msgGroupListItem, catalog.Vars{"Group": g.Name,
			"Members": count(req.Lang, msgMembers, g.Size)})})
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

// joined are the people of ids not among before.
func joined(before, ids []int64) []int64 {
	was := make(map[int64]bool, len(before))
	for _, id := range before {
		was[id] = true
	}
	var out []int64
	for _, id := range dedupe(ids) {
		if !was[id] {
			out = append(out, id)
		}
	}
	return out
}

package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

func (h *Handlers) invite(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) == 0 || len(req.Params) > 2 {
		return nil, req.Lang.UsageErr(msgInviteMissing, nil)
	}
	email, err := checkEmail(req.Lang, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	role := bot.RoleLearner
	if len(req.Params) == 2 {
		role = bot.Role(strings.ToLower(req.Params[1].Text))
		if !role.Valid() {
			return nil, req.Lang.UsageErr(msgBadRole, bot.Vars{"Arg": strconv.Quote(req.Params[1].Text)})
		}
	}
	if role == bot.RoleAdmin && req.Caller.Role != bot.RoleAdmin {
		return nil, adminInvitationError(req.Lang)
	}
	var chatUser *bot.User
	if req.Directory != nil {
		u, err := req.Directory.UserByEmail(ctx, email)
		switch {
		case err == nil:
			chatUser = u
		case !errors.Is(err, bot.ErrNoUser):
			// The invitation works without the link to a chat user.
			h.log.Warn("user lookup by email failed", "platform", req.Platform, "workspace", req.Workspace, "error", err)
		}
	}
	res, err := h.store.CreateInvitation(ctx, h.inviteParams(req, email, role, chatUser))
	switch {
	case errors.Is(err, storage.ErrPending):
		inv := res.Invitation
		r := req.Lang.Reply(msgInvitePending, bot.Vars{"Email": email, "Role": inv.Role, "Count": inv.SendCount})
		r.Buttons = []bot.Button{reinviteButton(inv, req.Lang.Say(msgInviteAgain, nil))}
		return r, nil
	case errors.Is(err, storage.ErrActive):
		return nil, req.Lang.Err(msgInviteActive, bot.Vars{"Email": email})
	case errors.Is(err, storage.ErrAdminInvitation):
		return nil, adminInvitationError(req.Lang)
	case err != nil:
		return nil, err
	}
	return &bot.Reply{Text: h.sentText(req, res, chatUser)}, nil
}

func (h *Handlers) inviteParams(req *bot.Request, email string, role bot.Role, chatUser *bot.User) storage.InviteParams {
	return storage.InviteParams{WorkspaceID: req.Caller.WorkspaceID, Email: email, Role: role, InvitedBy: req.Caller.PersonID,
		ByRole: req.Caller.Role, TTL: h.cfg.InvitationTTL, PublicURL: h.cfg.PublicURL, ChatUser: chatUser, Send: h.cfg.EmailEnabled}
}

// sentText is the reply to a new invitation or a new link.
func (h *Handlers) sentText(req *bot.Request, res *storage.InviteResult, chatUser *bot.User) string {
	inv := res.Invitation
	l := req.Lang
	vars := bot.Vars{"Email": inv.Email, "Role": inv.Role, "Until": l.DateTime(inv.ExpiresAt), "Link": res.Link,
		"From": h.cfg.MailFrom, "Again": req.Slash("invite again")}
	var lines []string
	if h.cfg.EmailEnabled {
		lines = append(lines, l.Say(msgInviteSent, vars), l.Say(msgInviteHint, vars))
	} else {
		lines = append(lines, l.Say(msgInviteLink, vars))
	}
	if chatUser != nil {
		lines = append(lines, l.Say(msgInviteLinked, bot.Vars{"Name": chatUser.Name}))
	}
	if res.DM {
		lines = append(lines, l.Say(msgInviteDMSent, nil))
	}
	return strings.Join(lines, "\n")
}

func reinviteButton(inv storage.Invitation, label string) bot.Button {
	return bot.Button{Label: label, ID: actionReinvite + ":" + strconv.FormatInt(inv.ID, 10)}
}

func (h *Handlers) inviteList(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	list, err := h.store.PendingInvitations(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return req.Lang.Reply(msgInviteListNone, nil), nil
	}
	l := req.Lang
	r := l.Reply(msgInviteListHeading, bot.Vars{"Count": len(list)})
	now := h.store.Now()
	for _, inv := range list {
		it := bot.Item{Text: l.Say(msgInviteListItem, bot.Vars{"Email": inv.Email, "Role": inv.Role, "Count": inv.SendCount})}
		if inv.LastSentAt != nil {
			it.Fields = append(it.Fields, bot.Field{Label: l.Say(msgInviteListLast, nil), Value: l.DateTime(*inv.LastSentAt)})
		}
		if !now.Before(inv.ExpiresAt) {
			it.Fields = append(it.Fields, bot.Field{Value: l.Say(msgInviteListExpired, nil)})
		}
		if inv.LastError != nil {
			it.Fields = append(it.Fields, bot.Field{Label: l.Say(msgInviteListFailure, nil), Value: l.Translate(*inv.LastError)})
		}
		label := l.Say(msgInviteAgain, nil)
		if len(list) > 1 {
			label = l.Say(msgInviteAgainEmail, bot.Vars{"Email": inv.Email})
		}
		it.Buttons = []bot.Button{reinviteButton(inv, label)}
		r.Items = append(r.Items, it)
	}
	return r, nil
}

func (h *Handlers) inviteAgain(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, req.Lang.UsageErr(msgOneEmail, nil)
	}
	email, err := checkEmail(req.Lang, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	return h.reinvite(ctx, req, email)
}

func (h *Handlers) reinvite(ctx context.Context, req *bot.Request, email string) (*bot.Reply, error) {
	res, err := h.store.Reinvite(ctx, h.inviteParams(req, email, "", nil))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, req.Lang.Err(msgReinviteNone, bot.Vars{"Email": email, "Invite": req.Slash("invite")})
	}
	if errors.Is(err, storage.ErrAdminInvitation) {
		return nil, adminInvitationError(req.Lang)
	}
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Text: req.Lang.Say(msgReinviteNewLink, nil) + "\n" + h.sentText(req, res, nil)}, nil
}

// reinviteButton handles "reinvite:<invitation id>".
func (h *Handlers) reinviteButton(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := strconv.ParseInt(req.Action.Value(), 10, 64)
	if err != nil {
		return nil, req.Lang.Err(msgNotOurs, nil)
	}
	inv, err := h.store.InvitationByID(ctx, req.Caller.WorkspaceID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, req.Lang.Err(msgInvitationMissing, nil)
	}
	if err != nil {
		return nil, err
	}
	if inv.Status != storage.InvitationPending {
		return nil, req.Lang.Err(msgInvitationStatus, bot.Vars{"Email": inv.Email, "Status": invitationStatus(req.Lang, inv.Status),
			"List": req.Slash("invite list")})
	}
	return h.reinvite(ctx, req, inv.Email)
}

func (h *Handlers) inviteRevoke(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, req.Lang.UsageErr(msgOneEmail, nil)
	}
	email, err := checkEmail(req.Lang, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	switch err := h.store.RevokeInvitation(ctx, req.Caller.WorkspaceID, email, req.Caller.PersonID, req.Caller.Role); {
	case errors.Is(err, storage.ErrNotFound):
		return nil, req.Lang.Err(msgRevokeNone, bot.Vars{"Email": email})
	case errors.Is(err, storage.ErrAdminInvitation):
		return nil, adminInvitationError(req.Lang)
	case err != nil:
		return nil, err
	}
	return req.Lang.Reply(msgRevoked, bot.Vars{"Email": email}), nil
}

// adminInvitationError refuses a guide who creates, re-sends or revokes an
// admin invitation (DESIGN section 2).
func adminInvitationError(l bot.Lang) error {
	return &bot.UserError{Forbidden: true, Msg: l.Say(msgAdminInvitation, nil)}
}

// invitationStatus names an invitation's status.
func invitationStatus(l bot.Lang, status string) string {
	m, ok := map[string]*i18n.Message{
		storage.InvitationPending:    msgStatusPending,
		storage.InvitationAccepted:   msgStatusAccepted,
		storage.InvitationRevoked:    msgStatusRevoked,
		storage.InvitationExpired:    msgStatusExpired,
		storage.InvitationSuperseded: msgStatusSuperseded,
	}[status]
	if !ok {
		return status
	}
	return l.Say(m, nil)
}

// acceptButton handles "accept:<invitation id>", the button of the
// invitation DM: only the invited person may press it, and only while the
// invitation is pending.
func (h *Handlers) acceptButton(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := strconv.ParseInt(req.Action.Value(), 10, 64)
	if err != nil {
		return nil, req.Lang.Err(msgNotOurs, nil)
	}
	page, err := h.store.AcceptInvitationByID(ctx, req.Caller.WorkspaceID, id, req.Caller.PersonID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, req.Lang.Err(msgAcceptNotYours, nil)
	case errors.Is(err, storage.ErrGone) && page != nil:
		return nil, req.Lang.Err(msgAcceptGone, bot.Vars{"Status": invitationStatus(req.Lang, page.Status), "Role": req.Caller.Role})
	case err != nil:
		return nil, err
	}
	r := req.Lang.Reply(msgAcceptWelcome, bot.Vars{"Workspace": workspaceName(req.Lang, page.WorkspaceName), "Role": page.Role,
		"Tasks": req.Slash("tasks")})
	r.Replace = true
	return r, nil
}

func workspaceName(l bot.Lang, name string) string {
	if name == "" {
		return l.Say(msgThisWorkspace, nil)
	}
	return name
}

// InvitationDM is the DM that invites a chat user found by their email (the
// queue delivers it), with an Accept button ("accept:<invitation id>").
func (h *Handlers) InvitationDM(ctx context.Context, inv *storage.InvitationChat) (bot.Message, error) {
	l := inv.PersonLang.Or(h.cfg.Language)
	text := l.Say(msgInvitationDM, bot.Vars{"Inviter": inv.InviterName, "Workspace": workspaceName(l, inv.WorkspaceName),
		"Role": inv.Role}) + "\n" + l.Say(msgInvitationDMAccept, bot.Vars{"Until": l.DateTime(inv.ExpiresAt)})
	to := bot.User{Name: inv.Name}
	if inv.ChatID != nil {
		to.ID = *inv.ChatID
	}
	return bot.Message{Platform: inv.Platform, Workspace: inv.Workspace, To: to,
		Reply: bot.Reply{Text: text, Lang: l, Buttons: []bot.Button{{Label: l.Say(msgAccept, nil),
			ID: actionAccept + ":" + strconv.FormatInt(inv.ID, 10), Style: bot.StylePrimary}}}}, nil
}

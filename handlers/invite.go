package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

func (h *Handlers) invite(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) == 0 || len(req.Params) > 2 {
		return nil, bot.UsageErrorf("Give one email address and, optionally, a role.")
	}
	email, err := checkEmail(req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	role := bot.RoleLearner
	if len(req.Params) == 2 {
		role = bot.Role(strings.ToLower(req.Params[1].Text))
		if !role.Valid() {
			return nil, bot.UsageErrorf("%q is not a role: use learner, guide or admin.", req.Params[1].Text)
		}
	}
	if role == bot.RoleAdmin && req.Caller.Role != bot.RoleAdmin {
		return nil, errAdminInvitation
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
		return &bot.Reply{
			Text: fmt.Sprintf("%s already has a pending invitation (%s, sent %s). Nothing new was sent.",
				email, inv.Role, plural(inv.SendCount, "time", "times")),
			Buttons: []bot.Button{reinviteButton(inv, "Invite again")},
		}, nil
	case errors.Is(err, storage.ErrActive):
		return nil, bot.Errorf("%s is already an active member of this workspace.", email)
	case errors.Is(err, storage.ErrAdminInvitation):
		return nil, errAdminInvitation
	case err != nil:
		return nil, err
	}
	return bot.Text("%s", h.sentText(req, res, chatUser)), nil
}

func (h *Handlers) inviteParams(req *bot.Request, email string, role bot.Role, chatUser *bot.User) storage.InviteParams {
	return storage.InviteParams{WorkspaceID: req.Caller.WorkspaceID, Email: email, Role: role, InvitedBy: req.Caller.PersonID,
		ByRole: req.Caller.Role, TTL: h.cfg.InvitationTTL, PublicURL: h.cfg.PublicURL, ChatUser: chatUser, Send: h.cfg.EmailEnabled}
}

// sentText is the reply to a new invitation or a new link.
func (h *Handlers) sentText(req *bot.Request, res *storage.InviteResult, chatUser *bot.User) string {
	inv := res.Invitation
	var b strings.Builder
	if h.cfg.EmailEnabled {
		fmt.Fprintf(&b, "Invitation to %s (%s) is on its way; the link works until %s.", inv.Email, inv.Role, when(inv.ExpiresAt))
		fmt.Fprintf(&b, "\nIf it does not arrive: the sender %s must be authorised for its domain (SPF/DKIM),"+
			" ask them to check the spam folder, and %s %s resends it.", h.cfg.MailFrom, req.Slash("invite again"), inv.Email)
	} else {
		fmt.Fprintf(&b, "Invitation for %s (%s) created. Email is not configured, so send them this link yourself: %s (valid until %s).",
			inv.Email, inv.Role, res.Link, when(inv.ExpiresAt))
	}
	if chatUser != nil {
		fmt.Fprintf(&b, "\nThey are already here as %s; I linked them.", chatUser.Name)
	}
	if res.DM {
		b.WriteString("\nI sent them the invitation in a DM with an Accept button; until they accept, they are a learner.")
	}
	return b.String()
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
		return bot.Text("No pending invitations."), nil
	}
	r := &bot.Reply{Text: plural(len(list), "pending invitation", "pending invitations") + ":"}
	now := h.store.Now()
	for _, inv := range list {
		it := bot.Item{Text: fmt.Sprintf("%s (%s): sent %s", inv.Email, inv.Role, plural(inv.SendCount, "time", "times"))}
		if inv.LastSentAt != nil {
			it.Fields = append(it.Fields, bot.Field{Label: "last", Value: when(*inv.LastSentAt)})
		}
		if !now.Before(inv.ExpiresAt) {
			it.Fields = append(it.Fields, bot.Field{Value: "link expired"})
		}
		if inv.LastError != nil {
			it.Fields = append(it.Fields, bot.Field{Label: "last failure:", Value: *inv.LastError})
		}
		label := "Invite again"
		if len(list) > 1 {
			label += ": " + inv.Email
		}
		it.Buttons = []bot.Button{reinviteButton(inv, label)}
		r.Items = append(r.Items, it)
	}
	return r, nil
}

func (h *Handlers) inviteAgain(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, bot.UsageErrorf("Give one email address.")
	}
	email, err := checkEmail(req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	return h.reinvite(ctx, req, email)
}

func (h *Handlers) reinvite(ctx context.Context, req *bot.Request, email string) (*bot.Reply, error) {
	res, err := h.store.Reinvite(ctx, h.inviteParams(req, email, "", nil))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, bot.Errorf("%s has no pending invitation. Invite them with %s %s.", email, req.Slash("invite"), email)
	}
	if errors.Is(err, storage.ErrAdminInvitation) {
		return nil, errAdminInvitation
	}
	if err != nil {
		return nil, err
	}
	return bot.Text("New link: the old one no longer works.\n%s", h.sentText(req, res, nil)), nil
}

// reinviteButton handles "reinvite:<invitation id>".
func (h *Handlers) reinviteButton(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := strconv.ParseInt(req.Action.Value(), 10, 64)
	if err != nil {
		return nil, bot.Errorf("That button is not one of learnbot's.")
	}
	inv, err := h.store.InvitationByID(ctx, req.Caller.WorkspaceID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, bot.Errorf("That invitation does not exist here.")
	}
	if err != nil {
		return nil, err
	}
	if inv.Status != storage.InvitationPending {
		return nil, bot.Errorf("The invitation of %s is %s; see %s.", inv.Email, inv.Status, req.Slash("invite list"))
	}
	return h.reinvite(ctx, req, inv.Email)
}

func (h *Handlers) inviteRevoke(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, bot.UsageErrorf("Give one email address.")
	}
	email, err := checkEmail(req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	switch err := h.store.RevokeInvitation(ctx, req.Caller.WorkspaceID, email, req.Caller.Role); {
	case errors.Is(err, storage.ErrNotFound):
		return nil, bot.Errorf("%s has no pending invitation.", email)
	case errors.Is(err, storage.ErrAdminInvitation):
		return nil, errAdminInvitation
	case err != nil:
		return nil, err
	}
	return bot.Text("Revoked the invitation of %s; its link no longer works.", email), nil
}

// errAdminInvitation refuses a guide who creates, re-sends or revokes an
// admin invitation (DESIGN section 2).
var errAdminInvitation = &bot.UserError{Forbidden: true, Msg: "Only admins can create, re-send or revoke an admin invitation."}

// acceptButton handles "accept:<invitation id>", the button of the
// invitation DM: only the invited person may press it, and only while the
// invitation is pending.
func (h *Handlers) acceptButton(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := strconv.ParseInt(req.Action.Value(), 10, 64)
	if err != nil {
		return nil, bot.Errorf("That button is not one of learnbot's.")
	}
	page, err := h.store.AcceptInvitationByID(ctx, req.Caller.WorkspaceID, id, req.Caller.PersonID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, bot.Errorf("That invitation is not yours, or does not exist here.")
	case errors.Is(err, storage.ErrGone) && page != nil:
		return nil, bot.Errorf("That invitation is %s and can no longer be accepted; ask for a new one. You are a %s.",
			page.Status, req.Caller.Role)
	case err != nil:
		return nil, err
	}
	return &bot.Reply{Text: fmt.Sprintf("Welcome: you joined %s as %s. Type %s to see your learning tasks.",
		workspaceName(page.WorkspaceName), page.Role, req.Slash("tasks")), Replace: true}, nil
}

func workspaceName(name string) string {
	if name == "" {
		return "this workspace"
	}
	return name
}

// InvitationDM is the DM that invites a chat user found by their email (the
// queue delivers it), with an Accept button ("accept:<invitation id>").
func (h *Handlers) InvitationDM(ctx context.Context, inv *storage.InvitationChat) (bot.Message, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s invited you to join %s on learnbot as %s.", inv.InviterName, workspaceName(inv.WorkspaceName), inv.Role)
	fmt.Fprintf(&b, "\nPress Accept to join (valid until %s). Until then you are a learner.", when(inv.ExpiresAt))
	to := bot.User{Name: inv.Name}
	if inv.ChatID != nil {
		to.ID = *inv.ChatID
	}
	return bot.Message{Platform: inv.Platform, Workspace: inv.Workspace, To: to,
		Reply: bot.Reply{Text: b.String(), Buttons: []bot.Button{{Label: "Accept",
			ID: actionAccept + ":" + strconv.FormatInt(inv.ID, 10), Style: bot.StylePrimary}}}}, nil
}

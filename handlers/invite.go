package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// maxInvites bounds the addresses of one invite command.
const maxInvites = 100

// inviteSeparators split a list of addresses: spaces, commas, semicolons and
// newlines (a column pasted from a spreadsheet).
var inviteSeparators = func(r rune) bool {
	return r == ',' || r == ';' || unicode.IsSpace(r)
}

var roleWord = regexp.MustCompile(`^[A-Za-z]+$`)

// invite invites up to 100 addresses, each on its own, in one transaction.
// One address gets the detailed reply it always had; several get a summary:
// invited, already pending (with Invite again), already active, invalid.
func (h *Handlers) invite(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.Lang
	var words []string
	for _, a := range req.Params {
		words = append(words, strings.FieldsFunc(a.Text, inviteSeparators)...)
	}
	role := model.RoleLearner
	// A last bare word is the role ("guide", or a typo of one); anything
	// else, such as "not-an-email", is one more address.
	if n := len(words); n > 1 && roleWord.MatchString(words[n-1]) {
		role = model.Role(strings.ToLower(words[n-1]))
		if !role.Valid() {
			return nil, model.UsageErr(l, msgBadRole, catalog.Vars{"Arg": strconv.Quote(words[n-1])})
		}
		words = words[:n-1]
	}
	if len(words) == 0 {
		return nil, model.UsageErr(l, msgInviteMissing, nil)
	}
	var emails, invalid []string
	var invalidErr error // why the first invalid address is
	seen := map[string]bool{}
	for _, w := range words {
		if seen[strings.ToLower(w)] {
			continue
		}
		seen[strings.ToLower(w)] = true
		if email, err := checkEmail(l, w); err != nil {
			invalid = append(invalid, strconv.Quote(w))
			if invalidErr == nil {
				invalidErr = err
			}
		} else {
			emails = append(emails, email)
		}
	}
	if n := len(emails) + len(invalid); n > maxInvites {
		return nil, model.UsageErr(l, msgInviteTooMany, catalog.Vars{"Max": maxInvites, "Count": n})
	}
	if role == model.RoleAdmin && req.Caller.Role != model.RoleAdmin {
		return nil, adminInvitationError(l)
	}
	if len(emails) == 0 {
		if len(invalid) == 1 {
			return nil, invalidErr
		}
		return nil, model.UsageErr(l, msgInviteNoneValid, catalog.Vars{"Invalid": strings.Join(invalid, ", ")})
	}
	chatUsers := h.chatUsersByEmail(ctx, req, emails)
	out, err := h.store.CreateInvitations(ctx, h.inviteParams(req, "", role, nil), emails, chatUsers)
	if errors.Is(err, storage.ErrAdminInvitation) {
		return nil, adminInvitationError(l)
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 1 && len(invalid) == 0 {
		return h.invitedOne(req, out[0], chatUsers[out[0].Email])
	}
	return h.invitedMany(ctx, req, role, out, invalid)
}

// lookupBudget bounds the time spent finding chat users by email before the
// invitations are written: an address not looked up in time is invited by
// email only, and linked when its person first talks to learnbot.
const lookupBudget = 4 * time.Second

// chatUsersByEmail asks the platform who has each address, a few at a time.
func (h *Handlers) chatUsersByEmail(ctx context.Context, req *bot.Request, emails []string) map[string]*model.User {
	found := map[string]*model.User{}
	if req.Directory == nil {
		return found
	}
	ctx, cancel := context.WithTimeout(ctx, lookupBudget)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, 4)
	for _, email := range emails {
		wg.Go(func() {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				return
			}
			u, err := req.Directory.UserByEmail(ctx, email)
			switch {
			case err == nil:
				mu.Lock()
				found[email] = u
				mu.Unlock()
			case !errors.Is(err, model.ErrNoUser):
				// The invitation works without the link to a chat user.
				h.log.Warn("user lookup by email failed", "platform", req.Platform, "workspace", req.Workspace, "error", err)
			}
		})
	}
	wg.Wait()
	return found
}

// invitedOne is the reply to inviting one address.
func (h *Handlers) invitedOne(req *bot.Request, o storage.InviteOutcome, chatUser *model.User) (*bot.Reply, error) {
	switch {
	case o.Pending != nil:
		r := bot.Say(req.Lang, msgInvitePending, catalog.Vars{"Email": o.Email, "Role": o.Pending.Role, "Count": o.Pending.SendCount})
		r.Buttons = []bot.Button{reinviteButton(*o.Pending, req.Lang.Say(msgInviteAgain, nil))}
		return r, nil
	case o.Active:
		return nil, activeError(req, o.Email)
	}
	return &bot.Reply{Text: h.sentText(req, o.Invited, chatUser)}, nil
}

// invitedMany sums up inviting several addresses: who was invited, who is
// already active, which addresses are invalid, and each one already pending
// with its Invite again button (last: a platform short of room leaves out
// items from the end).
func (h *Handlers) invitedMany(ctx context.Context, req *bot.Request, role model.Role, out []storage.InviteOutcome, invalid []string) (*bot.Reply, error) {
	l := req.Lang
	var invited, active []string
	var fresh []storage.InviteOutcome
	var pending []storage.Invitation
	var links []bot.Item
	dms := 0
	for _, o := range out {
		switch {
		case o.Pending != nil:
			pending = append(pending, *o.Pending)
		case o.Active:
			active = append(active, o.Email)
		default:
			invited = append(invited, o.Email)
			fresh = append(fresh, o)
			links = append(links, bot.Item{Text: l.Say(msgInviteManyLink, catalog.Vars{"Email": o.Email, "Role": role,
				"Until": l.DateTime(o.Invited.Invitation.ExpiresAt)}), Link: o.Invited.Link})
			if o.Invited.DM {
				dms++
			}
		}
	}
	r := bot.Say(l, msgInviteSummary, catalog.Vars{"Count": len(out) + len(invalid), "Invited": len(invited),
		"Pending": len(pending), "Active": len(active), "Invalid": len(invalid)})
	switch {
	case len(invited) > 0 && h.cfg.EmailEnabled:
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgInviteManyInvited, catalog.Vars{"Role": role, "Names": strings.Join(invited, ", ")})})
	case len(invited) > 0:
		r.Items = append(r.Items, links[:min(len(links), inviteLinkRows)]...)
	}
	var csvLink string
	if len(links) > inviteLinkRows && !h.cfg.EmailEnabled {
		// The tokens are stored hashed: links that do not fit the reply
		// would be lost but for this CSV.
		token, until, err := h.store.CreateSealedReport(ctx, req.Caller.WorkspaceID, req.Caller.PersonID, linksCSV(role, fresh))
		if err != nil {
			return nil, err
		}
		csvLink = l.Say(msgInviteManyCSV, catalog.Vars{"Count": len(links), "Shown": inviteLinkRows,
			"Link": h.cfg.PublicURL + "/reports/" + token + ".csv", "Until": l.DateTime(until)})
	}
	if len(active) > 0 {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgInviteManyActive, catalog.Vars{"Names": strings.Join(active, ", ")})})
	}
	if len(invalid) > 0 {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgInviteManyInvalid, catalog.Vars{"Names": strings.Join(invalid, ", ")})})
	}
	for _, inv := range pending {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgInviteManyPending, catalog.Vars{"Email": inv.Email, "Role": inv.Role}),
			Buttons: []bot.Button{reinviteButton(inv, l.Say(msgInviteAgainEmail, catalog.Vars{"Email": inv.Email}))}})
	}
	var footer []string
	switch {
	case len(invited) > 0 && h.cfg.EmailEnabled:
		footer = append(footer, l.Say(msgInviteHint, catalog.Vars{"From": h.cfg.MailFrom, "Again": req.Slash("invite again"), "Email": "<email>"}))
	case len(invited) > 0:
		footer = append(footer, l.Say(msgInviteManyNoEmail, nil))
	}
	if csvLink != "" {
		footer = append(footer, csvLink)
	}
	if dms > 0 {
		footer = append(footer, l.Say(msgInviteManyDMs, catalog.Vars{"Count": dms}))
	}
	r.Footer = strings.Join(footer, "\n")
	return r, nil
}

// inviteLinkRows bounds the new links a reply lists; with more, the reply
// links a CSV of them all. Ten stay within Discord's 2,000 characters.
const inviteLinkRows = 10

// linksCSV is the CSV of new invitations' links: stable column names, and
// cells a spreadsheet would run as formulas neutralised.
func linksCSV(role model.Role, invited []storage.InviteOutcome) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true // RFC 4180
	_ = w.Write([]string{"email", "role", "link", "expires"})
	for _, o := range invited {
		_ = w.Write([]string{csvCell(o.Email), string(role), o.Invited.Link, o.Invited.Invitation.ExpiresAt.UTC().Format(time.RFC3339)})
	}
	w.Flush()
	return b.Bytes()
}

// csvCell neutralises text a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (h *Handlers) inviteParams(req *bot.Request, email string, role model.Role, chatUser *model.User) storage.InviteParams {
	return storage.InviteParams{WorkspaceID: req.Caller.WorkspaceID, Email: email, Role: role, InvitedBy: req.Caller.PersonID,
		ByRole: req.Caller.Role, TTL: h.cfg.InvitationTTL, PublicURL: h.cfg.PublicURL, ChatUser: chatUser, Send: h.cfg.EmailEnabled}
}

// sentText is the reply to a new invitation or a new link.
func (h *Handlers) sentText(req *bot.Request, res *storage.InviteResult, chatUser *model.User) string {
	inv := res.Invitation
	l := req.Lang
	vars := catalog.Vars{"Email": inv.Email, "Role": inv.Role, "Until": l.DateTime(inv.ExpiresAt), "Link": res.Link,
		"From": h.cfg.MailFrom, "Again": req.Slash("invite again")}
	var lines []string
	if h.cfg.EmailEnabled {
		lines = append(lines, l.Say(msgInviteSent, vars), l.Say(msgInviteHint, vars))
	} else {
		lines = append(lines, l.Say(msgInviteLink, vars))
	}
	if chatUser != nil {
		lines = append(lines, l.Say(msgInviteLinked, catalog.Vars{"Name": chatUser.Name}))
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
		return bot.Say(req.Lang, msgInviteListNone, nil), nil
	}
	l := req.Lang
	r := bot.Say(l, msgInviteListHeading, catalog.Vars{"Count": len(list)})
	now := h.store.Now()
	for _, inv := range list {
		it := bot.Item{Text: l.Say(msgInviteListItem, catalog.Vars{"Email": inv.Email, "Role": inv.Role, "Count": inv.SendCount})}
		if inv.LastSentAt != nil {
			it.Fields = append(it.Fields, bot.Field{Label: l.Say(msgInviteListLast, nil), Value: l.DateTime(*inv.LastSentAt)})
		}
		if !now.Before(inv.ExpiresAt) {
			it.Fields = append(it.Fields, bot.Field{Value: l.Say(msgInviteListExpired, nil)})
		}
		if inv.LastError != nil {
			it.Fields = append(it.Fields, bot.Field{Label: l.Say(msgInviteListFailure, nil), Value: model.ReasonText(l, *inv.LastError)})
		}
		label := l.Say(msgInviteAgain, nil)
		if len(list) > 1 {
			label = l.Say(msgInviteAgainEmail, catalog.Vars{"Email": inv.Email})
		}
		it.Buttons = []bot.Button{reinviteButton(inv, label)}
		r.Items = append(r.Items, it)
	}
	return r, nil
}

func (h *Handlers) inviteAgain(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, model.UsageErr(req.Lang, msgOneEmail, nil)
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
		return nil, model.Err(req.Lang, msgReinviteNone, catalog.Vars{"Email": email, "Invite": req.Slash("invite")})
	}
	if errors.Is(err, storage.ErrAdminInvitation) {
		return nil, adminInvitationError(req.Lang)
	}
	if errors.Is(err, storage.ErrActive) {
		return nil, activeError(req, email)
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
		return nil, model.Err(req.Lang, msgNotOurs, nil)
	}
	inv, err := h.store.InvitationByID(ctx, req.Caller.WorkspaceID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(req.Lang, msgInvitationMissing, nil)
	}
	if err != nil {
		return nil, err
	}
	if inv.Status != storage.InvitationPending {
		return nil, model.Err(req.Lang, msgInvitationStatus, catalog.Vars{"Email": inv.Email, "Status": invitationStatus(req.Lang, inv.Status),
			"List": req.Slash("invite list")})
	}
	return h.reinvite(ctx, req, inv.Email)
}

func (h *Handlers) inviteRevoke(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, model.UsageErr(req.Lang, msgOneEmail, nil)
	}
	email, err := checkEmail(req.Lang, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	switch err := h.store.RevokeInvitation(ctx, req.Caller.WorkspaceID, email, req.Caller.PersonID, req.Caller.Role); {
	case errors.Is(err, storage.ErrNotFound):
		return nil, model.Err(req.Lang, msgRevokeNone, catalog.Vars{"Email": email})
	case errors.Is(err, storage.ErrAdminInvitation):
		return nil, adminInvitationError(req.Lang)
	case err != nil:
		return nil, err
	}
	return bot.Say(req.Lang, msgRevoked, catalog.Vars{"Email": email}), nil
}

// activeError refuses to invite an active member: their role changes only
// through role (DESIGN section 4).
func activeError(req *bot.Request, email string) error {
	return model.Err(req.Lang, msgInviteActive, catalog.Vars{"Email": email, "Command": req.Slash("role")})
}

// adminInvitationError refuses a guide who creates, re-sends or revokes an
// admin invitation (DESIGN section 2).
func adminInvitationError(l catalog.Lang) error {
	return &model.UserError{Forbidden: true, Msg: l.Say(msgAdminInvitation, nil)}
}

// invitationStatus names an invitation's status.
func invitationStatus(l catalog.Lang, status string) string {
	m, ok := map[string]*catalog.Message{
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
		return nil, model.Err(req.Lang, msgNotOurs, nil)
	}
	page, err := h.store.AcceptInvitationByID(ctx, req.Caller.WorkspaceID, id, req.Caller.PersonID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, model.Err(req.Lang, msgAcceptNotYours, nil)
	case errors.Is(err, storage.ErrGone) && page != nil:
		return nil, model.Err(req.Lang, msgAcceptGone, catalog.Vars{"Status": invitationStatus(req.Lang, page.Status), "Role": req.Caller.Role})
	case err != nil:
		return nil, err
	}
	r := bot.Say(req.Lang, msgAcceptWelcome, catalog.Vars{"Workspace": workspaceName(req.Lang, page.WorkspaceName), "Role": page.Role,
		"Tasks": req.Slash("tasks")})
	r.Replace = true
	return r, nil
}

func workspaceName(l catalog.Lang, name string) string {
	if name == "" {
		return l.Say(msgThisWorkspace, nil)
	}
	return name
}

// InvitationDM is the DM that invites a chat user found by their email (the
// queue delivers it), with an Accept button ("accept:<invitation id>").
func (h *Handlers) InvitationDM(ctx context.Context, inv *storage.InvitationChat) (bot.Message, error) {
	l := inv.PersonLang.Or(h.cfg.Language)
	text := l.Say(msgInvitationDM, catalog.Vars{"Inviter": inv.InviterName, "Workspace": workspaceName(l, inv.WorkspaceName),
		"Role": inv.Role}) + "\n" + l.Say(msgInvitationDMAccept, catalog.Vars{"Until": l.DateTime(inv.ExpiresAt)})
	to := model.User{Name: inv.Name}
	if inv.ChatID != nil {
		to.ID = *inv.ChatID
	}
	return bot.Message{Platform: inv.Platform, Workspace: inv.Workspace, To: to,
		Reply: bot.Reply{Text: text, Lang: l, Buttons: []bot.Button{{Label: l.Say(msgAccept, nil),
			ID: actionAccept + ":" + strconv.FormatInt(inv.ID, 10), Style: bot.StylePrimary}}}}, nil
}

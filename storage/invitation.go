package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// Errors of inviting.
var (
	ErrPending = errors.New("storage: invitation already pending")
	ErrActive  = errors.New("storage: already an active member")
	// ErrAdminInvitation refuses a non-admin who creates, re-sends or
	// revokes an admin invitation.
	ErrAdminInvitation = errors.New("storage: only admins may handle admin invitations")
)

// InviteParams describes an invitation to create or send again.
type InviteParams struct {
	WorkspaceID int64
	Email       string
	Role        model.Role
	InvitedBy   int64
	ByRole      model.Role // the granted role of who invites: only admins handle admin invitations
	TTL         time.Duration
	PublicURL   string      // the link is PublicURL/invite/<token>
	ChatUser    *model.User // the platform user with this address, if the platform found one
	Send        bool        // queue the invitation email
}

// InviteResult is a new invitation and its secret link (shown once).
type InviteResult struct {
	Invitation Invitation
	Link       string
	// DM says the invited person is a chat user: they get the invitation in
	// a DM with an Accept button.
	DM bool
}

const invitationColumns = `i.id, i.workspace_id, i.email, i.role, i.invited_by, i.person_id, i.token_hash, i.status,
	i.send_count, i.last_sent_at, i.last_error, i.expires_at, i.created_at, i.accepted_at`

// CreateInvitation invites an address. An address with a pending invitation
// is ErrPending (the pending one is returned); an active person's address is
// ErrActive. The email job is queued in the same transaction.
func (s *Store) CreateInvitation(ctx context.Context, p InviteParams) (*InviteResult, error) {
	out, err := s.CreateInvitations(ctx, p, []string{p.Email}, map[string]*model.User{normalizeEmail(p.Email): p.ChatUser})
	switch {
	case err != nil:
		return nil, err
	case out[0].Pending != nil:
		return &InviteResult{Invitation: *out[0].Pending}, fmt.Errorf("storage: create invitation: %w", ErrPending)
	case out[0].Active:
		return nil, fmt.Errorf("storage: create invitation: %w", ErrActive)
	}
	return out[0].Invited, nil
}

// InviteOutcome is what inviting one address did: a new invitation, or
// nothing because one is pending already or the address is an active
// member's.
type InviteOutcome struct {
	Email   string
	Invited *InviteResult
	Pending *Invitation
	Active  bool
}

// CreateInvitations invites each address on its own (as CreateInvitation
// would) in one transaction, with the role and inviter of p; chatUsers are
// the platform users found for some addresses. Each new invitation queues its
// own email (and DM) and records its own event: each is a subject of the
// history. An address given twice is handled once.
func (s *Store) CreateInvitations(ctx context.Context, p InviteParams, emails []string, chatUsers map[string]*model.User) ([]InviteOutcome, error) {
	if p.Role == model.RoleAdmin && p.ByRole != model.RoleAdmin {
		return nil, fmt.Errorf("storage: create invitations: %w", ErrAdminInvitation)
	}
	// Addresses are written in sorted order, so that two commands naming
	// the same ones cannot deadlock; the outcomes keep the order given.
	var order []string
	seen := map[string]bool{}
	for _, email := range emails {
		if email = normalizeEmail(email); !seen[email] {
			seen[email] = true
			order = append(order, email)
		}
	}
	sorted := slices.Sorted(slices.Values(order))
	byEmail := map[string]InviteOutcome{}
	// Two commands inviting one address at once both find nobody, and the
	// second insert breaks a unique index (people's email, the pending
	// invitation's address): run again, and the address is found pending.
	err := s.retryUnique(ctx, func(tx *sqlx.Tx) error {
		clear(byEmail)
		for _, email := range sorted {
			q := p
			q.Email, q.ChatUser = email, chatUsers[email]
			o, err := s.inviteOne(ctx, tx, q)
			if err != nil {
				return fmt.Errorf("%s: %w", email, err)
			}
			byEmail[email] = o
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: create invitations: %w", err)
	}
	out := make([]InviteOutcome, len(order))
	for i, email := range order {
		out[i] = byEmail[email]
	}
	return out, nil
}

// uniqueRetries bounds how often retryUnique runs a transaction again.
const uniqueRetries = 3

// retryUnique runs f in a transaction, and again when a concurrent one
// broke a unique index first: the next run reads what it wrote.
func (s *Store) retryUnique(ctx context.Context, f func(tx *sqlx.Tx) error) error {
	for i := 0; ; i++ {
		err := s.tx(ctx, f)
		if !isUnique(err) || i == uniqueRetries {
			return err
		}
	}
}

// inviteOne invites one address inside a batch's transaction.
func (s *Store) inviteOne(ctx context.Context, tx *sqlx.Tx, p InviteParams) (InviteOutcome, error) {
	o := InviteOutcome{Email: p.Email}
	// An active member is told so even when an invitation of theirs is
	// still stored as pending: it must not be offered to them again, as
	// accepting it would change their role (only role does that).
	var active int
	err := tx.GetContext(ctx, &active, s.q(`SELECT count(*) FROM people
		WHERE workspace_id = ? AND status = 'active' AND (email = ? OR chat_id = ?)`), p.WorkspaceID, p.Email, chatIDOf(p.ChatUser))
	if err != nil {
		return o, err
	}
	if active > 0 {
		if _, _, err := s.invitedPerson(ctx, tx, p); err != nil && !errors.Is(err, ErrActive) {
			return o, err // an active chat user gets the address they were found by
		}
		o.Active = true
		return o, nil
	}
	var pending Invitation
	err = tx.GetContext(ctx, &pending, s.q(`SELECT `+invitationColumns+` FROM invitations i
		WHERE i.workspace_id = ? AND i.email = ? AND i.status = 'pending'`), p.WorkspaceID, p.Email)
	if err == nil {
		o.Pending = &pending
		return o, nil
	}
	if err = notFound(err); err != ErrNotFound {
		return o, err
	}
	personID, onChat, err := s.invitedPerson(ctx, tx, p)
	if errors.Is(err, ErrActive) {
		o.Active = true
		return o, nil
	}
	if err != nil {
		return o, err
	}
	if o.Invited, err = s.insertInvitation(ctx, tx, p, personID, 0, onChat); err != nil {
		return o, err
	}
	return o, s.recordInvitation(ctx, tx, EventInvite, p.InvitedBy, &o.Invited.Invitation)
}

// invitedPerson finds or creates the person an invitation is for, and says
// whether they are on chat (linked to a platform user). The invited role is
// kept on the invitation only: the person stays a learner until they accept.
func (s *Store) invitedPerson(ctx context.Context, tx *sqlx.Tx, p InviteParams) (int64, bool, error) {
	var person Person
	err := tx.GetContext(ctx, &person, s.q(`SELECT `+personColumns+` FROM people p WHERE p.workspace_id = ? AND p.email = ?`),
		p.WorkspaceID, p.Email)
	if err == nil && person.Status == StatusActive {
		return 0, false, ErrActive
	}
	if err == nil {
		return person.ID, person.ChatID != nil, nil
	}
	if err = notFound(err); err != ErrNotFound {
		return 0, false, err
	}
	if p.ChatUser != nil {
		// The platform knows this address: link the chat user.
		err := tx.GetContext(ctx, &person, s.q(`SELECT `+personColumns+` FROM people p WHERE p.workspace_id = ? AND p.chat_id = ?`),
			p.WorkspaceID, p.ChatUser.ID)
		if err == nil {
			if person.Status == StatusActive {
				_, err = tx.ExecContext(ctx, s.q(`UPDATE people SET email = ? WHERE id = ? AND email IS NULL`), p.Email, person.ID)
				if err != nil {
					return 0, false, err
				}
				return 0, false, ErrActive
			}
			return person.ID, true, nil
		}
		if err = notFound(err); err != ErrNotFound {
			return 0, false, err
		}
	}
	var chatID *string
	name := p.Email
	if p.ChatUser != nil {
		chatID = &p.ChatUser.ID
		if n := plainText(p.ChatUser.Name); n != "" {
			name = n
		}
	}
	var id int64
	err = tx.GetContext(ctx, &id, s.q(`INSERT INTO people (workspace_id, role, status, email, display_name, chat_id, created_at)
		VALUES (?, 'learner', 'invited', ?, ?, ?, ?) RETURNING id`), p.WorkspaceID, p.Email, name, chatID, s.now())
	return id, chatID != nil, err
}

func (s *Store) insertInvitation(ctx context.Context, tx *sqlx.Tx, p InviteParams, personID int64, sendCount int, onChat bool) (*InviteResult, error) {
	token, hash := newToken()
	now := s.now()
	inv := Invitation{WorkspaceID: p.WorkspaceID, Email: p.Email, Role: p.Role, InvitedBy: p.InvitedBy, PersonID: personID,
		TokenHash: hash, Status: InvitationPending, SendCount: sendCount, ExpiresAt: now.Add(p.TTL), CreatedAt: now}
	err := tx.GetContext(ctx, &inv.ID, s.q(`INSERT INTO invitations (workspace_id, email, role, invited_by, person_id, token_hash,
		status, send_count, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`),
		inv.WorkspaceID, inv.Email, inv.Role, inv.InvitedBy, inv.PersonID, inv.TokenHash, inv.SendCount, inv.ExpiresAt, inv.CreatedAt)
	if err != nil {
		return nil, err
	}
	res := &InviteResult{Invitation: inv, Link: inviteLink(p.PublicURL, token), DM: onChat}
	if p.Send && s.outbox != nil {
		// The email job mints the link it sends (MintInvitationLink): no
		// raw token waits in the job's arguments, and the one made here,
		// never shown, is forgotten.
		res.Link = ""
		if err := s.outbox.QueueInvitationEmail(ctx, tx.Tx, inv.ID, p.PublicURL); err != nil {
			return nil, err
		}
	}
	if onChat && s.outbox != nil {
		if err := s.outbox.QueueInvitationDM(ctx, tx.Tx, inv.ID); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Reinvite replaces the pending (or expired) invitation of an address with
// a new link; the old link then answers "superseded". The role stays unless
// p.Role is set. An address whose person is active is ErrActive: accepting
// would change their role, which only role does.
func (s *Store) Reinvite(ctx context.Context, p InviteParams) (*InviteResult, error) {
	p.Email = normalizeEmail(p.Email)
	var res *InviteResult
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		old, person, err := s.lockInvitation(ctx, tx, p.WorkspaceID, p.Email, `'pending', 'expired'`)
		if err != nil {
			return err
		}
		if person.Status == StatusActive {
			return ErrActive
		}
		if p.Role == "" {
			p.Role = old.Role
		}
		if (old.Role == model.RoleAdmin || p.Role == model.RoleAdmin) && p.ByRole != model.RoleAdmin {
			return ErrAdminInvitation
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE invitations SET status = 'superseded' WHERE id = ?`), old.ID); err != nil {
			return err
		}
		if res, err = s.insertInvitation(ctx, tx, p, old.PersonID, old.SendCount, person.ChatID != nil); err != nil {
			return err
		}
		return s.recordInvitation(ctx, tx, EventInviteAgain, p.InvitedBy, &res.Invitation)
	})
	if err != nil {
		return nil, fmt.Errorf("storage: reinvite: %w", err)
	}
	return res, nil
}

// lockInvitation finds the latest invitation of an address in one of the
// statuses (an SQL list) and locks its person, then the invitation. The
// person is locked first, as accepting does: two commands on one address
// queue on the person, and the one that waited reads the invitation anew,
// so it finds the link the other made rather than the one it replaced.
func (s *Store) lockInvitation(ctx context.Context, tx *sqlx.Tx, wsID int64, email, statuses string) (*Invitation, *Person, error) {
	query := s.q(`SELECT ` + invitationColumns + ` FROM invitations i
		WHERE i.workspace_id = ? AND i.email = ? AND i.status IN (` + statuses + `)
		ORDER BY i.created_at DESC, i.id DESC LIMIT 1`)
	var inv Invitation
	if err := tx.GetContext(ctx, &inv, query, wsID, email); err != nil {
		return nil, nil, notFound(err)
	}
	person, err := s.lockPerson(ctx, tx, frag(`p.id = ?`, inv.PersonID))
	if err != nil {
		return nil, nil, err
	}
	if err := tx.GetContext(ctx, &inv, query+s.forUpdate(), wsID, email); err != nil {
		return nil, nil, notFound(err)
	}
	return &inv, person, nil
}

// RevokeInvitation withdraws the pending invitation of an address for actor;
// only an admin (by, the actor's role) may withdraw an admin invitation.
func (s *Store) RevokeInvitation(ctx context.Context, wsID int64, email string, actorID int64, by model.Role) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		inv, _, err := s.lockInvitation(ctx, tx, wsID, normalizeEmail(email), `'pending'`)
		if err != nil {
			return err
		}
		if inv.Role == model.RoleAdmin && by != model.RoleAdmin {
			return ErrAdminInvitation
		}
		if _, err = tx.ExecContext(ctx, s.q(`UPDATE invitations SET status = 'revoked' WHERE id = ?`), inv.ID); err != nil {
			return err
		}
		return s.recordInvitation(ctx, tx, EventRevoke, actorID, inv)
	})
	if err != nil {
		return fmt.Errorf("storage: revoke invitation: %w", err)
	}
	return nil
}

// PendingInvitations lists the workspace's pending invitations, oldest first.
func (s *Store) PendingInvitations(ctx context.Context, wsID int64) ([]Invitation, error) {
	var out []Invitation
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+invitationColumns+` FROM invitations i
		WHERE i.workspace_id = ? AND i.status = 'pending' ORDER BY i.created_at, i.id`), wsID)
	if err != nil {
		return nil, fmt.Errorf("storage: pending invitations: %w", err)
	}
	return out, nil
}

// InvitationByID loads an invitation of the workspace.
func (s *Store) InvitationByID(ctx context.Context, wsID, id int64) (*Invitation, error) {
	var inv Invitation
	err := s.db.GetContext(ctx, &inv, s.q(`SELECT `+invitationColumns+` FROM invitations i WHERE i.workspace_id = ? AND i.id = ?`), wsID, id)
	if err != nil {
		return nil, fmt.Errorf("storage: invitation: %w", notFound(err))
	}
	return &inv, nil
}

const invitationPage = `SELECT ` + invitationColumns + `, w.name AS workspace_name, b.display_name AS inviter_name
	FROM invitations i JOIN workspaces w ON w.id = i.workspace_id JOIN people b ON b.id = i.invited_by`

// InvitationByToken finds the invitation behind a link. A pending one past
// its expiry reports status "expired".
func (s *Store) InvitationByToken(ctx context.Context, token string) (*InvitationPage, error) {
	page, err := s.invitationByToken(ctx, s.db, token, "")
	if err != nil {
		return nil, fmt.Errorf("storage: invitation by token: %w", err)
	}
	return page, nil
}

func (s *Store) invitationByToken(ctx context.Context, q sqlx.QueryerContext, token, lock string) (*InvitationPage, error) {
	hash := hashToken(token)
	var page InvitationPage
	if err := sqlx.GetContext(ctx, q, &page, s.q(invitationPage+` WHERE i.token_hash = ?`+lock), hash); err != nil {
		return nil, notFound(err)
	}
	// The index found the row; compare again in constant time all the same.
	if subtle.ConstantTimeCompare(page.TokenHash, hash) != 1 {
		return nil, ErrNotFound
	}
	if page.Status == InvitationPending && !s.now().Before(page.ExpiresAt) {
		page.Status = InvitationExpired
	}
	return &page, nil
}

// AcceptInvitation accepts a pending invitation once and activates the
// person with the invited role. One that is no longer pending returns its
// page and ErrGone.
func (s *Store) AcceptInvitation(ctx context.Context, token string) (*InvitationPage, error) {
	var page *InvitationPage
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if page, err = s.invitationByToken(ctx, tx, token, ""); err != nil {
			return err
		}
		// The person first, then the invitation, as Reinvite locks them.
		person, err := s.lockPerson(ctx, tx, frag(`p.id = ?`, page.PersonID))
		if err != nil {
			return err
		}
		if page, err = s.invitationByToken(ctx, tx, token, s.forUpdate()); err != nil {
			return err
		}
		if err := s.accept(ctx, tx, page, person); err != nil {
			return err
		}
		page.JoinCode, err = s.newJoinCode(ctx, tx, page)
		return err
	})
	if err != nil {
		return page, fmt.Errorf("storage: accept invitation: %w", err)
	}
	return page, nil
}

// AcceptInvitationByID accepts a pending invitation of the workspace for the
// person it invites (the Accept button of the invitation DM). Anyone else
// gets ErrNotFound; an invitation no longer pending, its page and ErrGone.
func (s *Store) AcceptInvitationByID(ctx context.Context, wsID, id, personID int64) (*InvitationPage, error) {
	var page InvitationPage
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		// The person first, then the invitation, as Reinvite locks them.
		person, err := s.lockPerson(ctx, tx, frag(`p.workspace_id = ? AND p.id = ?`, wsID, personID))
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &page, s.q(invitationPage+` WHERE i.workspace_id = ? AND i.id = ? AND i.person_id = ?`+s.forUpdate()),
			wsID, id, personID)
		if err != nil {
			return notFound(err)
		}
		if page.Status == InvitationPending && !s.now().Before(page.ExpiresAt) {
			page.Status = InvitationExpired
		}
		return s.accept(ctx, tx, &page, person)
	})
	if err != nil {
		if page.ID == 0 {
			return nil, fmt.Errorf("storage: accept invitation: %w", err)
		}
		return &page, fmt.Errorf("storage: accept invitation: %w", err)
	}
	return &page, nil
}

// accept marks a pending invitation accepted and gives its person the
// invited role; the page and the person were read under lock. A person
// already active keeps their role (only role changes it: an invitation
// left pending from before they became active must not give an admin's
// role back, or take it away); the page then shows the role they have.
func (s *Store) accept(ctx context.Context, tx *sqlx.Tx, page *InvitationPage, person *Person) error {
	if page.Status != InvitationPending {
		return ErrGone
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE invitations SET status = 'accepted', accepted_at = ? WHERE id = ?`), now, page.ID); err != nil {
		return err
	}
	if person.Status == StatusActive {
		page.Role = person.Role
	} else if _, err := tx.ExecContext(ctx, s.q(`UPDATE people SET status = 'active', role = ? WHERE id = ?`), page.Role, page.PersonID); err != nil {
		return err
	}
	page.Status, page.AcceptedAt = InvitationAccepted, &now
	return s.recordInvitation(ctx, tx, EventAccept, page.PersonID, &page.Invitation)
}

// recordInvitation records a change of an invitation by actor; the event
// names the invited person, so that it shows in their history.
func (s *Store) recordInvitation(ctx context.Context, tx *sqlx.Tx, kind string, actorID int64, inv *Invitation) error {
	return s.record(ctx, tx, Event{WorkspaceID: inv.WorkspaceID, ActorID: ref(actorID), Kind: kind,
		PersonID: ref(inv.PersonID), InvitationID: ref(inv.ID), Count: 1,
		Details: EventDetails{Email: inv.Email, Role: string(inv.Role)}})
}

// MintInvitationLink gives a pending invitation a new secret token, keeps
// its hash, and returns the link PublicURL/invite/<token>: the invitation
// email is sent with it at once, so the raw token is never stored. An
// invitation no longer pending is ErrGone. A link minted before stops
// working (an email that failed, or that went out just before a retry).
func (s *Store) MintInvitationLink(ctx context.Context, id int64, publicURL string) (string, error) {
	token, hash := newToken()
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE invitations SET token_hash = ? WHERE id = ? AND status = 'pending'`), hash, id)
	if err != nil {
		return "", fmt.Errorf("storage: mint invitation link: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", fmt.Errorf("storage: mint invitation link: %w", ErrGone)
	}
	return inviteLink(publicURL, token), nil
}

func chatIDOf(u *model.User) *string {
	if u == nil {
		return nil
	}
	return &u.ID
}

func inviteLink(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/invite/" + token
}

// InvitationEmail loads what the invitation email shows.
func (s *Store) InvitationEmail(ctx context.Context, id int64) (*InvitationPage, error) {
	var page InvitationPage
	if err := s.db.GetContext(ctx, &page, s.q(invitationPage+` WHERE i.id = ?`), id); err != nil {
		return nil, fmt.Errorf("storage: invitation email: %w", notFound(err))
	}
	return &page, nil
}

// InvitationChat is an invitation with where its person is on chat: what
// the invitation DM needs.
type InvitationChat struct {
	InvitationPage
	Platform  string  `db:"platform"`
	Workspace string  `db:"external_id"`
	ChatID    *string `db:"chat_id"`
	Name      string  `db:"person_name"`
	// PersonLang is the invitee's language, theirs or their platform's;
	// empty: neither is known.
	PersonLang catalog.Lang `db:"person_lang"`
}

// InvitationDM loads the invitation DM of an invitation. A pending one past
// its expiry reports status "expired".
func (s *Store) InvitationDM(ctx context.Context, id int64) (*InvitationChat, error) {
	var v InvitationChat
	err := s.db.GetContext(ctx, &v, s.q(`SELECT `+invitationColumns+`, w.name AS workspace_name, b.display_name AS inviter_name,
		w.platform, w.external_id, p.chat_id, p.display_name AS person_name,
		COALESCE(p.language, p.platform_language, '') AS person_lang
		FROM invitations i JOIN workspaces w ON w.id = i.workspace_id JOIN people b ON b.id = i.invited_by
		JOIN people p ON p.id = i.person_id WHERE i.id = ?`), id)
	if err != nil {
		return nil, fmt.Errorf("storage: invitation dm: %w", notFound(err))
	}
	if v.Status == InvitationPending && !s.now().Before(v.ExpiresAt) {
		v.Status = InvitationExpired
	}
	return &v, nil
}

// InvitationSent records a delivered email.
func (s *Store) InvitationSent(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE invitations SET send_count = send_count + 1, last_sent_at = ?, last_error = NULL
		WHERE id = ?`), s.now(), id)
	if err != nil {
		return fmt.Errorf("storage: invitation sent: %w", err)
	}
	return nil
}

// InvitationFailed records why an email could not be delivered.
func (s *Store) InvitationFailed(ctx context.Context, id int64, reason string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE invitations SET last_error = ? WHERE id = ?`), reason, id)
	if err != nil {
		return fmt.Errorf("storage: invitation failed: %w", err)
	}
	return nil
}

// newToken makes a 256-bit link token and its hash.
func newToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

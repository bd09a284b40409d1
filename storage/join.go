package storage

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrLinked is returned by Join when the invited person is linked to a chat
// account already.
var ErrLinked = errors.New("storage: already linked")

// ErrHasHistory is returned by Join when the chat account already has
// tasks, groups or history of its own: linking would hide them.
var ErrHasHistory = errors.New("storage: account has its own history")

// joinCodeTTL is how long a join code works.
const joinCodeTTL = 7 * 24 * time.Hour

// joinAlphabet has no letters or digits that read alike (0/O, 1/I/L).
const joinAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// joinPlatforms are the platforms that give learnbot no email to match
// an invitation with: someone who accepts on the page gets a join code.
var joinPlatforms = map[string]bool{"discord": true, "matrix": true}

// newJoinCode writes a join code for the person accepted on the page and
// returns it, or "" when the platform matches emails itself or the person
// is linked already.
func (s *Store) newJoinCode(ctx context.Context, tx *sqlx.Tx, page *InvitationPage) (string, error) {
	var w struct {
		Platform string  `db:"platform"`
		ChatID   *string `db:"chat_id"`
	}
	err := tx.GetContext(ctx, &w, s.q(`SELECT w.platform, p.chat_id FROM people p JOIN workspaces w ON w.id = p.workspace_id
		WHERE p.id = ?`), page.PersonID)
	if err != nil || !joinPlatforms[w.Platform] || w.ChatID != nil {
		return "", err
	}
	buf := make([]byte, 10)
	_, _ = rand.Read(buf) // crypto/rand.Read never fails
	var b strings.Builder
	for _, c := range buf {
		b.WriteByte(joinAlphabet[int(c)%len(joinAlphabet)])
	}
	code := b.String()
	page.Platform = w.Platform
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO join_codes (code_hash, workspace_id, person_id, expires_at) VALUES (?, ?, ?, ?)`),
		hashToken(code), page.WorkspaceID, page.PersonID, s.now().Add(joinCodeTTL))
	return code, err
}

// Join links the chat account of caller (the person learnbot made of it on
// first contact) to the invited person a join code names, in the same
// workspace: the invited person takes the chat identity, and the caller's
// row, which holds nothing yet, goes. An unknown, used or expired code is
// ErrNotFound; a person linked already ErrLinked; a caller with tasks,
// groups or history of their own ErrHasHistory.
func (s *Store) Join(ctx context.Context, wsID, callerID int64, code string) (*Person, error) {
	var joined *Person
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var target int64
		err := tx.GetContext(ctx, &target, s.q(`SELECT person_id FROM join_codes
			WHERE code_hash = ? AND workspace_id = ? AND used_at IS NULL AND expires_at > ?`+s.forUpdate()),
			hashToken(strings.ToUpper(strings.TrimSpace(code))), wsID, s.now())
		if err != nil {
			return notFound(err)
		}
		caller, err := s.lockPerson(ctx, tx, frag(`p.id = ? AND p.workspace_id = ?`, callerID, wsID))
		if err != nil {
			return err
		}
		person, err := s.lockPerson(ctx, tx, frag(`p.id = ?`, target))
		if err != nil {
			return err
		}
		if person.ChatID != nil {
			return ErrLinked
		}
		var history bool
		err = tx.GetContext(ctx, &history, s.q(`SELECT EXISTS (SELECT 1 FROM assignments WHERE person_id = ?)
			OR EXISTS (SELECT 1 FROM group_members WHERE person_id = ?)
			OR EXISTS (SELECT 1 FROM enrolments WHERE person_id = ?)
			OR EXISTS (SELECT 1 FROM events WHERE person_id = ? OR actor_id = ?)`), caller.ID, caller.ID, caller.ID, caller.ID, caller.ID)
		if err != nil {
			return err
		}
		if history {
			return ErrHasHistory
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM people WHERE id = ?`), caller.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE people SET chat_id = ?, display_name = ?, platform_language = ?, time_zone = ? WHERE id = ?`),
			caller.ChatID, caller.Name, nullString(string(caller.PlatformLanguage)), caller.TimeZone, person.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE join_codes SET used_at = ? WHERE person_id = ? AND used_at IS NULL`), s.now(), person.ID); err != nil {
			return err
		}
		person.ChatID, person.Name, person.PlatformLanguage, person.TimeZone = caller.ChatID, caller.Name, caller.PlatformLanguage, caller.TimeZone
		joined = person
		return s.record(ctx, tx, Event{WorkspaceID: wsID, ActorID: ref(person.ID), Kind: EventJoin, PersonID: ref(person.ID), Count: 1})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: join: %w", err)
	}
	return joined, nil
}

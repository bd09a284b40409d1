package storage

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// Identity is a chat user talking to learnbot.
type Identity struct {
	Platform      string
	Workspace     string // platform's workspace ID
	WorkspaceName string
	User          model.User
	Admin         bool // named in LEARNBOT_ADMINS
}

const personColumns = `p.id, p.workspace_id, p.role, p.status, p.email, p.display_name, p.chat_id, p.created_at,
	COALESCE(p.language, '') AS language, COALESCE(p.platform_language, '') AS platform_language, p.time_zone`

// personByChatSQL finds a person by platform, workspace and chat identity.
const personByChatSQL = `SELECT ` + personColumns + ` FROM people p
	JOIN workspaces w ON w.id = p.workspace_id
	WHERE w.platform = ? AND w.external_id = ? AND p.chat_id = ?`

// PersonByChat finds the person behind a chat user without creating anyone
// (Identify creates): ErrNotFound for a user learnbot has not met.
func (s *Store) PersonByChat(ctx context.Context, platform, workspace, chatID string) (*Person, error) {
	var p Person
	if err := s.getPrepared(ctx, &p, s.q(personByChatSQL), platform, workspace, chatID); err != nil {
		return nil, fmt.Errorf("storage: person by chat: %w", notFound(err))
	}
	return &p, nil
}

// Identify returns the person behind a chat user, creating the workspace and
// an active learner (or admin) on first contact. A person invited by email
// is linked when the platform shares the same address.
func (s *Store) Identify(ctx context.Context, id Identity) (*Person, error) {
	id.User.Name, id.WorkspaceName = plainText(id.User.Name), plainText(id.WorkspaceName)
	var p Person
	err := s.getPrepared(ctx, &p, s.q(personByChatSQL), id.Platform, id.Workspace, id.User.ID)
	if err == nil && p.Status != StatusInvited && (id.User.Name == "" || id.User.Name == p.Name) && (!id.Admin || p.Role == model.RoleAdmin && p.Status == StatusActive) &&
		(id.User.Lang == "" || id.User.Lang == p.PlatformLanguage) && (zoneOf(id.User) == "" || zoneOf(id.User) == p.TimeZone) {
		return &p, nil
	}
	if err = notFound(err); err != nil && err != ErrNotFound {
		return nil, fmt.Errorf("storage: identify: %w", err)
	}
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		wsID, err := s.ensureWorkspace(ctx, tx, id.Platform, id.Workspace, id.WorkspaceName)
		if err != nil {
			return err
		}
		got, err := s.ensurePerson(ctx, tx, wsID, id.User, id.Admin)
		if err != nil {
			return err
		}
		p = *got
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: identify: %w", err)
	}
	return &p, nil
}

// EnsureWorkspace returns the workspace's ID, creating it if needed.
func (s *Store) EnsureWorkspace(ctx context.Context, platform, externalID, name string) (int64, error) {
	name = plainText(name)
	var id int64
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		id, err = s.ensureWorkspace(ctx, tx, platform, externalID, name)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: ensure workspace: %w", err)
	}
	return id, nil
}

// ensureWorkspace reads before it writes: the upsert locks the workspace row
// until commit, which would queue every first contact in the workspace
// behind the one before.
func (s *Store) ensureWorkspace(ctx context.Context, tx *sqlx.Tx, platform, externalID, name string) (int64, error) {
	var w struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	err := tx.GetContext(ctx, &w, s.q(`SELECT id, name FROM workspaces WHERE platform = ? AND external_id = ?`), platform, externalID)
	if err == nil && (name == "" || name == w.Name) {
		return w.ID, nil
	}
	if err = notFound(err); err != nil && err != ErrNotFound {
		return 0, err
	}
	var id int64
	err = tx.GetContext(ctx, &id, s.q(`INSERT INTO workspaces (platform, external_id, name, created_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (platform, external_id) DO UPDATE
		SET name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE workspaces.name END
		RETURNING id`), platform, externalID, name, s.now())
	return id, err
}

// WorkspaceByID loads a workspace.
func (s *Store) WorkspaceByID(ctx context.Context, id int64) (*Workspace, error) {
	var w Workspace
	err := s.db.GetContext(ctx, &w, s.q(`SELECT id, platform, external_id, name, created_at FROM workspaces WHERE id = ?`), id)
	if err != nil {
		return nil, fmt.Errorf("storage: workspace: %w", notFound(err))
	}
	return &w, nil
}

// ensurePerson returns the person behind a chat user in tx: known by chat
// identity (name, platform language and admin status refreshed), an invited
// person linked by email, or a new active learner (or admin).
func (s *Store) ensurePerson(ctx context.Context, tx *sqlx.Tx, wsID int64, u model.User, admin bool) (*Person, error) {
	p, err := s.lockPerson(ctx, tx, frag(`p.workspace_id = ? AND p.chat_id = ?`, wsID, u.ID))
	switch {
	case err == nil:
		return s.refreshPerson(ctx, tx, p, u, admin)
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	email := normalizeEmail(u.Email)
	if email != "" {
		p, err := s.lockPerson(ctx, tx, frag(`p.workspace_id = ? AND p.email = ?`, wsID, email))
		switch {
		case err == nil && p.ChatID == nil:
			return s.linkInvited(ctx, tx, p, u, admin)
		case err == nil:
			email = "" // the address belongs to someone else: keep the new person without it
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
	}
	return s.insertPerson(ctx, tx, wsID, u, email, admin)
}

// lockPerson loads the person where says, locked for the transaction.
func (s *Store) lockPerson(ctx context.Context, tx *sqlx.Tx, where fragment) (*Person, error) {
	var p Person
	q := join(frag(`SELECT `+personColumns+` FROM people p WHERE `), where, frag(s.forUpdate()))
	if err := tx.GetContext(ctx, &p, s.q(q.sql), q.args...); err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// refreshPerson takes the platform's current display name, language and
// time zone and, for someone named in LEARNBOT_ADMINS, makes them an active
// admin. An invited person whose invitation is no longer pending (revoked,
// expired) becomes an active learner: it grants nothing, and they are not
// left invited for ever.
func (s *Store) refreshPerson(ctx context.Context, tx *sqlx.Tx, p *Person, u model.User, admin bool) (*Person, error) {
	name, lang, zone := p.Name, platformLanguage(p, u), timeZone(p, u)
	if u.Name != "" {
		name = u.Name
	}
	role, status := p.Role, p.Status
	if status == StatusInvited {
		invited, err := s.stillInvited(ctx, tx, p.ID)
		if err != nil {
			return nil, err
		}
		if !invited {
			role, status = model.RoleLearner, StatusActive
		}
	}
	if admin {
		role, status = model.RoleAdmin, StatusActive
	}
	if name == p.Name && role == p.Role && status == p.Status && lang == p.PlatformLanguage && zone == p.TimeZone {
		return p, nil
	}
	_, err := tx.ExecContext(ctx, s.q(`UPDATE people SET display_name = ?, role = ?, status = ?, platform_language = ?, time_zone = ? WHERE id = ?`),
		name, role, status, nullString(string(lang)), zone, p.ID)
	if err != nil {
		return nil, err
	}
	if zone != p.TimeZone {
		if err := s.rezoneReminders(ctx, tx, []int64{p.ID}); err != nil {
			return nil, err
		}
	}
	p.Name, p.Role, p.Status, p.PlatformLanguage, p.TimeZone = name, role, status, lang, zone
	return p, nil
}

// linkInvited links someone invited by this address who has not talked to
// us yet, but the address grants nothing. Only accepting the invitation (the
// page's POST or the Accept button) gives its role; until then they are a
// learner, still invited while an invitation is pending. Someone who
// accepted on the page already keeps the role they accepted.
func (s *Store) linkInvited(ctx context.Context, tx *sqlx.Tx, p *Person, u model.User, admin bool) (*Person, error) {
	invited, err := s.stillInvited(ctx, tx, p.ID)
	if err != nil {
		return nil, err
	}
	role, status := model.RoleLearner, StatusActive
	switch {
	case p.Status == StatusActive:
		// Accepted on the invitation page before their first word in
		// chat: the role they accepted stays.
		role = p.Role
	case invited:
		status = StatusInvited
	}
	if admin {
		role, status = model.RoleAdmin, StatusActive
	}
	name, lang, zone := displayName(u), platformLanguage(p, u), timeZone(p, u)
	_, err = tx.ExecContext(ctx, s.q(`UPDATE people SET chat_id = ?, status = ?, display_name = ?, role = ?, platform_language = ?, time_zone = ? WHERE id = ?`),
		u.ID, status, name, role, nullString(string(lang)), zone, p.ID)
	if err != nil {
		return nil, err
	}
	if zone != p.TimeZone {
		if err := s.rezoneReminders(ctx, tx, []int64{p.ID}); err != nil {
			return nil, err
		}
	}
	p.ChatID, p.Status, p.Name, p.Role, p.PlatformLanguage, p.TimeZone = &u.ID, status, name, role, lang, zone
	return p, nil
}

// stillInvited reports whether a person has an invitation they may still
// accept.
func (s *Store) stillInvited(ctx context.Context, tx *sqlx.Tx, personID int64) (bool, error) {
	var pending int
	err := tx.GetContext(ctx, &pending, s.q(`SELECT count(*) FROM invitations
		WHERE person_id = ? AND status = 'pending' AND expires_at > ?`), personID, s.now())
	return pending > 0, err
}

// insertPerson adds a chat user as an active learner (or admin).
func (s *Store) insertPerson(ctx context.Context, tx *sqlx.Tx, wsID int64, u model.User, email string, admin bool) (*Person, error) {
	role := model.RoleLearner
	if admin {
		role = model.RoleAdmin
	}
	var p Person
	err := tx.GetContext(ctx, &p, s.q(`INSERT INTO people (workspace_id, role, status, email, display_name, chat_id, created_at, platform_language, time_zone)
		VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?)
		RETURNING id, workspace_id, role, status, email, display_name, chat_id, created_at, COALESCE(platform_language, '') AS platform_language, time_zone`),
		wsID, role, nullString(email), displayName(u), u.ID, s.now(), nullString(string(u.Lang)), zoneOf(u))
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// displayName is how a chat user is shown: their name, else their ID.
// plainText is a name as the platform gives it, without what no store
// should keep: invalid UTF-8 and control characters (PostgreSQL refuses NUL
// and would refuse that user every command; SQLite would keep it), and
// bidirectional controls (model.BidiControl: a name would turn around the
// names after it in a list). Names come from the platform, not from a
// command, so they are cleaned rather than refused.
func plainText(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || model.BidiControl(r) {
			return -1
		}
		return r
	}, s)
}

func displayName(u model.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.ID
}

// platformLanguage is the language the platform gives now, else the one it
// gave last.
func platformLanguage(p *Person, u model.User) catalog.Lang {
	if u.Lang != "" {
		return u.Lang
	}
	return p.PlatformLanguage
}

// timeZone is the time zone the platform gives now, else the one it gave
// last.
func timeZone(p *Person, u model.User) string {
	if z := zoneOf(u); z != "" {
		return z
	}
	return p.TimeZone
}

// zoneOf is the user's time zone if the platform gave a usable one, else "".
func zoneOf(u model.User) string {
	if calendar.ValidZone(u.TZ) {
		return u.TZ
	}
	return ""
}

// peopleChunk bounds the people one statement of group changes names.
const peopleChunk = 400

// EnsurePeople returns the people behind chat users (mentions, members of a
// platform group), creating active learners for those not yet known. For
// those known it takes the time zone and language the platform gives now
// (see refreshPeople).
func (s *Store) EnsurePeople(ctx context.Context, wsID int64, users []model.User) ([]Person, error) {
	users = distinctUsers(users)
	// Usually everyone named is known already and unchanged: one read, no
	// transaction.
	known, err := s.peopleByChatID(ctx, s.db, wsID, users)
	if err != nil {
		return nil, fmt.Errorf("storage: ensure people: %w", err)
	}
	if len(known) == len(users) && len(platformChanges(known, users)) == 0 {
		return known, nil
	}
	var out []Person
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, _, err = s.ensurePeople(ctx, tx, wsID, users)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("storage: ensure people: %w", err)
	}
	return out, nil
}

// ensurePeople creates the chat users not yet known, in one INSERT,
// refreshes those known, and returns everyone and how many of them it
// created. Users are written in ID order so that two transactions naming
// the same people cannot deadlock.
func (s *Store) ensurePeople(ctx context.Context, tx *sqlx.Tx, wsID int64, users []model.User) (people []Person, created int, err error) {
	users = distinctUsers(users)
	people, err = s.insertLearners(ctx, tx, wsID, users)
	if err != nil {
		return nil, 0, err
	}
	created = len(people)
	if created < len(users) {
		// Some were known: read them (everyone new needs no read).
		isNew := make(map[string]bool, len(people))
		for _, p := range people {
			isNew[*p.ChatID] = true
		}
		var known []model.User
		for _, u := range users {
			if !isNew[u.ID] {
				known = append(known, u)
			}
		}
		more, err := s.peopleByChatID(ctx, tx, wsID, known)
		if err != nil {
			return nil, 0, err
		}
		// Oldest first, as one read of them all gave them.
		people = append(people, more...)
		slices.SortFunc(people, func(a, b Person) int { return cmp.Compare(a.ID, b.ID) })
	}
	if err := s.refreshPeople(ctx, tx, wsID, people, users); err != nil {
		return nil, 0, err
	}
	return people, created, nil
}

// platformChange is what the platform now says of a known person, where it
// differs from what learnbot keeps.
type platformChange struct {
	person *Person
	lang   catalog.Lang
	zone   string
}

// platformChanges lists the people whose platform language or time zone
// the platform now gives otherwise, in the order of users (chat ID order).
// A value the platform does not give (Discord tells no time zone, a mention
// that could not be looked up tells nothing) changes nothing. Display names
// are not taken: a mention's name is not always the platform's (Discord
// names a mention typed as text "<@id>", Slack's label is the handle when
// users.info fails), and Identify takes the real one when the person talks
// to learnbot.
func platformChanges(people []Person, users []model.User) []platformChange {
	byChat := make(map[string]*Person, len(people))
	for i := range people {
		if people[i].ChatID != nil {
			byChat[*people[i].ChatID] = &people[i]
		}
	}
	var out []platformChange
	for _, u := range users {
		p := byChat[u.ID]
		if p == nil {
			continue
		}
		if lang, zone := platformLanguage(p, u), timeZone(p, u); lang != p.PlatformLanguage || zone != p.TimeZone {
			out = append(out, platformChange{person: p, lang: lang, zone: zone})
		}
	}
	return out
}

// refreshPeople writes the platform's language and time zone of the known
// people where they changed, in one statement that locks the rows in chat
// ID order (two transactions refreshing the same people cannot deadlock),
// and moves the reminders of those whose time zone changed. The language a
// person chose (people.language) is theirs and stays. people are updated
// in place.
func (s *Store) refreshPeople(ctx context.Context, tx *sqlx.Tx, wsID int64, people []Person, users []model.User) error {
	changes := platformChanges(people, users)
	if len(changes) == 0 {
		return nil
	}
	ids, langs, zones := make([]string, len(changes)), make([]string, len(changes)), make([]string, len(changes))
	var moved []int64
	for i, c := range changes {
		ids[i], langs[i], zones[i] = *c.person.ChatID, string(c.lang), c.zone
		if c.zone != c.person.TimeZone {
			moved = append(moved, c.person.ID)
		}
	}
	q := join(frag(`WITH c AS (SELECT p.id, u.lang, u.tz FROM `), s.rows("u", []string{"id", "lang", "tz"}, ids, langs, zones),
		frag(` JOIN people p ON p.workspace_id = ? AND p.chat_id = u.id ORDER BY u.n`+s.forUpdate("p")+`)
		UPDATE people SET platform_language = NULLIF(c.lang, ''), time_zone = c.tz FROM c WHERE people.id = c.id`, wsID))
	if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
		return err
	}
	if err := s.rezoneReminders(ctx, tx, moved); err != nil {
		return err
	}
	for _, c := range changes {
		c.person.PlatformLanguage, c.person.TimeZone = c.lang, c.zone
	}
	return nil
}

// distinctUsers sorts users by ID and drops repeats.
func distinctUsers(users []model.User) []model.User {
	users = slices.Clone(users)
	for i := range users {
		users[i].Name = plainText(users[i].Name)
	}
	slices.SortFunc(users, func(a, b model.User) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(users, func(a, b model.User) bool { return a.ID == b.ID })
}

func userIDs(users []model.User) []string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids
}

// insertLearners adds the users not yet known as active learners, in one
// statement whatever their number, in the order given.
// insertLearners creates the users not yet known as active learners and
// returns the people it created.
func (s *Store) insertLearners(ctx context.Context, db sqlx.QueryerContext, wsID int64, users []model.User) ([]Person, error) {
	if len(users) == 0 {
		return nil, nil
	}
	names, langs, zones := make([]string, len(users)), make([]string, len(users)), make([]string, len(users))
	for i, u := range users {
		names[i], langs[i], zones[i] = displayName(u), string(u.Lang), zoneOf(u)
	}
	q := join(frag(`INSERT INTO people (workspace_id, role, status, display_name, chat_id, created_at, platform_language, time_zone)
		SELECT ?, 'learner', 'active', u.name, u.id, ?, NULLIF(u.lang, ''), u.tz FROM `, wsID, s.now()),
		s.rows("u", []string{"id", "name", "lang", "tz"}, userIDs(users), names, langs, zones), frag(`
		WHERE TRUE ORDER BY u.n ON CONFLICT (workspace_id, chat_id) WHERE chat_id IS NOT NULL DO NOTHING
		RETURNING `+strings.ReplaceAll(personColumns, "p.", "")))
	// RETURNING names the new rows' columns unqualified: SQLite allows no
	// alias there.
	var people []Person
	err := sqlx.SelectContext(ctx, db, &people, s.q(q.sql), q.args...)
	return people, err
}

// rows is a table of text columns passed as one parameter per column (not
// per value), for "FROM <rows>": alias.names... and alias.n, the row's
// position from 1. Every column has the same length.
func (s *Store) rows(alias string, names []string, cols ...[]string) fragment {
	if s.dialect == Postgres {
		args := make([]any, len(cols))
		casts := make([]string, len(cols))
		for i, c := range cols {
			args[i], casts[i] = pq.Array(c), "CAST(? AS TEXT[])"
		}
		return frag(`unnest(`+strings.Join(casts, ", ")+`) WITH ORDINALITY AS `+alias+`(`+strings.Join(names, ", ")+`, n)`, args...)
	}
	// SQLite: one JSON array of rows, each row an array of its columns.
	rows := make([][]string, len(cols[0]))
	for i := range rows {
		rows[i] = make([]string, len(cols))
		for j, c := range cols {
			rows[i][j] = c[i]
		}
	}
	buf, _ := json.Marshal(rows)
	sel := make([]string, len(cols))
	for j, name := range names {
		sel[j] = fmt.Sprintf("json_extract(value, '$[%d]') AS %s", j, name)
	}
	return frag(`(SELECT `+strings.Join(sel, ", ")+`, key + 1 AS n FROM json_each(?)) AS `+alias, string(buf))
}

// peopleByChatID loads the people of the workspace behind users.
func (s *Store) peopleByChatID(ctx context.Context, db sqlx.QueryerContext, wsID int64, users []model.User) ([]Person, error) {
	var people []Person
	q := join(frag(`SELECT `+personColumns+` FROM people p WHERE p.workspace_id = ? AND `, wsID), s.textIn("p.chat_id", userIDs(users)))
	err := sqlx.SelectContext(ctx, db, &people, s.q(q.sql), q.args...)
	return people, err
}

// PersonByEmail finds a person of the workspace by email.
func (s *Store) PersonByEmail(ctx context.Context, wsID int64, email string) (*Person, error) {
	var p Person
	err := s.db.GetContext(ctx, &p, s.q(`SELECT `+personColumns+` FROM people p WHERE p.workspace_id = ? AND p.email = ?`),
		wsID, normalizeEmail(email))
	if err != nil {
		return nil, fmt.Errorf("storage: person by email: %w", notFound(err))
	}
	return &p, nil
}

// PersonByChatID finds a person of the workspace by chat identity.
func (s *Store) PersonByChatID(ctx context.Context, wsID int64, chatID string) (*Person, error) {
	var p Person
	err := s.db.GetContext(ctx, &p, s.q(`SELECT `+personColumns+` FROM people p WHERE p.workspace_id = ? AND p.chat_id = ?`), wsID, chatID)
	if err != nil {
		return nil, fmt.Errorf("storage: person by chat id: %w", notFound(err))
	}
	return &p, nil
}

// SetRole changes a person's role; actor is who sets it.
func (s *Store) SetRole(ctx context.Context, wsID, personID int64, role model.Role, actorID int64) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE people SET role = ? WHERE workspace_id = ? AND id = ?`), role, wsID, personID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.record(ctx, tx, Event{WorkspaceID: wsID, ActorID: ref(actorID), Kind: EventRole, PersonID: ref(personID),
			Count: 1, Details: EventDetails{Role: string(role)}})
	})
	if err != nil {
		return fmt.Errorf("storage: set role: %w", err)
	}
	return nil
}

// SetLanguage records the language a person chose; empty means auto: follow
// the platform.
func (s *Store) SetLanguage(ctx context.Context, wsID, personID int64, lang catalog.Lang) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE people SET language = ? WHERE workspace_id = ? AND id = ?`),
		nullString(string(lang)), wsID, personID)
	if err != nil {
		return fmt.Errorf("storage: set language: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: set language: %w", ErrNotFound)
	}
	return nil
}

func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// HasAdmin reports whether the workspace has an active admin.
func (s *Store) HasAdmin(ctx context.Context, wsID int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT count(*) FROM people
		WHERE workspace_id = ? AND role = 'admin' AND status = 'active'`), wsID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("storage: has admin: %w", err)
	}
	return n > 0, nil
}

// WorkspacesOf lists the workspaces of a platform in which a chat user is
// known (at most a few: enough to tell one from several).
func (s *Store) WorkspacesOf(ctx context.Context, platform, chatID string) ([]string, error) {
	var ws []string
	err := s.db.SelectContext(ctx, &ws, s.q(`SELECT w.external_id FROM people p
	JOIN workspaces w ON w.id = p.workspace_id
	WHERE w.platform = ? AND p.chat_id = ? ORDER BY w.external_id LIMIT 3`), platform, chatID)
	if err != nil {
		return nil, fmt.Errorf("storage: workspaces of: %w", err)
	}
	return ws, nil
}

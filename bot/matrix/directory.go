package matrix

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// kindRoom is a Matrix room as a platform group (its joined members): the
// kind of a Slack channel, which it is to Matrix, so that rules store it
// as one.
const kindRoom = "channel"

// WithJoiner tells joiner who joins a room the bot is in, so that the
// rules following that room serve them.
func WithJoiner(j bot.Joiner) Option { return func(a *Adapter) { a.joiner = j } }

// roomWord matches a room as typed: an alias #name:server or an ID
// !opaque:server.
var roomWord = regexp.MustCompile(`^[#!][^\s:]+:[a-zA-Z0-9.\-]+(:[0-9]{1,5})?$`)

// roomArg makes a room named in a command a platform group; ok is false
// when w names no room, or an alias the homeserver does not know (the
// handlers then say they know no such target).
func (a *Adapter) roomArg(ctx context.Context, w string) (*bot.PlatformGroup, bool) {
	if !roomWord.MatchString(w) {
		return nil, false
	}
	room := id.RoomID(w)
	if strings.HasPrefix(w, "#") {
		resp, err := a.api.ResolveAlias(ctx, id.RoomAlias(w))
		if err != nil {
			if !errors.Is(err, mautrix.MNotFound) {
				a.log.Warn("matrix: could not resolve a room alias", "platform", "matrix", "alias", w, "error", err)
			}
			return nil, false
		}
		room = resp.RoomID
	}
	return &bot.PlatformGroup{Kind: kindRoom, ID: room.String(), Name: w}, true
}

// Directory lists the joined members of rooms the bot is in. Matrix finds
// nobody by email.
func (a *Adapter) Directory() bot.Directory { return directory{a} }

type directory struct{ a *Adapter }

var _ bot.Directory = directory{}

// GroupMembers hands over the joined members of a room, the bot left out,
// a page at a time (the homeserver gives them in one answer).
func (d directory) GroupMembers(ctx context.Context, g bot.PlatformGroup, page func([]model.User) error) error {
	if g.Kind != kindRoom {
		return fmt.Errorf("matrix: no %s groups on Matrix", g.Kind)
	}
	resp, err := d.a.api.JoinedMembers(ctx, id.RoomID(g.ID))
	if errors.Is(err, mautrix.MForbidden) || errors.Is(err, mautrix.MNotFound) {
		return model.Fail(msgNotInRoom, catalog.Vars{"Room": g.Name})
	}
	if err != nil {
		return fmt.Errorf("matrix: joined members of %s: %w", g.ID, err)
	}
	me := d.a.self()
	users := make([]model.User, 0, len(resp.Joined))
	for user, m := range resp.Joined {
		if user == me {
			continue
		}
		name := user.String()
		if m.DisplayName != "" {
			name = m.DisplayName
		}
		users = append(users, model.User{ID: user.String(), Name: name})
	}
	slices.SortFunc(users, func(x, y model.User) int { return strings.Compare(x.ID, y.ID) })
	for len(users) > 0 {
		n := min(len(users), bot.MembersPage)
		if err := page(users[:n]); err != nil {
			return err
		}
		users = users[n:]
	}
	return nil
}

// UserByEmail: a homeserver finds nobody by email for a bot.
func (directory) UserByEmail(context.Context, string) (*model.User, error) {
	return nil, model.ErrNoUser
}

// joinedRoom tells the joiner that someone joined a room (not a change of
// name or avatar of someone already in it), for the rules that follow it.
func (a *Adapter) joinedRoom(ctx context.Context, evt *event.Event) {
	m := evt.Content.AsMember()
	if a.joiner == nil || m.Membership != event.MembershipJoin || evt.GetStateKey() == a.self().String() {
		return
	}
	if prev := evt.Unsigned.PrevContent; prev != nil {
		if prev.Parsed == nil {
			_ = prev.ParseRaw(event.StateMember)
		}
		if prev.AsMember().Membership == event.MembershipJoin {
			return
		}
	}
	user := id.UserID(evt.GetStateKey())
	name := user.String()
	if m.Displayname != "" {
		name = m.Displayname
	}
	src := bot.PlatformGroup{Kind: kindRoom, ID: evt.RoomID.String(), Name: evt.RoomID.String()}
	a.handling.Add(1)
	go func() {
		defer a.handling.Done()
		if err := a.joiner.Joined(context.WithoutCancel(ctx), model.PlatformMatrix, a.Workspace(), src,
			[]model.User{{ID: user.String(), Name: name}}); err != nil {
			a.log.Error("matrix: could not apply the rules of a room to who joined it", "platform", "matrix", "room", evt.RoomID, "error", err)
		}
	}()
}

package matrix

import (
	"context"
	"errors"
	"slices"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// present reports whether user is still in room with the bot: joined, or
// invited and not yet joined (the DM waits for them there). A learner who
// left or was banned, and a room the bot is no longer in, are not.
func (a *Adapter) present(ctx context.Context, room id.RoomID, user id.UserID) (bool, error) {
	var m event.MemberEventContent
	err := a.api.StateEvent(ctx, room, event.StateMember, user.String(), &m)
	switch {
	case err == nil:
		return m.Membership == event.MembershipJoin || m.Membership == event.MembershipInvite, nil
	case errors.Is(err, mautrix.MNotFound), errors.Is(err, mautrix.MForbidden):
		return false, nil
	}
	return false, err
}

// leaveDM gives up a direct room the learner left: the bot leaves it too,
// it is no longer direct nor kept, and the next DM opens a new one.
func (a *Adapter) leaveDM(ctx context.Context, workspace string, to id.UserID, room id.RoomID) {
	a.log.Info("matrix: the learner left their direct room; opening a new one", "platform", "matrix", "user", to, "room", room)
	if _, err := a.api.LeaveRoom(ctx, room); err != nil && !errors.Is(err, mautrix.MForbidden) {
		a.log.Warn("matrix: could not leave a direct room", "platform", "matrix", "room", room, "error", err)
	}
	a.dms.Forget(to.String())
	a.markDirect(ctx, to, "", room)
	a.keep(ctx, workspace, to, "")
}

// directRooms reads the bot's m.direct account data: its direct rooms by
// the user they are with.
func (a *Adapter) directRooms(ctx context.Context) (map[id.UserID][]id.RoomID, error) {
	direct := map[id.UserID][]id.RoomID{}
	err := a.api.GetAccountData(ctx, event.AccountDataDirectChats.Type, &direct)
	if err != nil && !errors.Is(err, mautrix.MNotFound) {
		return nil, err
	}
	return direct, nil
}

// directRoom is the latest direct room with to that m.direct names and to
// is still in; "" when there is none.
func (a *Adapter) directRoom(ctx context.Context, to id.UserID) id.RoomID {
	direct, err := a.directRooms(ctx)
	if err != nil {
		a.log.Warn("matrix: could not read the bot's direct rooms", "platform", "matrix", "error", err)
		return ""
	}
	rooms := direct[to]
	for i := len(rooms) - 1; i >= 0; i-- {
		if here, err := a.present(ctx, rooms[i], to); err == nil && here {
			if me, err := a.present(ctx, rooms[i], a.self()); err == nil && me {
				return rooms[i]
			}
		}
	}
	return ""
}

// markDirect records add (unless "") as a direct room with to in the bot's
// m.direct, and drop (unless "") as one no more, so that Matrix clients of
// the bot's account show them as such and openDM finds them again. Failing
// costs only that: it is logged.
func (a *Adapter) markDirect(ctx context.Context, to id.UserID, add, drop id.RoomID) {
	a.direct.Lock()
	defer a.direct.Unlock()
	direct, err := a.directRooms(ctx)
	if err == nil {
		rooms := slices.DeleteFunc(direct[to], func(r id.RoomID) bool { return r == add || r == drop })
		if add != "" {
			rooms = append(rooms, add)
		}
		if len(rooms) == 0 {
			delete(direct, to)
		} else {
			direct[to] = rooms
		}
		err = a.api.SetAccountData(ctx, event.AccountDataDirectChats.Type, direct)
	}
	if err != nil {
		a.log.Warn("matrix: could not mark a direct room in m.direct", "platform", "matrix", "user", to, "error", err)
	}
}

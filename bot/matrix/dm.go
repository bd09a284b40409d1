package matrix

import (
	"context"
	"errors"
	"fmt"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

var _ bot.Sender = (*Adapter)(nil)

// SendDM delivers a direct message in the learner's direct room, which the
// bot creates on the first DM and keeps (DMRooms) for every later one; a
// learner who left it gets a new one. The notice's transaction ID is
// derived from the DM's key: a retry of a DM whose outcome was lost (a
// crash after sending) is taken once by the homeserver, which remembers
// transaction IDs per device and room (Synapse for a while, Dendrite until
// it restarts). A rate limit comes back as *model.RetryAfterError, and
// paces the workspace's later sends.
func (a *Adapter) SendDM(ctx context.Context, msg bot.Message) error {
	if msg.To.ID == "" {
		return &model.PermanentError{Reason: model.Reason{Message: msgNoUserID}, Err: errors.New("matrix: DM without recipient")}
	}
	select {
	case <-a.ready: // connected, encryption started and rooms' state read
	default:
		return errors.New("matrix: not connected to the homeserver yet")
	}
	to := id.UserID(msg.To.ID)
	room := id.RoomID(msg.Channel)
	if room == "" {
		room, _ = a.dms.Get(msg.To.ID)
	}
	if room != "" {
		here, err := a.present(ctx, room, to)
		if err != nil {
			return dmError(err)
		}
		if !here {
			a.leaveDM(ctx, msg.Workspace, to, room)
			room = ""
		}
	}
	if room == "" {
		var err error
		if room, err = a.openDM(ctx, msg.Workspace, to); err != nil {
			return err
		}
	}
	txn := ""
	if msg.Key.Kind != "" {
		txn = txnFor("dm", msg.Workspace+" "+msg.To.ID+" "+msg.Key.String())
	} else {
		txn = a.client.TxnID()
	}
	if _, err := a.answer(ctx, room, "", &msg.Reply, txn); err != nil {
		if errors.Is(err, mautrix.MForbidden) {
			// The bot is no longer in the room (kicked): the next
			// attempt opens a new one.
			a.dms.Forget(msg.To.ID)
			a.keep(ctx, msg.Workspace, to, "")
			return fmt.Errorf("matrix: the direct room is gone: %w", err)
		}
		return dmError(err)
	}
	a.dms.Put(msg.To.ID, room)
	return nil
}

// openDM creates a direct room with to, invites them, marks it direct in
// the bot's m.direct and keeps it. A direct room that m.direct names and
// the learner is still in is taken instead: one whose keeping was lost (a
// crash right after its creation).
func (a *Adapter) openDM(ctx context.Context, workspace string, to id.UserID) (id.RoomID, error) {
	if room := a.directRoom(ctx, to); room != "" {
		a.dms.Put(to.String(), room)
		a.keep(ctx, workspace, to, room)
		return room, nil
	}
	var resp *mautrix.RespCreateRoom
	err := a.paced(ctx, "create room", func() (err error) {
		resp, err = a.api.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "trusted_private_chat", IsDirect: true,
			Invite: []id.UserID{to}, Name: "learnbot", InitialState: a.directRoomState()})
		return err
	})
	if err != nil {
		return "", dmError(fmt.Errorf("matrix: create a direct room: %w", err))
	}
	a.markDirect(ctx, to, resp.RoomID, "")
	a.dms.Put(to.String(), resp.RoomID)
	a.keep(ctx, workspace, to, resp.RoomID)
	return resp.RoomID, nil
}

// keep tells DMRooms about a direct room ("" forgets it). Failing to keep
// one costs a second room later, not a DM: it is logged only.
func (a *Adapter) keep(ctx context.Context, workspace string, to id.UserID, room id.RoomID) {
	if a.rooms == nil {
		return
	}
	if err := a.rooms.KeepDMRoom(ctx, workspace, to.String(), room.String()); err != nil {
		a.log.Warn("matrix: could not keep a direct room", "platform", "matrix", "user", to, "error", err)
	}
}

// dmError sorts a failed DM: a rate limit is retried after the wait the
// homeserver asks for, a refusal no retry fixes is permanent.
func dmError(err error) error {
	err = limited(err)
	var resp mautrix.HTTPError
	if errors.As(err, &resp) && resp.RespError != nil {
		switch resp.RespError.ErrCode {
		case mautrix.MForbidden.ErrCode, "M_INVALID_PARAM", "M_BAD_JSON", "M_NOT_JSON":
			return &model.PermanentError{Reason: model.Reason{Message: msgRefused, Detail: resp.RespError.Err}, Err: err}
		}
	}
	return err
}

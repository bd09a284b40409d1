package matrix

import (
	"context"
	"errors"
	"fmt"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

var _ bot.Sender = (*Adapter)(nil)

// SendDM delivers a direct message in the learner's direct room, which the
// bot creates on the first DM and keeps (DMRooms) for every later one. The
// notice's transaction ID is derived from the DM's key: a retry of a DM
// whose outcome was lost (a crash after sending) is taken once by the
// homeserver, which remembers transaction IDs per device (Synapse for a
// while, Dendrite until it restarts). A rate limit comes back as
// *model.RetryAfterError.
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
			// The bot is no longer in the room: the next attempt opens
			// a new one.
			a.dms.Forget(msg.To.ID)
			a.keep(ctx, msg.Workspace, to, "")
		}
		return dmError(err)
	}
	a.dms.Put(msg.To.ID, room)
	return nil
}

// openDM creates a direct room with to, invites them, and keeps it.
func (a *Adapter) openDM(ctx context.Context, workspace string, to id.UserID) (id.RoomID, error) {
	resp, err := a.api.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "trusted_private_chat", IsDirect: true,
		Invite: []id.UserID{to}, Name: "learnbot", InitialState: a.directRoomState()})
	if err != nil {
		return "", dmError(fmt.Errorf("matrix: create a direct room: %w", err))
	}
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
	var resp mautrix.HTTPError
	if errors.As(err, &resp) && resp.RespError != nil {
		switch resp.RespError.ErrCode {
		case mautrix.MLimitExceeded.ErrCode:
			wait := time.Second
			if ms, ok := resp.RespError.ExtraData["retry_after_ms"].(float64); ok && ms > 0 {
				wait = time.Duration(ms) * time.Millisecond
			}
			return &model.RetryAfterError{After: wait, Err: err}
		case mautrix.MForbidden.ErrCode, "M_INVALID_PARAM", "M_BAD_JSON", "M_NOT_JSON":
			return &model.PermanentError{Reason: model.Reason{Message: msgRefused, Detail: resp.RespError.Err}, Err: err}
		}
	}
	return err
}

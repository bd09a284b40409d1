//go:build !goolm

package matrix

import (
	"context"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
)

// Encrypts tells whether this build works in end-to-end encrypted rooms:
// only a build with the tag goolm does (mautrix's pure-Go olm; its other
// olm needs cgo and libolm).
const Encrypts = false

// e2ee is empty in a build without goolm.
type e2ee struct{}

// startCrypto makes the adapter decline encrypted rooms, saying so once
// per room.
func (a *Adapter) startCrypto(_ context.Context, syncer *mautrix.DefaultSyncer) error {
	decline := a.decline("encrypted rooms need a build with -tags goolm")
	syncer.OnEventType(event.StateEncryption, decline)
	syncer.OnEventType(event.EventEncrypted, decline)
	return nil
}

// directRoomState is the initial state of a direct room: unencrypted, as
// this build cannot encrypt.
func (a *Adapter) directRoomState() []*event.Event { return nil }

// readable is evt: this build reads no encrypted event.
func (a *Adapter) readable(_ context.Context, evt *event.Event) *event.Event { return evt }

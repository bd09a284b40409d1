//go:build !goolm

package matrix_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/matrix"
	"github.com/learnbot/learnbot/internal/testlog"
)

// TestDeclineEncryptedRooms: a build without the tag goolm cannot encrypt;
// invited to an encrypted room, the adapter joins it and says once, in one
// log line naming the room and the build it needs, that it ignores it, however
// many encrypted messages come.
func TestDeclineEncryptedRooms(t *testing.T) {
	if matrix.Encrypts {
		t.Fatal("a build without goolm says it encrypts")
	}
	hs := startDendrite(t)
	botUser, botToken := hs.register(t, "learnbot")
	guide := hs.peer(t, "guide")
	var logs testlog.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := matrix.New(matrix.Config{HomeserverURL: hs.URL, UserID: botUser.String(), AccessToken: botToken},
		matrix.Handler(handlerFunc(func(context.Context, *bot.Request) *bot.Reply { return &bot.Reply{Text: "ran"} })),
		matrix.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	run(t, a)

	created, err := guide.c.CreateRoom(context.Background(), &mautrix.ReqCreateRoom{Preset: "private_chat",
		Invite: []id.UserID{botUser}, InitialState: []*event.Event{{Type: event.StateEncryption, StateKey: new(""),
			Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}}}}})
	if err != nil {
		t.Fatal(err)
	}
	room := created.RoomID
	guide.wait("the bot to join", joined(room, botUser))
	for range 2 {
		fake := map[string]any{"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgA", "sender_key": "key",
			"session_id": "session", "device_id": "DEVICE"}
		if _, err := guide.c.SendMessageEvent(context.Background(), room, event.EventEncrypted, fake); err != nil {
			t.Fatal(err)
		}
	}
	// The guide's plain message after the encrypted ones is the marker:
	// once the bot answered it, it has seen them.
	cmd := guide.say(room, "!learn help")
	guide.wait("the answer to the marker", noticeReplying(botUser, cmd))

	var lines []string
	for line := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(line, string(room)) {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "-tags goolm") ||
		!strings.Contains(lines[0], "ignoring this encrypted room") {
		t.Errorf("the log says of the encrypted room:\n%s\nwant one warning naming -tags goolm", strings.Join(lines, "\n"))
	}
}

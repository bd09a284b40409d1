package matrix_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/matrix"
	"github.com/learnbot/learnbot/model"
)

// TestDMBeforeReady: a DM asked for before the adapter has synced once
// (its encryption started, its rooms' state read) is refused for a retry,
// not sent, even when the bot's account is known from the configuration.
func TestDMBeforeReady(t *testing.T) {
	a, err := matrix.New(matrix.Config{HomeserverURL: "http://127.0.0.1:1", UserID: "@learnbot:example.org", AccessToken: "t"},
		handlerFunc(func(context.Context, *bot.Request) *bot.Reply { return &bot.Reply{} }))
	if err != nil {
		t.Fatal(err)
	}
	err = a.SendDM(context.Background(), bot.Message{Platform: model.PlatformMatrix, Workspace: "example.org",
		To: model.User{ID: "@anna:example.org"}, Reply: bot.Reply{Text: "hello"}})
	var permanent *model.PermanentError
	if err == nil || !strings.Contains(err.Error(), "not connected") || errors.As(err, &permanent) {
		t.Fatalf("SendDM before the first sync = %v; want a passing error saying it is not connected yet", err)
	}
}

// handlerFunc answers every request the same.
type handlerFunc func(context.Context, *bot.Request) *bot.Reply

func (f handlerFunc) Handle(ctx context.Context, req *bot.Request) *bot.Reply { return f(ctx, req) }

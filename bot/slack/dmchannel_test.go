package slack_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
)

// keptChannels is a DMChannels in memory, as the store is for the replicas.
type keptChannels struct {
	mu   sync.Mutex
	kept map[string]string // workspace/user -> channel
}

func (k *keptChannels) KeepDMChannel(_ context.Context, platform, workspace, chatID, channel string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if platform != bot.PlatformSlack {
		return errors.New("platform " + platform)
	}
	k.kept[workspace+"/"+chatID] = channel
	return nil
}

func (k *keptChannels) get(key string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, ok := k.kept[key]
	return c, ok
}

// TestDMChannelKept: the channel conversations.open gave is kept for the
// other replicas and the next process, which post there without opening
// the DM again (Slack allows about 50 conversations.open a minute); a kept
// channel that is gone is forgotten, and the retry opens it afresh.
func TestDMChannelKept(t *testing.T) {
	kept := &keptChannels{kept: map[string]string{}}
	first := newEnv(t, newTestHandler(), slack.WithDMChannels(kept))
	addPeople(first.fake)
	ctx := context.Background()
	opens := func() int { return first.fake.Calls("conversations.open") }
	msg := bot.Message{Platform: bot.PlatformSlack, Workspace: "T1", To: bot.User{ID: "U2"}, Reply: bot.Reply{Text: "Git basics"}}
	if err := first.adapter.SendDM(ctx, msg); err != nil {
		t.Fatal(err)
	}
	channel, ok := kept.get("T1/U2")
	if !ok || channel == "" || opens() != 1 {
		t.Fatalf("after the first DM: kept %q (%v), %d conversations.open; want the opened channel kept", channel, ok, opens())
	}
	// A second process on the same fake: the queue hands it the kept channel.
	second := newEnvWith(t, first.fake, slack.Config{}, newTestHandler(), slack.WithDMChannels(kept))
	next := msg
	next.Channel = channel
	if err := second.adapter.SendDM(ctx, next); err != nil {
		t.Fatal(err)
	}
	if n := opens(); n != 1 {
		t.Errorf("the second process opened the DM again (%d conversations.open in all), want 1", n)
	}
	dms := first.fake.DMs()
	if len(dms) != 2 || dms[1].Channel != channel {
		t.Fatalf("DMs %+v, want the second in the kept channel %s", dms, channel)
	}
	// The kept channel is gone: an error to retry, the channel forgotten.
	first.fake.FailPosts(fakeslack.FailWith(http.StatusOK, http.Header{"Content-Type": {"application/json"}}, `{"ok":false,"error":"channel_not_found"}`))
	third := newEnvWith(t, first.fake, slack.Config{}, newTestHandler(), slack.WithDMChannels(kept))
	var pe *bot.PermanentError
	if err := third.adapter.SendDM(ctx, next); err == nil || errors.As(err, &pe) {
		t.Errorf("a kept channel not found: %#v, want an error to retry", err)
	}
	first.fake.FailPosts(nil)
	if c, _ := kept.get("T1/U2"); c != "" {
		t.Errorf("kept %q after channel_not_found, want it forgotten", c)
	}
	retry := msg // the queue's retry reads the row again: nothing kept
	if err := third.adapter.SendDM(ctx, retry); err != nil {
		t.Fatal(err)
	}
	if n := opens(); n != 2 {
		t.Errorf("%d conversations.open in all, want the retry to open the DM afresh (2)", n)
	}
	if c, _ := kept.get("T1/U2"); c == "" {
		t.Error("the freshly opened channel was not kept")
	}
}

package slack_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/model"
)

// keptChannels is a DMChannels in memory, as the store is for the replicas.
type keptChannels struct {
	mu      sync.Mutex
	kept    map[string]string // workspace/user -> channel
	batches int
}

func (k *keptChannels) KeepDMChannels(_ context.Context, keep []slack.KeptChannel) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.batches++
	for _, c := range keep {
		k.kept[c.Team+"/"+c.User] = c.Channel
	}
	return nil
}

// get waits for key's channel to be kept as want says (written in
// batches, a moment after the DM) and returns it.
func (k *keptChannels) get(t *testing.T, key string, want func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		k.mu.Lock()
		c := k.kept[key]
		k.mu.Unlock()
		if want(c) || time.Now().After(deadline) {
			return c
		}
		time.Sleep(10 * time.Millisecond)
	}
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
	msg := bot.Message{Platform: model.PlatformSlack, Workspace: "T1", To: model.User{ID: "U2"}, Reply: bot.Reply{Text: "Git basics"}}
	if err := first.adapter.SendDM(ctx, msg); err != nil {
		t.Fatal(err)
	}
	set := func(c string) bool { return c != "" }
	channel := kept.get(t, "T1/U2", set)
	if channel == "" || opens() != 1 {
		t.Fatalf("after the first DM: kept %q, %d conversations.open; want the opened channel kept", channel, opens())
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
	var pe *model.PermanentError
	if err := third.adapter.SendDM(ctx, next); err == nil || errors.As(err, &pe) {
		t.Errorf("a kept channel not found: %#v, want an error to retry", err)
	}
	first.fake.FailPosts(nil)
	if c := kept.get(t, "T1/U2", func(c string) bool { return c == "" }); c != "" {
		t.Errorf("kept %q after channel_not_found, want it forgotten", c)
	}
	retry := msg // the queue's retry reads the row again: nothing kept
	if err := third.adapter.SendDM(ctx, retry); err != nil {
		t.Fatal(err)
	}
	if n := opens(); n != 2 {
		t.Errorf("%d conversations.open in all, want the retry to open the DM afresh (2)", n)
	}
	if c := kept.get(t, "T1/U2", set); c == "" {
		t.Error("the freshly opened channel was not kept")
	}
	// Many DMs at once keep their channels in a few statements, not one each.
	before := kept.batches
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			m := msg
			m.To = model.User{ID: fmt.Sprintf("UB%02d", i)}
			if err := first.adapter.SendDM(ctx, m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	kept.get(t, "T1/UB19", set)
	kept.get(t, "T1/UB00", set)
	kept.mu.Lock()
	batches := kept.batches - before
	kept.mu.Unlock()
	if batches > 3 {
		t.Errorf("20 DMs at once kept their channels in %d writes, want them batched", batches)
	}
}

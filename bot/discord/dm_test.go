package discord_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

func dm(to string) bot.Message {
	return bot.Message{Platform: model.PlatformDiscord, Workspace: testGuild, To: model.User{ID: to, Name: "Anna"},
		Reply: bot.Reply{Text: "New learning task from Gina: Git basics (git-basics)\nhttps://learn.test/git",
			Buttons: []bot.Button{{Label: "Mark done", ID: "done:42", Style: bot.StylePrimary}}}}
}

func TestSendDM(t *testing.T) {
	t.Run("OpensChannelThenPostsWithMarkDone", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		if err := e.adapter.SendDM(context.Background(), dm(learner.ID)); err != nil {
			t.Fatal(err)
		}
		calls := e.fake.Calls()
		if len(calls) != 2 || calls[0].String() != "POST /users/@me/channels" || calls[1].String() != "POST /channels/9"+learner.ID+"/messages" {
			t.Fatalf("calls = %v", calls)
		}
		if got := calls[0].JSON(t)["recipient_id"]; got != learner.ID {
			t.Errorf("recipient_id = %v", got)
		}
		for _, c := range calls {
			if c.Auth != "Bot "+testToken {
				t.Errorf("%s: Authorization = %q", c, c.Auth)
			}
		}
		msg := calls[1].JSON(t)
		if msg["content"] != dm(learner.ID).Text {
			t.Errorf("content = %v", msg["content"])
		}
		rows := msg["components"].([]any)
		b := rows[0].(map[string]any)["components"].([]any)[0].(map[string]any)
		if b["label"] != "Mark done" || b["custom_id"] != "dm:"+testGuild+":done:42" || b["style"] != float64(1) {
			t.Errorf("button = %v", b)
		}
	})
	t.Run("ChannelOpenedOnce", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		for range 3 {
			if err := e.adapter.SendDM(context.Background(), dm(learner.ID)); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(e.fake.find("POST", "/users/@me/channels")); n != 1 {
			t.Errorf("3 DMs to one user opened %d DM channels, want 1", n)
		}
		// A remembered channel that is gone: retried, and opened again.
		e.fake.fail("POST", "/channels/9"+learner.ID+"/messages", failure{status: 404, times: 1,
			body: `{"message": "Unknown Channel", "code": 10003}`})
		err := e.adapter.SendDM(context.Background(), dm(learner.ID))
		var pe *model.PermanentError
		if err == nil || errors.As(err, &pe) {
			t.Fatalf("err = %v, want an error to retry", err)
		}
		if err := e.adapter.SendDM(context.Background(), dm(learner.ID)); err != nil {
			t.Fatal(err)
		}
		if n := len(e.fake.find("POST", "/users/@me/channels")); n != 2 {
			t.Errorf("after Unknown Channel, %d DM channels opened in all, want 2", n)
		}
	})
	t.Run("RateLimitRetryAfter", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		e.fake.fail("POST", "/channels/9"+learner.ID+"/messages", failure{status: 429, times: 1,
			body:    `{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}`,
			headers: map[string]string{"Retry-After": "2", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "60", "X-RateLimit-Global": "true"}})
		err := e.adapter.SendDM(context.Background(), dm(learner.ID))
		var ra *model.RetryAfterError
		if !errors.As(err, &ra) || ra.After != 1500*time.Millisecond {
			t.Fatalf("err = %#v, want RetryAfterError of 1.5s", err)
		}
		// discordgo's limiter now believes every route is blocked for 60 s;
		// the next delivery must go out at once all the same.
		done := make(chan error, 1)
		go func() { done <- e.adapter.SendDM(context.Background(), dm(learner.ID)) }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("second send: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("second send blocked in discordgo's rate limiter")
		}
	})
	t.Run("RetryOfUnrecordedSendDoesNotSendAgain", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		ctx := context.Background()
		channel := "9" + learner.ID
		first := dm(learner.ID)
		first.Key = bot.DMKey{Kind: "assignment", ID: 42}
		if err := e.adapter.SendDM(ctx, first); err != nil {
			t.Fatal(err)
		}
		body := e.fake.find("POST", "/channels/"+channel+"/messages")[0].JSON(t)
		if body["nonce"] != "assignment:42" || body["enforce_nonce"] != true {
			t.Errorf("nonce %v, enforce_nonce %v; want assignment:42 and true", body["nonce"], body["enforce_nonce"])
		}
		// The process died before recording the outcome: the retry posts
		// with the same nonce and Discord answers with the first message.
		retry := first
		retry.MaybeSentSince = time.Now().Add(-time.Minute)
		if err := e.adapter.SendDM(ctx, retry); err != nil {
			t.Fatal(err)
		}
		if n := e.fake.messagesCreated(channel); n != 1 {
			t.Errorf("%d messages created for one DM sent twice, want 1", n)
		}
		// A reminder of the same assignment is another DM, with a nonce of
		// its own within Discord's 25 characters.
		reminder := retry
		reminder.Key = bot.DMKey{Kind: "reminder", ID: 42, Variant: "overdue:2026-12-01"}
		if err := e.adapter.SendDM(ctx, reminder); err != nil {
			t.Fatal(err)
		}
		if n := e.fake.messagesCreated(channel); n != 2 {
			t.Errorf("the reminder created no message: %d in all, want 2", n)
		}
		posts := e.fake.find("POST", "/channels/"+channel+"/messages")
		if n, _ := posts[len(posts)-1].JSON(t)["nonce"].(string); len(n) > 25 || n == "assignment:42" {
			t.Errorf("the reminder's nonce %q", n)
		}
	})
	t.Run("DMsClosedIsPermanent", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		e.fake.fail("POST", "/channels/9"+learner.ID+"/messages", failure{status: 403,
			body: `{"message": "Cannot send messages to this user", "code": 50007}`})
		err := e.adapter.SendDM(context.Background(), dm(learner.ID))
		var pe *model.PermanentError
		if !errors.As(err, &pe) || pe.Reason.Text(catalog.English) != "DMs closed" {
			t.Errorf("err = %v, want PermanentError DMs closed", err)
		}
	})
	t.Run("ServerErrorIsTransient", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		e.fake.fail("POST", "/users/@me/channels", failure{status: 500, body: `{"message": "500: Internal Server Error", "code": 0}`})
		err := e.adapter.SendDM(context.Background(), dm(learner.ID))
		var pe *model.PermanentError
		var ra *model.RetryAfterError
		if err == nil || errors.As(err, &pe) || errors.As(err, &ra) {
			t.Errorf("err = %v, want an ordinary error", err)
		}
		if n := len(e.fake.find("POST", "/channels/*")); n != 0 {
			t.Errorf("message posted without a channel")
		}
	})
}

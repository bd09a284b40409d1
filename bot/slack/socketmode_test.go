package slack_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/learnbot/learnbot/bot/home"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/model"
)

type ackMessage struct {
	EnvelopeID string       `json:"envelope_id"`
	Payload    *inlineReply `json:"payload"`
}

// envelope sends a Socket Mode envelope and returns its acknowledgement and
// how long it took.
func envelope(t *testing.T, conn *websocket.Conn, id, typ string, payload any) (ackMessage, time.Duration) {
	t.Helper()
	start := time.Now()
	if err := conn.WriteJSON(map[string]any{"envelope_id": id, "type": typ, "payload": payload, "accepts_response_payload": typ == "slash_commands"}); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ack ackMessage
	if err := conn.ReadJSON(&ack); err != nil {
		t.Fatalf("no acknowledgement of %s: %v", id, err)
	}
	if ack.EnvelopeID != id {
		t.Fatalf("acknowledged %q, want %q", ack.EnvelopeID, id)
	}
	return ack, time.Since(start)
}

func TestSocketMode(t *testing.T) {
	h := newTestHandler()
	fake := newFakeSlack(t)
	addPeople(fake)
	homes := home.New(h)
	a, err := slack.New(slack.Config{BotToken: testBotToken, AppToken: testAppToken, APIURL: fake.apiURL()}, h,
		slack.WithLogger(testLogger(t)), slack.WithAckWait(200*time.Millisecond), slack.WithHomes(homes))
	if err != nil {
		t.Fatal(err)
	}
	homes.Attach(model.PlatformSlack, a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()
	conn := fake.socket(t)

	slash := func(user, command, text, responseID string) map[string]any {
		return map[string]any{"token": "x", "team_id": "T1", "team_domain": "acme", "channel_id": "C1", "user_id": user,
			"user_name": "anna", "command": command, "text": text, "response_url": fake.responseURL(responseID), "trigger_id": "1.2.3"}
	}

	t.Run("CommandAnsweredInTheAck", func(t *testing.T) {
		ack, took := envelope(t, conn, "E1", "slash_commands", slash("U1", "/learn", "echo <@U2|ben> <#C9|general>", "sm-1"))
		if took > 3*time.Second {
			t.Errorf("acknowledged after %s", took)
		}
		if ack.Payload == nil || ack.Payload.ResponseType != "ephemeral" || fakeslack.TextOf(ack.Payload.Blocks) != "user(U2,ben,ben@example.com) group(channel,C9,general)" {
			t.Errorf("ack payload %+v", ack.Payload)
		}
		if req := h.Requests()[0]; req.Actor.Name != "Anna D" || req.Workspace != "T1" {
			t.Errorf("request %+v", req)
		}
	})
	t.Run("SlowCommandAckedThenAnsweredThroughResponseURL", func(t *testing.T) {
		ack, took := envelope(t, conn, "E2", "slash_commands", slash("U1", "/learn", "slow", "sm-slow"))
		if ack.Payload != nil || took > 3*time.Second {
			t.Errorf("ack %+v after %s, want an empty one at once", ack.Payload, took)
		}
		close(h.slow)
		eventually(t, "the late reply", func() bool { return len(fake.Posts()) == 1 })
		if p := fake.Posts()[0]; p.ID != "sm-slow" || fakeslack.TextOf(p.Blocks) != "slow done" || p.ReplaceOriginal {
			t.Errorf("late reply %+v", p)
		}
	})
	t.Run("PressAckedAndAnsweredThroughResponseURL", func(t *testing.T) {
		ack, _ := envelope(t, conn, "E3", "interactive", pressPayload("U1", "decision:only_new:7", fake.responseURL("sm-prompt"), false))
		if ack.Payload != nil {
			t.Errorf("ack payload %+v", ack.Payload)
		}
		eventually(t, "the outcome", func() bool { return len(fake.Posts()) == 2 })
		if p := fake.Posts()[1]; p.ID != "sm-prompt" || !p.ReplaceOriginal || fakeslack.TextOf(p.Blocks) != "Assigned git to 2 new learners." {
			t.Errorf("outcome %+v", p)
		}
	})
	t.Run("HomeOpenedPublishedOnce", func(t *testing.T) {
		views := len(fake.Views())
		event := json.RawMessage(`{"type":"event_callback","team_id":"T1","event_id":"EvS1","event":{"type":"app_home_opened","user":"U3","tab":"home"}}`)
		envelope(t, conn, "E4", "events_api", event)
		envelope(t, conn, "E5", "events_api", event) // Slack's retry: same event_id
		eventually(t, "the Home view", func() bool { return lastView(fake, "U3") != nil })
		time.Sleep(50 * time.Millisecond) // time for a second, wrong, publication
		var homes int
		for _, v := range fake.Views()[views:] {
			if v.UserID == "U3" && strings.Contains(fakeslack.TextOf(v.View.Blocks), "Tasks of Cleo") {
				homes++
			}
		}
		if homes != 1 {
			t.Errorf("%d Home views for U3, want 1 (views %+v)", homes, fake.Views()[views:])
		}
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("RunSocketMode did not stop")
	}
	a.Wait()
}

// TestSocketModeRejectedAppToken: an app token Slack rejects stops Socket
// Mode with an error naming SLACK_APP_TOKEN.
func TestSocketModeRejectedAppToken(t *testing.T) {
	fake := newFakeSlack(t)
	a, err := slack.New(slack.Config{BotToken: testBotToken, AppToken: "xapp-wrong", APIURL: fake.apiURL()}, newTestHandler(),
		slack.WithLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(context.Background()) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") {
			t.Errorf("RunSocketMode = %v; want an error naming SLACK_APP_TOKEN", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode still running with a rejected app token")
	}
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
)

// slackClient sends signed Slack requests, as Slack sends them to an app's
// request URLs: slash commands and block_actions clicks.
type slackClient struct {
	base     string // learnbot (or the floor): http://127.0.0.1:port
	secret   string
	team     string
	domain   string
	respBase string // where response_url points: the fake's /response/
	http     *http.Client
}

// slackReply is the part of an inline reply to a slash command read here.
type slackReply struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string         `json:"type"`
	Elements []slackElement `json:"elements"`
}

type slackElement struct {
	Type     string     `json:"type"`
	ActionID string     `json:"action_id"`
	Value    string     `json:"value"`
	Text     *slackText `json:"text"`
}

type slackText struct {
	Text string `json:"text"`
}

// slackReplyOf is a reply that reached the fake's response_url.
func slackReplyOf(resp *fakeslack.Response) *slackReply {
	r := &slackReply{Text: resp.Text}
	for _, fb := range resp.Blocks {
		sb := slackBlock{Type: fb.Type}
		for _, e := range fb.Elements {
			se := slackElement{Type: e.Type, ActionID: e.ActionID, Value: e.Value}
			if e.Text != nil {
				se.Text = &slackText{e.Text.Text}
			}
			sb.Elements = append(sb.Elements, se)
		}
		r.Blocks = append(r.Blocks, sb)
	}
	return r
}

// button returns the value of the button labelled label.
func (r *slackReply) button(label string) (string, bool) {
	for _, b := range r.Blocks {
		if b.Type != "actions" {
			continue
		}
		for _, e := range b.Elements {
			if e.Text != nil && e.Text.Text == label {
				if e.Value != "" {
					return e.Value, true
				}
				return e.ActionID, true
			}
		}
	}
	return "", false
}

// post signs and sends a form body to path. It returns the status and body.
func (c *slackClient) post(ctx context.Context, path string, form url.Values) (int, []byte, error) {
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", slack.Sign(c.secret, stamp, []byte(body)))
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, errKind("transport", "%w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, errKind("transport", "%w", err)
	}
	return resp.StatusCode, out, nil
}

// command sends a slash command by user. responseID names the
// response_url. The reply is nil when Slack would only have got an
// acknowledgement (the reply then goes to the response_url).
func (c *slackClient) command(ctx context.Context, user, command, text, responseID string) (*slackReply, error) {
	form := url.Values{"team_id": {c.team}, "team_domain": {c.domain}, "channel_id": {"CBENCH"}, "channel_name": {"bench"},
		"user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {command}, "text": {text},
		"response_url": {c.respBase + responseID}, "trigger_id": {rand.Text()}, "api_app_id": {"ABENCH"}}
	status, out, err := c.post(ctx, "/slack/commands", form)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, errKind("status "+strconv.Itoa(status), "%s %.60s: %.200s", command, text, out)
	}
	if len(out) == 0 {
		return nil, nil
	}
	var r slackReply
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, errKind("reply", "%s %.60s: %q: %w", command, text, out, err)
	}
	return &r, nil
}

// click presses a button (block_actions) on an ephemeral message, as user.
// The answer goes to the response_url named responseID.
func (c *slackClient) click(ctx context.Context, user, value, responseID string) error {
	payload := map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": c.team, "domain": c.domain},
		"user":         map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user), "team_id": c.team},
		"api_app_id":   "ABENCH",
		"token":        "deprecated",
		"trigger_id":   rand.Text(),
		"container":    map[string]any{"type": "message", "message_ts": "1.000100", "channel_id": "CBENCH", "is_ephemeral": true},
		"channel":      map[string]any{"id": "CBENCH", "name": "bench"},
		"response_url": c.respBase + responseID,
		"actions": []any{map[string]any{"type": "button", "action_id": value, "block_id": "actions-0", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "button"}, "action_ts": "1.000200"}},
	}
	js, _ := json.Marshal(payload)
	status, out, err := c.post(ctx, "/slack/interactions", url.Values{"payload": {string(js)}})
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return errKind("status "+strconv.Itoa(status), "click %s: %.200s", value, out)
	}
	return nil
}

// expect checks an inline reply: wantText must occur in its text. A nil
// reply (acknowledged late) passes as late.
func expect(r *slackReply, err error, wantText string) Outcome {
	if err != nil {
		return Outcome{Err: err}
	}
	if r == nil {
		return Outcome{Late: true}
	}
	if wantText != "" && !strings.Contains(r.Text, wantText) {
		return Outcome{Err: errKind("reply", "want %q in %.300q", wantText, r.Text)}
	}
	return Outcome{}
}

// mentions renders user mentions as both platforms carry them in a
// command's text: Slack escapes them so, and Discord's string option holds
// them as typed.
func mentions(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "<@%s>", id)
	}
	return b.String()
}

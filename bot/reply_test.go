package bot_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/console"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakediscord"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/model"
)

// hostileReply is a list as handlers build them, written by an attacker:
// every string holds what Slack's mrkdwn or Discord's markdown would read as
// markup (mentions, links, emphasis, quotes).
func hostileReply(items int) *bot.Reply {
	r := &bot.Reply{
		Text:   "Tasks of <!channel> & *friends* <https://evil.example|click>:",
		Footer: "> ... and 2 older.",
		Buttons: []bot.Button{
			{Label: "Only new", ID: "decision:only_new:1", Style: bot.StylePrimary},
			{Label: "Do not assign", ID: "decision:do_not_assign:1"},
		},
	}
	for i := range items {
		r.Items = append(r.Items, bot.Item{
			Text:    fmt.Sprintf("[ ] item %d: _Git_ <b>basics</b> & [x](https://evil.example) ~gone~", i),
			Fields:  []bot.Field{{Label: "from", Value: "<@U999> `gina` ||spoiler||"}, {Value: "open"}},
			Link:    fmt.Sprintf("https://learn.example.com/a_b?x=%d&y=*", i),
			Buttons: []bot.Button{{Label: fmt.Sprintf("Mark done: %d", i), ID: fmt.Sprintf("done:%d", i), Style: bot.StylePrimary}},
		})
	}
	return r
}

// replyHandler answers the command "show" with a reply and is an adapter's
// whole core.
type replyHandler struct {
	*bot.Router
	reply *bot.Reply
}

func newReplyHandler(r *bot.Reply) *replyHandler {
	h := &replyHandler{Router: bot.NewRouter(slog.New(slog.DiscardHandler)), reply: r}
	h.Use(func(next bot.HandlerFunc) bot.HandlerFunc {
		return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			req.Caller.Role = model.RoleLearner
			return next(ctx, req)
		}
	})
	h.Add(&bot.Command{Name: "show", Role: model.RoleLearner, Description: desc("Show the reply."),
		Handler: func(context.Context, *bot.Request) (*bot.Reply, error) { return h.reply, nil }})
	return h
}

func (h *replyHandler) Home(context.Context, string, string, model.User) (*bot.Reply, error) {
	return h.reply, nil
}

// TestReplyOnEveryAdapter renders one reply through the real Slack, Discord
// and console adapters (signed requests on loopback, the console's own
// output) and checks each keeps its structure: the text, the items in order,
// each item's buttons right after it (Slack, console) or in item order
// (Discord), the reply's buttons after them, the footer; the platform's
// limits; and user text shown as written.
func TestReplyOnEveryAdapter(t *testing.T) {
	slackAPI := httptest.NewServer(fakeslack.New("xoxb-test"))
	t.Cleanup(slackAPI.Close)
	discordAPI := httptest.NewServer(fakediscord.New("discord-test"))
	t.Cleanup(discordAPI.Close)
	for _, n := range []int{3, 400} {
		reply := hostileReply(n)
		t.Run(fmt.Sprintf("Slack%dItems", n), func(t *testing.T) {
			checkSlack(t, reply, slackReply(t, slackAPI.URL, reply))
		})
		t.Run(fmt.Sprintf("Discord%dItems", n), func(t *testing.T) {
			checkDiscord(t, reply, discordReply(t, discordAPI.URL, reply))
		})
		t.Run(fmt.Sprintf("Console%dItems", n), func(t *testing.T) {
			checkConsole(t, reply, consoleReply(t, reply))
		})
	}
}

type slackBlock struct {
	Type    string `json:"type"`
	BlockID string `json:"block_id"`
	Text    *struct {
		Text string `json:"text"`
	} `json:"text"`
	Fields []struct {
		Text string `json:"text"`
	} `json:"fields"`
	Elements []struct {
		Type  string          `json:"type"`
		Value string          `json:"value"`
		Text  json.RawMessage `json:"text"`
	} `json:"elements"`
}

// slackReply runs "/learn show" through the Slack adapter's HTTP endpoint
// and returns the blocks of its inline answer.
func slackReply(t *testing.T, api string, r *bot.Reply) []slackBlock {
	t.Helper()
	a, err := slack.New(slack.Config{SigningSecret: "s3cret", BotToken: "xoxb-test", APIURL: api + "/api/"},
		newReplyHandler(r), slack.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, a)
	body := url.Values{"team_id": {"T1"}, "user_id": {"U1"}, "user_name": {"anna"}, "command": {"/learn"},
		"text": {"show"}, "response_url": {api + "/response/1"}}.Encode()
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", slack.Sign("s3cret", stamp, []byte(body)))
	var m struct {
		Text   string       `json:"text"`
		Blocks []slackBlock `json:"blocks"`
	}
	post(t, req, &m)
	if strings.ContainsAny(strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "").Replace(m.Text), "<>&") {
		t.Errorf("fallback text not escaped: %q", m.Text)
	}
	return m.Blocks
}

func checkSlack(t *testing.T, r *bot.Reply, blocks []slackBlock) {
	if len(blocks) > 50 {
		t.Fatalf("%d blocks; a message holds 50", len(blocks))
	}
	escaped := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	mrkdwn := func(b slackBlock) string {
		var parts []string
		if b.Text != nil {
			parts = append(parts, b.Text.Text)
		}
		for _, f := range b.Fields {
			parts = append(parts, f.Text)
		}
		for _, e := range b.Elements {
			var s string
			if e.Type == "mrkdwn" && json.Unmarshal(e.Text, &s) == nil {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "\n")
	}
	values := func(b slackBlock) []string {
		var out []string
		for _, e := range b.Elements {
			out = append(out, e.Value)
		}
		return out
	}
	// Hostile text: nothing Slack reads as a mention, link or entity.
	for i, b := range blocks {
		text := mrkdwn(b)
		if strings.ContainsAny(strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "").Replace(text), "<>&") {
			t.Errorf("block %d not escaped: %q", i, text)
		}
		if b.Text != nil && utf8.RuneCountInString(b.Text.Text) > 3000 {
			t.Errorf("block %d: text over 3000 characters", i)
		}
	}
	if blocks[0].Type != "section" || blocks[0].Text.Text != escaped.Replace(r.Text) {
		t.Fatalf("first block %+v; want the text, escaped", blocks[0])
	}
	// Items in order, each a section followed by the actions block of its
	// own buttons.
	i, shown := 1, 0
	for ; i+1 < len(blocks) && blocks[i].Type == "section"; i += 2 {
		it := r.Items[shown]
		if !strings.HasPrefix(blocks[i].Text.Text, escaped.Replace(it.Text)) ||
			!strings.Contains(mrkdwn(blocks[i]), escaped.Replace(it.Fields[0].Value)) {
			t.Fatalf("block %d is %q; want item %d, %q", i, mrkdwn(blocks[i]), shown, it.Text)
		}
		if got := values(blocks[i+1]); blocks[i+1].Type != "actions" || len(got) != 1 || got[0] != it.Buttons[0].ID {
			t.Fatalf("block %d after item %d: %s %v; want its button %s", i+1, shown, blocks[i+1].Type, got, it.Buttons[0].ID)
		}
		shown++
	}
	rest := blocks[i:]
	if shown < len(r.Items) {
		want := fmt.Sprintf("…and %d more not shown.", len(r.Items)-shown)
		if len(rest) == 0 || rest[0].Type != "context" || mrkdwn(rest[0]) != want {
			t.Fatalf("%d of %d items shown, then %+v; want %q", shown, len(r.Items), rest, want)
		}
		rest = rest[1:]
		if shown < 20 {
			t.Errorf("only %d items shown in 50 blocks", shown)
		}
	}
	if len(rest) != 2 || rest[0].Type != "actions" || strings.Join(values(rest[0]), " ") != "decision:only_new:1 decision:do_not_assign:1" {
		t.Fatalf("after the items: %+v; want the reply's buttons, then the footer", rest)
	}
	if rest[1].Type != "context" || !strings.Contains(mrkdwn(rest[1]), escaped.Replace(r.Footer)) {
		t.Errorf("last block %+v; want the footer", rest[1])
	}
}

type discordMessage struct {
	Type int `json:"type"`
	Data struct {
		Content    string `json:"content"`
		Flags      int    `json:"flags"`
		Components []struct {
			Components []struct {
				Label    string `json:"label"`
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	} `json:"data"`
}

// discordReply runs /show through the Discord adapter's interactions
// endpoint, signed, and returns the inline response.
func discordReply(t *testing.T, api string, r *bot.Reply) discordMessage {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newReplyHandler(r)
	a, err := discord.New(discord.Config{PublicKey: hex.EncodeToString(pub), BotToken: "discord-test", AppID: "100000000000000001",
		APIURL: api + "/api/v10/"}, h, nil, discord.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, a)
	body, _ := json.Marshal(map[string]any{
		"id": "300000000000000001", "application_id": "100000000000000001", "type": 2, "token": "tok", "version": 1,
		"channel_id": "400000000000000004", "guild_id": "200000000000000002",
		"member": map[string]any{"user": map[string]any{"id": "700000000000000002", "username": "anna", "discriminator": "0"},
			"roles": []string{}, "joined_at": "2024-01-01T00:00:00Z"},
		"data": map[string]any{"id": "500000000000000005", "name": "show", "type": 1},
	})
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(stamp), body...))))
	var m discordMessage
	post(t, req, &m)
	return m
}

// discordEscape is a backslash before a character Discord's markdown reads.
var discordEscape = regexp.MustCompile(`\\([\\*_~` + "`" + `|\[\]>#\-+.])`)

func checkDiscord(t *testing.T, r *bot.Reply, m discordMessage) {
	if m.Type != 4 || m.Data.Flags != 64 {
		t.Errorf("response type %d flags %d; want an ephemeral message", m.Type, m.Data.Flags)
	}
	content := m.Data.Content
	if n := utf8.RuneCountInString(content); n > 2000 {
		t.Fatalf("content of %d characters; Discord takes 2000", n)
	}
	// User text as written: every markdown character is escaped (outside
	// links), and without the escapes the lines are the reply's own.
	for _, md := range []string{"*friends*", "[x](", "_Git_", "~gone~", "`gina`", "||spoiler||"} {
		if strings.Contains(content, md) {
			t.Errorf("content holds %q unescaped: Discord would format it", md)
		}
	}
	lines := strings.Split(discordEscape.ReplaceAllString(content, "$1"), "\n")
	if lines[0] != r.Text || lines[len(lines)-1] != r.Footer {
		t.Fatalf("content %q; want the text first and the footer last", content)
	}
	if !strings.HasPrefix(strings.Split(content, "\n")[len(lines)-1], `\>`) {
		t.Errorf("the footer's leading > would quote it: %q", content)
	}
	items := lines[1 : len(lines)-1]
	shown := len(items)
	if shown < len(r.Items) {
		shown--
		if want := fmt.Sprintf("…and %d more not shown.", len(r.Items)-shown); items[shown] != want {
			t.Fatalf("%d of %d items shown, then %q; want %q", shown, len(r.Items), items[shown], want)
		}
	}
	for i := range shown {
		if items[i] != r.Items[i].Line() {
			t.Fatalf("line %d is %q; want item %d as written, %q", i+1, items[i], i, r.Items[i].Line())
		}
	}
	// Buttons: those of the items shown, in order, then the reply's on a
	// row of their own; five rows of five at most.
	var ids []string
	rows := m.Data.Components
	if len(rows) > 5 {
		t.Fatalf("%d action rows; Discord takes 5", len(rows))
	}
	for _, row := range rows {
		if len(row.Components) > 5 {
			t.Fatalf("a row of %d buttons; Discord takes 5", len(row.Components))
		}
		for _, b := range row.Components {
			if len(b.CustomID) > 100 {
				t.Errorf("custom_id %q over 100 characters", b.CustomID)
			}
			ids = append(ids, b.CustomID)
		}
	}
	var want []string
	for _, it := range r.Items[:shown] {
		want = append(want, it.Buttons[0].ID)
	}
	want = append(want, "decision:only_new:1", "decision:do_not_assign:1")
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("buttons %v; want %v", ids, want)
	}
	last := rows[len(rows)-1].Components
	if len(last) != 2 || last[0].CustomID != "decision:only_new:1" {
		t.Errorf("the reply's buttons share a row with items' buttons: %+v", last)
	}
}

// consoleReply runs /show in a console session and returns what it printed
// after the prompt.
func consoleReply(t *testing.T, r *bot.Reply) string {
	t.Helper()
	var out bytes.Buffer
	if err := console.New(newReplyHandler(r), &out, "anna", false).Run(context.Background(), strings.NewReader("/show\n")); err != nil {
		t.Fatal(err)
	}
	printed := out.String()
	start := strings.Index(printed, "learnbot: ")
	end := strings.LastIndex(printed, "@anna> ")
	if start < 0 || end < start {
		t.Fatalf("no reply in %q", printed)
	}
	return printed[start:end]
}

func checkConsole(t *testing.T, r *bot.Reply, out string) {
	want := []string{"learnbot: " + r.Text}
	n := 0
	for _, it := range r.Items {
		n++
		want = append(want, "  "+it.Line(), fmt.Sprintf("    [%d] %s", n, it.Buttons[0].Label))
	}
	want = append(want, fmt.Sprintf("  [%d] Only new", n+1), fmt.Sprintf("  [%d] Do not assign", n+2), "  "+r.Footer, "")
	if got := strings.Split(out, "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("console printed\n%s\nwant\n%s", out, strings.Join(want, "\n"))
	}
}

// serve runs an adapter's endpoints on loopback until the test ends.
func serve(t *testing.T, a interface {
	Routes(*http.ServeMux)
	Wait()
}) *httptest.Server {
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); a.Wait() })
	return srv
}

func post(t *testing.T, req *http.Request, v any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("answer %s: %v", body, err)
	}
}

package slack_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeSlack is a Slack Web API on loopback: the methods learnbot calls, a
// response_url endpoint and a Socket Mode websocket. It records what
// learnbot sent.
type fakeSlack struct {
	t        testing.TB
	srv      *httptest.Server
	botToken string
	appToken string

	mu         sync.Mutex
	users      map[string]fakeUser
	usergroups map[string][]string
	groupError string // usergroups.users.list fails with this code
	autoUsers  bool   // users.info knows every ID (benchmarks)
	channels   map[string][]string
	openError  map[string]string // conversations.open error by user
	// postFail, when set, answers chat.postMessage instead of succeeding.
	postFail func(w http.ResponseWriter) bool
	calls    []string // method names, in order
	posts    []responsePost
	dms      []postedMessage
	views    []publishedView

	sockets chan *websocket.Conn
}

type fakeUser struct {
	ID, Name, Display, Email string
	Bot                      bool
}

// responsePost is one post to a response_url.
type responsePost struct {
	Path            string
	ResponseType    string `json:"response_type"`
	ReplaceOriginal bool   `json:"replace_original"`
	Text            string `json:"text"`
	Blocks          []block
}

type postedMessage struct {
	Channel string
	Text    string
	Blocks  []block
}

type publishedView struct {
	UserID string
	View   struct {
		Type   string  `json:"type"`
		Blocks []block `json:"blocks"`
	}
}

// block is the part of a Block Kit block the tests look at.
type block struct {
	Type     string     `json:"type"`
	BlockID  string     `json:"block_id"`
	Text     *textObj   `json:"text"`
	Elements []blockElt `json:"elements"`
}

type textObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type blockElt struct {
	Type     string   `json:"type"`
	ActionID string   `json:"action_id"`
	Value    string   `json:"value"`
	Style    string   `json:"style"`
	Text     *textObj `json:"text"`
}

// buttons lists the buttons of blocks as label/value/style.
type shownButton struct{ Label, Value, Style string }

func buttonsOf(blocks []block) []shownButton {
	var out []shownButton
	for _, b := range blocks {
		if b.Type != "actions" {
			continue
		}
		for _, e := range b.Elements {
			out = append(out, shownButton{Label: e.Text.Text, Value: e.Value, Style: e.Style})
		}
	}
	return out
}

// textOf joins the text of sections and context blocks.
func textOf(blocks []block) string {
	var parts []string
	for _, b := range blocks {
		switch {
		case b.Text != nil:
			parts = append(parts, b.Text.Text)
		case b.Type == "context":
			for _, e := range b.Elements {
				parts = append(parts, e.textOrEmpty())
			}
		}
	}
	return strings.Join(parts, "\n")
}

func (e blockElt) textOrEmpty() string {
	if e.Text != nil {
		return e.Text.Text
	}
	return ""
}

// context elements are text objects themselves
func (e *blockElt) UnmarshalJSON(b []byte) error {
	type plain blockElt
	var raw struct {
		plain
		RawText json.RawMessage `json:"text"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = blockElt(raw.plain)
	if len(raw.RawText) > 0 && raw.RawText[0] == '"' {
		var s string
		_ = json.Unmarshal(raw.RawText, &s)
		e.Text = &textObj{Type: e.Type, Text: s}
	} else if len(raw.RawText) > 0 {
		e.Text = &textObj{}
		_ = json.Unmarshal(raw.RawText, e.Text)
	}
	return nil
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{
		t:          t,
		botToken:   "xoxb-test",
		appToken:   "xapp-test",
		users:      map[string]fakeUser{},
		usergroups: map[string][]string{},
		channels:   map[string][]string{},
		openError:  map[string]string{},
		sockets:    make(chan *websocket.Conn, 4),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", f.serveAPI)
	mux.HandleFunc("POST /response/{id}", f.serveResponse)
	mux.HandleFunc("GET /socket", f.serveSocket)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) responseURL(id string) string { return f.srv.URL + "/response/" + id }

func (f *fakeSlack) addUser(u fakeUser) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[u.ID] = u
}

func (f *fakeSlack) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	f.mu.Lock()
	f.calls = append(f.calls, method)
	f.mu.Unlock()

	var (
		form url.Values
		js   map[string]json.RawMessage
	)
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if len(body) > 0 {
			if err := json.Unmarshal(body, &js); err != nil {
				f.t.Errorf("fake slack: %s: bad JSON: %v", method, err)
			}
		}
	} else {
		form, _ = url.ParseQuery(string(body))
		if tok := form.Get("token"); tok != "" {
			token = tok
		}
	}
	wantToken := f.botToken
	if method == "apps.connections.open" {
		wantToken = f.appToken
	}
	if token != wantToken {
		reply(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	switch method {
	case "users.info":
		u, ok := f.users[form.Get("user")]
		if !ok && f.autoUsers {
			id := form.Get("user")
			u, ok = fakeUser{ID: id, Name: strings.ToLower(id), Display: "Learner " + id, Email: strings.ToLower(id) + "@example.com"}, true
		}
		if !ok {
			reply(w, map[string]any{"ok": false, "error": "user_not_found"})
			return
		}
		reply(w, map[string]any{"ok": true, "user": u.json()})
	case "users.lookupByEmail":
		for _, u := range f.users {
			if strings.EqualFold(u.Email, form.Get("email")) {
				reply(w, map[string]any{"ok": true, "user": u.json()})
				return
			}
		}
		reply(w, map[string]any{"ok": false, "error": "users_not_found"})
	case "usergroups.users.list":
		if f.groupError != "" {
			reply(w, map[string]any{"ok": false, "error": f.groupError})
			return
		}
		members, ok := f.usergroups[form.Get("usergroup")]
		if !ok {
			reply(w, map[string]any{"ok": false, "error": "no_such_subteam"})
			return
		}
		reply(w, map[string]any{"ok": true, "users": members})
	case "conversations.members":
		// two members a page, to exercise paging
		members, ok := f.channels[form.Get("channel")]
		if !ok {
			reply(w, map[string]any{"ok": false, "error": "channel_not_found"})
			return
		}
		start, _ := strconv.Atoi(form.Get("cursor"))
		end := min(start+2, len(members))
		next := ""
		if end < len(members) {
			next = strconv.Itoa(end)
		}
		reply(w, map[string]any{"ok": true, "members": members[start:end], "response_metadata": map[string]any{"next_cursor": next}})
	case "conversations.open":
		user := form.Get("users")
		if code := f.openError[user]; code != "" {
			reply(w, map[string]any{"ok": false, "error": code})
			return
		}
		reply(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + user}})
	case "chat.postMessage":
		if f.postFail != nil && f.postFail(w) {
			return
		}
		m := postedMessage{Channel: form.Get("channel"), Text: form.Get("text")}
		if b := form.Get("blocks"); b != "" {
			if err := json.Unmarshal([]byte(b), &m.Blocks); err != nil {
				f.t.Errorf("fake slack: chat.postMessage blocks: %v", err)
			}
		}
		f.dms = append(f.dms, m)
		reply(w, map[string]any{"ok": true, "channel": m.Channel, "ts": fmt.Sprintf("%d.000100", len(f.dms))})
	case "views.publish":
		var v publishedView
		_ = json.Unmarshal(js["user_id"], &v.UserID)
		if err := json.Unmarshal(js["view"], &v.View); err != nil {
			f.t.Errorf("fake slack: views.publish view: %v", err)
		}
		if n := len(v.View.Blocks); n > 100 {
			reply(w, map[string]any{"ok": false, "error": "invalid_arguments", "response_metadata": map[string]any{"messages": []string{fmt.Sprintf("%d blocks: no more than 100 items allowed", n)}}})
			return
		}
		f.views = append(f.views, v)
		reply(w, map[string]any{"ok": true, "view": map[string]any{"id": "V1"}})
	case "apps.connections.open":
		reply(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/socket"})
	default:
		f.t.Errorf("fake slack: unexpected method %s", method)
		reply(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (u fakeUser) json() map[string]any {
	return map[string]any{
		"id": u.ID, "name": u.Name, "is_bot": u.Bot,
		"profile": map[string]any{"display_name": u.Display, "real_name": u.Name, "email": u.Email},
	}
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeSlack) serveResponse(w http.ResponseWriter, r *http.Request) {
	var p responsePost
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &p); err != nil {
		f.t.Errorf("fake slack: response_url body: %v", err)
	}
	var withBlocks struct {
		Blocks []block `json:"blocks"`
	}
	_ = json.Unmarshal(body, &withBlocks)
	p.Blocks = withBlocks.Blocks
	p.Path = r.URL.Path
	f.mu.Lock()
	f.posts = append(f.posts, p)
	f.mu.Unlock()
	_, _ = w.Write([]byte("ok"))
}

func (f *fakeSlack) serveSocket(w http.ResponseWriter, r *http.Request) {
	// slack-go dials with Origin: https://api.slack.com, as Slack expects
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("fake slack: websocket upgrade: %v", err)
		return
	}
	if err := conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1}); err != nil {
		f.t.Errorf("fake slack: hello: %v", err)
	}
	f.sockets <- conn
}

// socket waits for learnbot's Socket Mode connection.
func (f *fakeSlack) socket(t testing.TB) *websocket.Conn {
	t.Helper()
	select {
	case c := <-f.sockets:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("learnbot did not connect over Socket Mode")
		return nil
	}
}

// snapshot helpers, safe against the adapter's goroutines

func (f *fakeSlack) Posts() []responsePost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]responsePost(nil), f.posts...)
}

func (f *fakeSlack) DMs() []postedMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]postedMessage(nil), f.dms...)
}

func (f *fakeSlack) Views() []publishedView {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]publishedView(nil), f.views...)
}

func (f *fakeSlack) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeSlack) countCalls(method string) int {
	n := 0
	for _, c := range f.Calls() {
		if c == method {
			n++
		}
	}
	return n
}

// eventually polls cond until it holds or 5 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

package discord_test

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
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/bot/discord/internal/oapi"
)

// schemaPath is Discord's OpenAPI description, kept outside the repository
// (../shared/schemas from the project root).
var schemaPath = filepath.Join("..", "..", "..", "shared", "schemas", "discord-openapi.json")

var (
	schemaOnce sync.Once
	schemaDoc  *oapi.Doc
	schemaErr  error
)

// discordSchema loads the OpenAPI document once; nil when it is absent.
func discordSchema(t testing.TB) *oapi.Doc {
	t.Helper()
	schemaOnce.Do(func() {
		if _, err := os.Stat(schemaPath); err != nil {
			return
		}
		schemaDoc, schemaErr = oapi.Load(schemaPath)
	})
	if schemaErr != nil {
		t.Fatalf("load Discord OpenAPI document: %v", schemaErr)
	}
	return schemaDoc
}

// requireSchema skips a test that exists only to validate bodies.
func requireSchema(t testing.TB) *oapi.Doc {
	t.Helper()
	d := discordSchema(t)
	if d == nil {
		t.Skipf("Discord OpenAPI schema not found at %s (it lives in ../shared/schemas next to the repository): bodies not validated", schemaPath)
	}
	return d
}

// call is one request learnbot made to the fake Discord API.
type call struct {
	Method string
	Path   string // without the API base: "/users/@me/channels"
	Query  url.Values
	Auth   string
	Body   []byte
}

func (c call) String() string { return c.Method + " " + c.Path }

// JSON decodes the body into a generic value.
func (c call) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatalf("%s: body is not a JSON object: %v: %s", c, err, c.Body)
	}
	return m
}

// failure is a canned error answer for one path.
type failure struct {
	status  int
	body    string
	headers map[string]string
	times   int  // how many calls fail; 0 means all
	hangUp  bool // close the connection without an answer
}

// fakeDiscord is Discord's REST API and gateway on loopback. It validates
// every body it receives against Discord's OpenAPI document (when present).
type fakeDiscord struct {
	t      testing.TB
	srv    *httptest.Server
	schema *oapi.Doc // nil: bodies are not validated

	mu       sync.Mutex
	calls    []call
	failures map[string]*failure // by "METHOD /path"
	members  map[string][]any    // guild ID -> member objects
	gateway  func(conn *websocket.Conn)
	changed  chan struct{}
	nonces   map[string]created // messages created with enforce_nonce, by nonce
	made     map[string]int     // messages created, by channel
}

// created is a message the fake created, and when.
type created struct {
	msg map[string]any
	at  time.Time
}

// nonceWindow is how long the fake, like Discord ("a few minutes"), answers
// a message sent with enforce_nonce and a nonce it has seen with the
// message created then, creating none.
const nonceWindow = 3 * time.Minute

const apiPrefix = "/api/v10"

func newFakeDiscord(t testing.TB) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{t: t, schema: discordSchema(t), failures: map[string]*failure{},
		members: map[string][]any{}, changed: make(chan struct{}), nonces: map[string]created{}, made: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v10/", f.serveAPI)
	mux.HandleFunc("GET /gateway-ws/", f.serveGateway)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// messagesCreated counts the messages the fake created in channel: posts
// answered with an earlier message (enforce_nonce) are not counted.
func (f *fakeDiscord) messagesCreated(channel string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.made[channel]
}

// URL is the API base to configure learnbot with.
func (f *fakeDiscord) URL() string { return f.srv.URL + apiPrefix + "/" }

func (f *fakeDiscord) fail(method, path string, fl failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[method+" "+path] = &fl
}

// skipValidation stops checking bodies (for benchmarks: the tests check them).
func (f *fakeDiscord) skipValidation() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.schema = nil
}

func (f *fakeDiscord) setMembers(guild string, members ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members[guild] = members
}

func (f *fakeDiscord) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := call{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, apiPrefix), Query: r.URL.Query(),
		Auth: r.Header.Get("Authorization"), Body: body}
	f.mu.Lock()
	schema := f.schema
	f.mu.Unlock()
	if schema != nil && len(body) > 0 {
		if err := schema.ValidateRequest(c.Method, c.Path, body); err != nil {
			f.t.Errorf("learnbot sent a body Discord does not accept: %v", err)
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	ncalls := len(f.calls)
	close(f.changed)
	f.changed = make(chan struct{})
	fl := f.failures[c.String()]
	if fl != nil && fl.times > 0 {
		if fl.times--; fl.times == 0 {
			delete(f.failures, c.String())
		}
	}
	f.mu.Unlock()
	if fl != nil && fl.hangUp {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	if fl != nil {
		for k, v := range fl.headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.status)
		io.WriteString(w, fl.body)
		return
	}
	parts := strings.Split(strings.Trim(c.Path, "/"), "/")
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	switch {
	case c.Method == "POST" && c.Path == "/users/@me/channels":
		var in struct {
			RecipientID string `json:"recipient_id"`
		}
		json.Unmarshal(body, &in)
		reply(map[string]any{"id": "9" + in.RecipientID, "type": 1,
			"recipients": []any{map[string]any{"id": in.RecipientID, "username": "u" + in.RecipientID}}})
	case c.Method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		var in map[string]any
		json.Unmarshal(body, &in)
		nonce, _ := in["nonce"].(string)
		enforce, _ := in["enforce_nonce"].(bool)
		f.mu.Lock()
		if prev, ok := f.nonces[nonce]; enforce && nonce != "" && ok && time.Since(prev.at) < nonceWindow {
			f.mu.Unlock()
			reply(prev.msg)
			return
		}
		in["id"], in["channel_id"] = strconv.Itoa(ncalls), parts[1]
		f.made[parts[1]]++
		if enforce && nonce != "" {
			f.nonces[nonce] = created{msg: in, at: time.Now()}
		}
		f.mu.Unlock()
		reply(in)
	case c.Method == "PUT" && parts[0] == "applications" && parts[len(parts)-1] == "commands":
		var in []map[string]any
		json.Unmarshal(body, &in)
		for i, cmd := range in {
			cmd["id"], cmd["application_id"], cmd["version"] = strconv.Itoa(i+1), parts[1], "1"
		}
		reply(in)
	case c.Method == "POST" && parts[0] == "interactions" && len(parts) == 4 && parts[3] == "callback":
		w.WriteHeader(http.StatusNoContent)
	case c.Method == "PATCH" && parts[0] == "webhooks" && len(parts) == 5:
		var in map[string]any
		json.Unmarshal(body, &in)
		in["id"], in["channel_id"] = "1", "2"
		reply(in)
	case c.Method == "POST" && parts[0] == "webhooks" && len(parts) == 3:
		w.WriteHeader(http.StatusNoContent)
	case c.Method == "GET" && len(parts) == 3 && parts[0] == "guilds" && parts[2] == "members":
		reply(f.memberPage(parts[1], c.Query))
	case c.Method == "GET" && (c.Path == "/gateway" || c.Path == "/gateway/bot"):
		reply(map[string]any{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway-ws", "shards": 1})
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message": "404: Not Found", "code": 0}`)
	}
}

// memberPage answers List Guild Members: sorted by user ID, after and limit.
func (f *fakeDiscord) memberPage(guild string, q url.Values) []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 1
	}
	after, _ := strconv.ParseUint(q.Get("after"), 10, 64)
	page := []any{}
	for _, m := range f.members[guild] {
		id, _ := strconv.ParseUint(m.(map[string]any)["user"].(map[string]any)["id"].(string), 10, 64)
		if id > after && len(page) < limit {
			page = append(page, m)
		}
	}
	return page
}

func (f *fakeDiscord) serveGateway(w http.ResponseWriter, r *http.Request) {
	conn, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("gateway upgrade: %v", err)
		return
	}
	defer conn.Close()
	f.mu.Lock()
	g := f.gateway
	f.mu.Unlock()
	if g != nil {
		g(conn)
	}
}

// Calls returns the requests made so far.
func (f *fakeDiscord) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// find returns the calls with this method whose path matches (a trailing
// "*" matches any rest).
func (f *fakeDiscord) find(method, path string) []call {
	var out []call
	for _, c := range f.Calls() {
		if c.Method != method {
			continue
		}
		if p, ok := strings.CutSuffix(path, "*"); ok && strings.HasPrefix(c.Path, p) || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// waitFor waits until n calls match, for up to 10 seconds.
func (f *fakeDiscord) waitFor(t testing.TB, n int, method, path string) []call {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		changed := f.changed
		f.mu.Unlock()
		if got := f.find(method, path); len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("fake Discord: waited 10s for %d× %s %s; calls: %v", n, method, path, f.Calls())
		}
	}
}

// ---- learnbot's side ----

// handlerFunc adapts a function to discord.Handler.
type handlerFunc func(ctx context.Context, req *bot.Request) *bot.Reply

func (h handlerFunc) Handle(ctx context.Context, req *bot.Request) *bot.Reply { return h(ctx, req) }

// recorder is a handler that records requests and answers with a reply the
// test chooses.
type recorder struct {
	mu    sync.Mutex
	reqs  []*bot.Request
	reply func(req *bot.Request) *bot.Reply
}

func (r *recorder) Handle(_ context.Context, req *bot.Request) *bot.Reply {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	f := r.reply
	r.mu.Unlock()
	if f == nil {
		return bot.Text("ok")
	}
	return f(req)
}

func (r *recorder) requests() []*bot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*bot.Request(nil), r.reqs...)
}

// quietLog keeps expected error logs (panics, dropped buttons) out of the
// test output.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

const (
	testApp   = "100000000000000001"
	testGuild = "200000000000000002"
	testToken = "test-bot-token"
)

// env is learnbot's interactions endpoint, signed requests in, the fake
// Discord API out.
type env struct {
	fake    *fakeDiscord
	adapter *discord.Adapter
	srv     *httptest.Server
	priv    ed25519.PrivateKey
	now     time.Time
}

func newEnv(t testing.TB, h discord.Handler, tasks discord.TaskCompleter, opts ...discord.Option) *env {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{fake: newFakeDiscord(t), priv: priv, now: time.Unix(1_800_000_000, 0)}
	cfg := discord.Config{PublicKey: hex.EncodeToString(pub), BotToken: testToken, AppID: testApp,
		GuildID: testGuild, APIURL: e.fake.URL()}
	opts = append([]discord.Option{discord.WithClock(func() time.Time { return e.now }),
		discord.WithCommands(tableCommands()...), discord.WithLogger(quietLog)}, opts...)
	e.adapter, err = discord.New(cfg, h, tasks, opts...)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	e.adapter.Routes(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.srv.Close()
		e.adapter.Wait()
	})
	return e
}

// sign returns the headers Discord sends with a body.
func sign(priv ed25519.PrivateKey, ts time.Time, body []byte) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(priv, append([]byte(stamp), body...))
	h := http.Header{}
	h.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	h.Set("X-Signature-Timestamp", stamp)
	h.Set("Content-Type", "application/json")
	return h
}

// postRaw sends a body with these headers to the endpoint.
func (e *env) postRaw(t testing.TB, body []byte, h http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+"/discord/interactions", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// interact signs and sends an interaction, checks that the answer is 200
// and a body Discord accepts, and returns it.
func (e *env) interact(t testing.TB, interaction any) response {
	t.Helper()
	body, err := json.Marshal(interaction)
	if err != nil {
		t.Fatal(err)
	}
	status, out := e.postRaw(t, body, sign(e.priv, e.now, body))
	if status != http.StatusOK {
		t.Fatalf("endpoint answered %d: %s", status, out)
	}
	if d := discordSchema(t); d != nil {
		if err := d.Validate("POST", "/interactions/{interaction_id}/{interaction_token}/callback", out); err != nil {
			t.Errorf("inline response is not an interaction callback Discord accepts: %v", err)
		}
	}
	var r response
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, out)
	}
	return r
}

// response is an interaction response as Discord reads it.
type response struct {
	Type int          `json:"type"`
	Data responseData `json:"data"`
}

type responseData struct {
	Content    string         `json:"content"`
	Flags      int            `json:"flags"`
	Components []actionRow    `json:"components"`
	Choices    []choice       `json:"choices"`
	Mentions   map[string]any `json:"allowed_mentions"`
}

type actionRow struct {
	Type       int      `json:"type"`
	Components []button `json:"components"`
}

type button struct {
	Type     int    `json:"type"`
	Label    string `json:"label"`
	Style    int    `json:"style"`
	CustomID string `json:"custom_id"`
}

type choice struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// buttons flattens the action rows.
func (d responseData) buttons() []button {
	var out []button
	for _, r := range d.Components {
		out = append(out, r.Components...)
	}
	return out
}

func labels(bs []button) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Label
	}
	return out
}

// ---- interaction payloads ----

var interactionSeq int

type member struct {
	ID, Nick, GlobalName, Username string
	Roles                          []string
	Bot                            bool
}

func (m member) JSON() map[string]any {
	u := map[string]any{"id": m.ID, "username": m.Username, "discriminator": "0"}
	if m.Username == "" {
		u["username"] = "user" + m.ID
	}
	if m.GlobalName != "" {
		u["global_name"] = m.GlobalName
	}
	if m.Bot {
		u["bot"] = true
	}
	out := map[string]any{"user": u, "roles": append([]string{}, m.Roles...), "joined_at": "2024-01-01T00:00:00Z"}
	if m.Nick != "" {
		out["nick"] = m.Nick
	}
	return out
}

func base(typ int, guild string, by member) map[string]any {
	interactionSeq++
	i := map[string]any{
		"id":             fmt.Sprintf("3%017d", interactionSeq),
		"application_id": testApp,
		"type":           typ,
		"token":          fmt.Sprintf("tok-%d", interactionSeq),
		"version":        1,
		"channel_id":     "400000000000000004",
	}
	if guild != "" {
		i["guild_id"] = guild
		i["member"] = by.JSON()
	} else {
		i["user"] = by.JSON()["user"]
	}
	return i
}

// opt is an option of a slash command invocation.
func opt(name string, typ int, value any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": value}
}

func str(name, value string) map[string]any { return opt(name, 3, value) }

func sub(name string, opts ...map[string]any) map[string]any {
	return map[string]any{"name": name, "type": 1, "options": opts}
}

// slash is an application command interaction (type 2).
func slash(guild string, by member, name string, opts ...map[string]any) map[string]any {
	i := base(2, guild, by)
	i["data"] = map[string]any{"id": "500000000000000005", "name": name, "type": 1, "options": opts}
	return i
}

// press is a button press (type 3) on a message.
func press(guild string, by member, customID string) map[string]any {
	i := base(3, guild, by)
	i["data"] = map[string]any{"custom_id": customID, "component_type": 2}
	i["message"] = map[string]any{"id": "600000000000000006", "channel_id": "400000000000000004", "content": "prompt"}
	return i
}

var (
	guide   = member{ID: "700000000000000001", Nick: "Gina", GlobalName: "Gina G", Username: "gina"}
	learner = member{ID: "700000000000000002", GlobalName: "Anna", Username: "anna"}
)

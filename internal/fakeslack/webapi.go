package fakeslack

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// locked runs f under the fake's lock.
func (s *Server) locked(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// AddUser makes u a member of the fake workspace.
func (s *Server) AddUser(u User) { s.locked(func() { s.users[u.ID] = u }) }

// SetAutoUsers says whether users.info knows every ID (a user derived from
// the ID) or only the users added.
func (s *Server) SetAutoUsers(on bool) { s.locked(func() { s.autoUsers = on }) }

// SetUserGroup sets the members of a user group (usergroups.users.list).
func (s *Server) SetUserGroup(id string, members ...string) {
	s.locked(func() {
		delete(s.generated, id)
		s.usergroups[id] = members
	})
}

// SetChannel sets the members of a channel (conversations.members, two a
// page so that paging is exercised).
func (s *Server) SetChannel(id string, members ...string) {
	s.locked(func() { s.channels[id] = members })
}

// FailUserGroups makes usergroups.users.list fail with a Slack error code
// (such as paid_teams_only); "" lifts it.
func (s *Server) FailUserGroups(code string) { s.locked(func() { s.groupError = code }) }

// FailOpen makes conversations.open with user fail with a Slack error code;
// "" lifts it.
func (s *Server) FailOpen(user, code string) { s.locked(func() { s.openError[user] = code }) }

// FailPosts answers chat.postMessage with f instead, as long as f returns
// true; nil lifts it.
func (s *Server) FailPosts(f func(w http.ResponseWriter) bool) { s.locked(func() { s.postFail = f }) }

// FailWith is a FailPosts answer: this status, headers and body.
func FailWith(status int, header http.Header, body string) func(w http.ResponseWriter) bool {
	return func(w http.ResponseWriter) bool {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		return true
	}
}

// serveSlack answers the Web API methods learnbot calls. Bodies are form
// encoded except views.publish (JSON).
func (s *Server) serveSlack(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	s.rec.Call(method)
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	var form url.Values
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if method != "views.publish" || s.countOnly {
			_, _ = io.Copy(io.Discard, r.Body)
		}
	} else {
		if err := r.ParseForm(); err != nil {
			s.errorf("%s: bad form: %v", method, err)
			writeSlack(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_form_data"})
			return
		}
		form = r.PostForm
		if t := form.Get("token"); t != "" {
			token = t
		}
	}
	want := s.token
	if method == "apps.connections.open" {
		want = s.appToken
	}
	if token == "" || token != want {
		writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	switch method {
	case "users.info":
		s.usersInfo(w, form.Get("user"), form.Get("include_locale") == "true")
	case "users.lookupByEmail":
		s.lookupByEmail(w, form.Get("email"))
	case "usergroups.users.list":
		s.userGroupMembers(w, form.Get("usergroup"))
	case "conversations.members":
		s.channelMembers(w, form.Get("channel"), form.Get("cursor"))
	case "conversations.open":
		s.openConversation(w, form.Get("users"))
	case "chat.postMessage":
		s.postMessage(w, form)
	case "conversations.history":
		s.conversationHistory(w, form)
	case "views.publish":
		s.publishView(w, r)
	case "auth.test":
		writeSlack(w, http.StatusOK, map[string]any{"ok": true, "url": "https://acme.slack.com/", "team": "Acme", "user": "learnbot",
			"team_id": "T1", "user_id": "UBOT"})
	case "apps.connections.open":
		writeSlack(w, http.StatusOK, map[string]any{"ok": true, "url": "ws://" + r.Host + "/socket"})
	default:
		s.errorf("unexpected method %s", method)
		writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (s *Server) usersInfo(w http.ResponseWriter, id string, locale bool) {
	s.mu.Lock()
	u, ok := s.users[id]
	if !ok && s.autoUsers && id != "" {
		// Names derive from the ID.
		lower := strings.ToLower(id)
		u, ok = User{ID: id, Name: lower, Display: "Learner " + id, Email: lower + "@example.com"}, true
	}
	s.mu.Unlock()
	if !ok {
		writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "user_not_found"})
		return
	}
	if u.Hollow {
		writeSlack(w, http.StatusOK, map[string]any{"ok": true, "user": map[string]any{}})
		return
	}
	user := u.json()
	if locale && u.Locale != "" {
		user["locale"] = u.Locale
	}
	writeSlack(w, http.StatusOK, map[string]any{"ok": true, "user": user})
}

func (s *Server) lookupByEmail(w http.ResponseWriter, email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if strings.EqualFold(u.Email, email) {
			writeSlack(w, http.StatusOK, map[string]any{"ok": true, "user": u.json()})
			return
		}
	}
	writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "users_not_found"})
}

func (u User) json() map[string]any {
	return map[string]any{
		"id": u.ID, "name": u.Name, "is_bot": u.Bot, "tz": u.TZ,
		"profile": map[string]any{"display_name": u.Display, "real_name": u.Name, "email": u.Email},
	}
}

func (s *Server) userGroupMembers(w http.ResponseWriter, group string) {
	s.mu.Lock()
	code := s.groupError
	members, ok := s.usergroups[group]
	gen, generated := s.generated[group]
	s.mu.Unlock()
	switch {
	case code != "":
		writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": code})
	case generated:
		writeGenerated(w, gen)
	case !ok:
		writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "no_such_subteam"})
	default:
		writeSlack(w, http.StatusOK, map[string]any{"ok": true, "users": members})
	}
}

// channelMembers answers two members a page, to exercise paging.
func (s *Server) channelMembers(w http.ResponseWriter, channel, cursor string) {
	s.mu.Lock()
	members, ok := s.channels[channel]
	s.mu.Unlock()
	if !ok {
		writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	start, _ := strconv.Atoi(cursor)
	start = min(max(start, 0), len(members))
	end := min(start+2, len(members))
	next := ""
	if end < len(members) {
		next = strconv.Itoa(end)
	}
	writeSlack(w, http.StatusOK, map[string]any{"ok": true, "members": members[start:end],
		"response_metadata": map[string]any{"next_cursor": next}})
}

func (s *Server) openConversation(w http.ResponseWriter, user string) {
	s.mu.Lock()
	code := s.openError[user]
	s.mu.Unlock()
	if code != "" {
		writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": code})
		return
	}
	writeSlack(w, http.StatusOK, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + user}})
}

func (s *Server) postMessage(w http.ResponseWriter, form url.Values) {
	s.mu.Lock()
	fail := s.postFail
	s.mu.Unlock()
	if fail != nil && fail(w) {
		return
	}
	if wait, ok := s.admit(form.Get("channel")); !ok {
		s.rec.RateLimited()
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writeSlack(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
		return
	}
	channel := form.Get("channel")
	var meta *Metadata
	if raw := form.Get("metadata"); raw != "" {
		meta = &Metadata{}
		if err := json.Unmarshal([]byte(raw), meta); err != nil || meta.EventType == "" || meta.EventPayload == nil {
			s.errorf("chat.postMessage metadata %q: want event_type and event_payload", raw)
			writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_metadata_format"})
			return
		}
	}
	if !s.countOnly {
		m := Message{Channel: channel, Text: form.Get("text"), Metadata: meta}
		if b := form.Get("blocks"); b != "" {
			if err := json.Unmarshal([]byte(b), &m.Blocks); err != nil {
				s.errorf("chat.postMessage blocks: %v", err)
			}
		}
		s.locked(func() { s.messages = append(s.messages, m) })
	}
	s.delivered(channel)
	ts := s.stored(channel, meta)
	writeSlack(w, http.StatusOK, map[string]any{"ok": true, "channel": channel, "ts": ts})
}

// stored keeps a posted message's timestamp and metadata in its channel's
// history (also with CountOnly: a retry's check reads it) and returns the
// timestamp: the time in microseconds, unique in the channel as on Slack.
func (s *Server) stored(channel string, meta *Metadata) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.now().UnixMicro()
	h := s.history[channel]
	if n := len(h); n > 0 && h[n-1].micros >= at {
		at = h[n-1].micros + 1
	}
	s.history[channel] = append(h, posted{micros: at, meta: meta})
	return formatTS(at)
}

func formatTS(micros int64) string { return fmt.Sprintf("%d.%06d", micros/1e6, micros%1e6) }

// parseTS reads a Slack timestamp ("1700000000.000100") as microseconds.
func parseTS(ts string) (int64, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, false
	}
	frac = (frac + "000000")[:6]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return s*1e6 + f, true
}

// conversationHistory answers conversations.history: the channel's messages newest
// first, after oldest, at most limit (default 100, as Slack), with their
// metadata only when include_all_metadata is set, as Slack does.
func (s *Server) conversationHistory(w http.ResponseWriter, form url.Values) {
	oldest := int64(0)
	if o := form.Get("oldest"); o != "" {
		var ok bool
		if oldest, ok = parseTS(o); !ok {
			writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_ts_oldest"})
			return
		}
	}
	limit := 100
	if l := form.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_limit"})
			return
		}
		limit = min(n, 999)
	}
	withMeta := form.Get("include_all_metadata") == "1" || form.Get("include_all_metadata") == "true"
	s.mu.Lock()
	h := s.history[form.Get("channel")]
	var msgs []map[string]any
	for i := len(h) - 1; i >= 0 && len(msgs) < limit && h[i].micros > oldest; i-- {
		m := map[string]any{"type": "message", "ts": formatTS(h[i].micros), "bot_id": "BLEARNBOT"}
		if withMeta && h[i].meta != nil {
			m["metadata"] = h[i].meta
		}
		msgs = append(msgs, m)
	}
	s.mu.Unlock()
	writeSlack(w, http.StatusOK, map[string]any{"ok": true, "messages": msgs, "has_more": false})
}

// maxViewBlocks is Slack's limit on the blocks of a view.
const maxViewBlocks = 100

func (s *Server) publishView(w http.ResponseWriter, r *http.Request) {
	if s.countOnly {
		writeSlack(w, http.StatusOK, map[string]any{"ok": true, "view": map[string]any{"id": "V1"}})
		return
	}
	var body struct {
		UserID string          `json:"user_id"`
		View   json.RawMessage `json:"view"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	v := View{UserID: body.UserID}
	if err := json.Unmarshal(body.View, &v.View); err != nil {
		s.errorf("views.publish view: %v", err)
	}
	if n := len(v.View.Blocks); n > maxViewBlocks {
		writeSlack(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_arguments",
			"response_metadata": map[string]any{"messages": []string{fmt.Sprintf("%d blocks: no more than 100 items allowed", n)}}})
		return
	}
	s.mu.Lock()
	s.views = append(s.views, v)
	s.mu.Unlock()
	writeSlack(w, http.StatusOK, map[string]any{"ok": true, "view": map[string]any{"id": "V1"}})
}

// admit takes a token of the chat.postMessage limit, or says how long until
// one is free (at least a second: Retry-After counts whole seconds).
func (s *Server) admit(channel string) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiter == nil || !strings.HasPrefix(channel, s.limitTo) {
		return 0, true
	}
	now := s.now()
	if s.limiter.AllowN(now, 1) {
		return 0, true
	}
	r := s.limiter.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return max(wait, time.Second), false
}

// delivered counts an accepted DM to channel.
func (s *Server) delivered(channel string) {
	s.rec.Delivered()
	s.locked(func() { s.dms[channel]++ })
}

func writeSlack(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Generated is a user group of N generated members: Prefix followed by
// their number from 0, six digits or more (GeneratedID). The fake keeps only
// this description, however large the group: a benchmark's group of
// 100,000 costs it nothing until learnbot DMs its members, and users.info
// knows every ID (SetAutoUsers).
type Generated struct {
	Prefix string
	N      int
}

// GeneratedID is the ID of member i of a generated group.
func GeneratedID(prefix string, i int) string { return fmt.Sprintf("%s%06d", prefix, i) }

// MaxGenerated bounds a generated group.
const MaxGenerated = 1_000_000

// SetGeneratedUserGroup makes id a user group of g.N generated members
// (usergroups.users.list); it replaces a group of that ID set before.
func (s *Server) SetGeneratedUserGroup(id string, g Generated) {
	s.locked(func() {
		delete(s.usergroups, id)
		s.generated[id] = g
	})
}

// serveDefineUserGroup is SetGeneratedUserGroup over HTTP, for loadgen:
// POST /usergroup?id=S100K&prefix=UG&n=100000.
func (s *Server) serveDefineUserGroup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, err := strconv.Atoi(q.Get("n"))
	id, prefix := q.Get("id"), q.Get("prefix")
	if err != nil || n < 0 || n > MaxGenerated || id == "" || prefix == "" {
		http.Error(w, fmt.Sprintf("want id, prefix and n (0 to %d members)", MaxGenerated), http.StatusBadRequest)
		return
	}
	s.SetGeneratedUserGroup(id, Generated{Prefix: prefix, N: n})
}

// writeGenerated answers usergroups.users.list for a generated group,
// writing the IDs as they are made rather than building the list.
func writeGenerated(w http.ResponseWriter, g Generated) {
	w.Header().Set("Content-Type", "application/json")
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"ok":true,"users":[`)
	for i := range g.N {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte('"')
		bw.WriteString(GeneratedID(g.Prefix, i))
		bw.WriteByte('"')
	}
	bw.WriteString("]}\n")
	_ = bw.Flush()
}

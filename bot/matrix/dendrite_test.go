package matrix_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/synapseadmin"
)

// dendriteVersion is the homeserver the tests run against: a real one,
// built from its module (.ci/run installs it).
const dendriteVersion = "v0.13.8"

// sharedSecret is the registration secret of generate-config -ci.
const sharedSecret = "complement"

// dendriteTool finds one of Dendrite's commands: on PATH, in GOBIN or
// GOPATH/bin, else built now with go install. It skips the test, saying
// why, when it cannot be built.
func dendriteTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	bin := os.Getenv("GOBIN")
	if bin == "" {
		out, err := exec.Command("go", "env", "GOPATH").Output()
		if err == nil {
			bin = filepath.Join(strings.TrimSpace(strings.Split(string(out), string(os.PathListSeparator))[0]), "bin")
		}
	}
	p := filepath.Join(bin, name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	cmd := exec.Command("go", "install", "github.com/matrix-org/dendrite/cmd/"+name+"@"+dendriteVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("Dendrite's %s cannot be built (go install github.com/matrix-org/dendrite/cmd/%s@%s): %v\n%s",
			name, name, dendriteVersion, err, out)
	}
	return p
}

// homeserver is a Dendrite started for a test, on SQLite in a temporary
// directory, listening on a free loopback port.
type homeserver struct {
	URL string
}

func startDendrite(t *testing.T) *homeserver {
	t.Helper()
	dendrite := dendriteTool(t, "dendrite")
	genConfig := dendriteTool(t, "generate-config")
	genKeys := dendriteTool(t, "generate-keys")
	dir := t.TempDir()
	cfg, err := exec.Command(genConfig, "-ci", "-dir", dir).Output()
	if err != nil {
		t.Fatalf("generate-config: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dendrite.yaml"), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	keys := exec.Command(genKeys, "-private-key", "matrix_key.pem")
	keys.Dir = dir
	if out, err := keys.CombinedOutput(); err != nil {
		t.Fatalf("generate-keys: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logFile, err := os.Create(filepath.Join(dir, "dendrite.log"))
	if err != nil {
		t.Fatal(err)
	}
	// Accounts are made with the shared secret; the flag only keeps
	// Dendrite from refusing the -ci configuration's open registration.
	cmd := exec.Command(dendrite, "-config", "dendrite.yaml", "-http-bind-address", addr, "-really-enable-open-registration")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dendrite: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(filepath.Join(dir, "dendrite.log")); err == nil {
				t.Logf("dendrite's log (last 4 KiB):\n%s", tail(b, 4096))
			}
		}
	})
	hs := &homeserver{URL: "http://" + addr}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			b, _ := os.ReadFile(filepath.Join(dir, "dendrite.log"))
			t.Fatalf("dendrite exited: %v\n%s", err, tail(b, 4096))
		default:
		}
		resp, err := http.Get(hs.URL + "/_matrix/client/versions")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return hs
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("dendrite did not answer on %s within 60s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// register creates an account with the shared registration secret and
// returns its access token.
func (hs *homeserver) register(t *testing.T, name string) (id.UserID, string) {
	t.Helper()
	c, err := mautrix.NewClient(hs.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	admin := synapseadmin.Client{Client: c}
	resp, err := admin.SharedSecretRegister(context.Background(), sharedSecret,
		synapseadmin.ReqSharedSecretRegister{Username: name, Password: "password-" + name})
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return resp.UserID, resp.AccessToken
}

// peer is a person in the test, on a mautrix client that syncs and keeps
// every event it sees.
type peer struct {
	t  *testing.T
	c  *mautrix.Client
	mu sync.Mutex
	// events are every event synced, in order.
	events []*event.Event
}

func (hs *homeserver) peer(t *testing.T, name string) *peer {
	t.Helper()
	user, token := hs.register(t, name)
	c, err := mautrix.NewClient(hs.URL, user, token)
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{t: t, c: c}
	syncer := c.Syncer.(*mautrix.DefaultSyncer)
	syncer.OnEvent(func(ctx context.Context, evt *event.Event) {
		p.mu.Lock()
		p.events = append(p.events, evt)
		p.mu.Unlock()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if err := c.SyncWithContext(ctx); err != nil && ctx.Err() == nil {
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		c.StopSync()
		<-done
	})
	return p
}

func (p *peer) id() id.UserID { return p.c.UserID }

// wait returns the first event seen that match accepts, waiting up to 30
// seconds.
func (p *peer) wait(what string, match func(*event.Event) bool) *event.Event {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if evt := p.find(match); evt != nil {
			return evt
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: waited 30s for %s; saw:\n%s", p.id(), what, p.dump())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *peer) find(match func(*event.Event) bool) *event.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, evt := range p.events {
		if match(evt) {
			return evt
		}
	}
	return nil
}

func (p *peer) count(match func(*event.Event) bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, evt := range p.events {
		if match(evt) {
			n++
		}
	}
	return n
}

func (p *peer) dump() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	for _, evt := range p.events {
		fmt.Fprintf(&b, "  %s %s %s %s\n", evt.RoomID, evt.Type.Type, evt.Sender, evt.Content.VeryRaw)
	}
	return b.String()
}

// say sends a text message and returns its event ID.
func (p *peer) say(room id.RoomID, text string) id.EventID {
	p.t.Helper()
	resp, err := p.c.SendText(context.Background(), room, text)
	if err != nil {
		p.t.Fatalf("%s says %q: %v", p.id(), text, err)
	}
	return resp.EventID
}

// react reacts to an event and returns the reaction's event ID.
func (p *peer) react(room id.RoomID, target id.EventID, key string) id.EventID {
	p.t.Helper()
	resp, err := p.c.SendReaction(context.Background(), room, target, key)
	if err != nil {
		p.t.Fatalf("%s reacts %s: %v", p.id(), key, err)
	}
	return resp.EventID
}

// join accepts an invitation, trying again while the homeserver is still
// making the room.
func (p *peer) join(room id.RoomID) {
	p.t.Helper()
	var err error
	for range 50 {
		if _, err = p.c.JoinRoomByID(context.Background(), room); err == nil {
			return
		}
		var httpErr mautrix.HTTPError
		if !errors.As(err, &httpErr) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s joins %s: %v", p.id(), room, err)
}

// noticeReplying matches a notice from sender replying to the event to.
func noticeReplying(sender id.UserID, to id.EventID) func(*event.Event) bool {
	return func(evt *event.Event) bool {
		if evt.Type != event.EventMessage || evt.Sender != sender {
			return false
		}
		msg := evt.Content.AsMessage()
		return msg.MsgType == event.MsgNotice && msg.RelatesTo.GetReplyTo() == to
	}
}

// invited matches an invitation of user to a room.
func invited(user id.UserID) func(*event.Event) bool {
	return func(evt *event.Event) bool {
		return evt.Type == event.StateMember && evt.GetStateKey() == user.String() &&
			evt.Content.AsMember().Membership == event.MembershipInvite
	}
}

// joined matches user's joining room.
func joined(room id.RoomID, user id.UserID) func(*event.Event) bool {
	return func(evt *event.Event) bool {
		return evt.RoomID == room && evt.Type == event.StateMember && evt.GetStateKey() == user.String() &&
			evt.Content.AsMember().Membership == event.MembershipJoin
	}
}

// body is a message's text.
func body(evt *event.Event) string { return evt.Content.AsMessage().Body }

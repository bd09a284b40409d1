package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/learnbot/learnbot/bot/slack"
)

// floor is the least any bot must do for a request: read the body, check
// the platform's signature and answer 200. Learnbot's figures are reported
// as multiples of the floor's under the same load on the same machine.
type floor struct {
	slackSecret string
	discordKey  ed25519.PublicKey
	now         func() time.Time
	// durable, when set, also serves everything under /durable/: the
	// same answers after the rows of a command were written (durable.go).
	durable *durable
}

const (
	floorMaxBody = 1 << 20
	floorWindow  = 5 * time.Minute
)

func (f *floor) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("POST /slack/commands", f.slack(`{"response_type":"ephemeral","text":"ok"}`))
	mux.HandleFunc("POST /slack/interactions", f.slack(""))
	mux.HandleFunc("POST /slack/events", f.slack(""))
	mux.HandleFunc("POST /discord/interactions", f.discord)
	if f.durable != nil {
		mux.Handle("/durable/", http.StripPrefix("/durable", f.durable.wrap(mux)))
	}
	return mux
}

func (f *floor) slack(answer string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		want := []byte(slack.Sign(f.slackSecret, ts, body))
		if !f.fresh(ts) || !hmac.Equal([]byte(r.Header.Get("X-Slack-Signature")), want) {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		if answer == "" {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}
}

func (f *floor) discord(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	ts := r.Header.Get("X-Signature-Timestamp")
	sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize || !f.fresh(ts) ||
		!ed25519.Verify(f.discordKey, append([]byte(ts), body...), sig) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if strings.HasPrefix(string(body), `{"type":1,`) {
		_, _ = io.WriteString(w, `{"type":1}`) // PING
		return
	}
	_, _ = io.WriteString(w, `{"type":4,"data":{"content":"ok","flags":64}}`)
}

// fresh reports whether a signature timestamp is within the window.
func (f *floor) fresh(ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := f.now().Sub(time.Unix(sec, 0))
	return d <= floorWindow && d >= -floorWindow
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, floorMaxBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	return body, true
}

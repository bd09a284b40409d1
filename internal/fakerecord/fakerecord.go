// Package fakerecord is the record the fakes of chat platforms
// (internal/fakeslack, internal/fakediscord) keep of what learnbot sent
// them: calls by method, accepted DMs with the first and the last, and the
// latest response (a Slack response_url post, a Discord follow-up) under
// each ID, with GET /wait/{id} to wait for one and POST /reset to forget it
// all.
//
// Each fake keeps a Recorder of its own unless given one. Fakes given the
// same Recorder share their counts, responses and resets, so that one
// /stats, /wait and /reset serve both platforms behind one URL, as
// bench/loadgen's fake does.
package fakerecord

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Recorder is the shared record. Its methods are safe for concurrent use.
type Recorder struct {
	now func() time.Time

	mu          sync.Mutex
	calls       map[string]int
	dms         int // accepted DMs, all platforms
	limited     int // DMs answered 429
	first, last time.Time
	responses   map[string]any // the latest by ID
	waiting     map[string][]chan any
	resets      []func()
}

// New returns an empty record.
func New() *Recorder {
	r := &Recorder{now: time.Now, waiting: map[string][]chan any{}}
	r.Reset()
	return r
}

// Stats is what the record holds since the last reset. The fakes extend it
// with what they know alone (per-recipient counts, a rate limit).
type Stats struct {
	Calls       map[string]int `json:"calls"` // by method, 429s included
	DMs         int            `json:"dms"`   // accepted DMs, every platform sharing the record
	RateLimited int            `json:"rate_limited"`
	First       time.Time      `json:"first"` // first and last accepted DM
	Last        time.Time      `json:"last"`
	Responses   int            `json:"responses"`
}

// Call counts a call of method.
func (r *Recorder) Call(method string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[method]++
}

// Calls counts the calls of one method since the last reset.
func (r *Recorder) Calls(method string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[method]
}

// Delivered counts an accepted DM.
func (r *Recorder) Delivered() {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first.IsZero() {
		r.first = now
	}
	r.last = now
	r.dms++
}

// RateLimited counts a DM refused with 429.
func (r *Recorder) RateLimited() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limited++
}

// Respond keeps resp as the latest response under id and hands it to those
// waiting for it. GET /wait/{id} answers resp encoded as JSON: it must not
// change once given.
func (r *Recorder) Respond(id string, resp any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls["response"]++
	r.responses[id] = resp
	for _, ch := range r.waiting[id] {
		ch <- resp
	}
	delete(r.waiting, id)
}

// OnReset has Reset run f too, for what a fake keeps of its own. f runs
// under the record's lock: it must not call the Recorder.
func (r *Recorder) OnReset(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resets = append(r.resets, f)
}

// Reset forgets the counts and the responses, and runs what OnReset
// registered. Those waiting for a response go on waiting.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = map[string]int{}
	r.dms, r.limited = 0, 0
	r.first, r.last = time.Time{}, time.Time{}
	r.responses = map[string]any{}
	for _, f := range r.resets {
		f()
	}
}

// Stats returns the counts.
func (r *Recorder) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := Stats{Calls: make(map[string]int, len(r.calls)), DMs: r.dms, RateLimited: r.limited, First: r.first, Last: r.last,
		Responses: len(r.responses)}
	for k, v := range r.calls {
		st.Calls[k] = v
	}
	return st
}

// Register serves GET /wait/{id} and POST /reset on mux.
func (r *Recorder) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /wait/{id}", r.serveWait)
	mux.HandleFunc("POST /reset", func(http.ResponseWriter, *http.Request) { r.Reset() })
}

// maxWait bounds ?timeout of GET /wait.
const maxWait = 10 * time.Minute

// serveWait answers with the response kept under an ID, waiting for it up
// to ?timeout (default 30 s, at most 10 min); 404 when none came in time.
func (r *Recorder) serveWait(w http.ResponseWriter, req *http.Request) {
	id := req.PathValue("id")
	timeout := 30 * time.Second
	if t, err := time.ParseDuration(req.URL.Query().Get("timeout")); err == nil && t > 0 {
		timeout = min(t, maxWait)
	}
	r.mu.Lock()
	resp, ok := r.responses[id]
	ch := make(chan any, 1)
	if !ok {
		r.waiting[id] = append(r.waiting[id], ch)
	}
	r.mu.Unlock()
	if !ok {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		select {
		case resp = <-ch:
		case <-timer.C:
			http.Error(w, "no response "+id, http.StatusNotFound)
			return
		case <-req.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

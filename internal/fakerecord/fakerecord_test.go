package fakerecord_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/learnbot/learnbot/internal/fakerecord"
)

func serve(t *testing.T, rec *fakerecord.Recorder) string {
	t.Helper()
	mux := http.NewServeMux()
	rec.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

type response struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func wait(t *testing.T, url string) (int, response) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r response
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, r
}

func TestCounts(t *testing.T) {
	rec := fakerecord.New()
	rec.Call("chat.postMessage")
	rec.Call("chat.postMessage")
	rec.Call("discord:channels/messages")
	rec.Delivered()
	rec.Delivered()
	rec.RateLimited()
	rec.Respond("r1", response{ID: "r1"})
	rec.Respond("r1", response{ID: "r1"})
	st := rec.Stats()
	if st.Calls["chat.postMessage"] != 2 || rec.Calls("discord:channels/messages") != 1 || st.Calls["response"] != 2 ||
		st.DMs != 2 || st.RateLimited != 1 || st.Responses != 1 || st.First.IsZero() || st.Last.Before(st.First) {
		t.Errorf("stats = %+v", st)
	}
	st.Calls["chat.postMessage"] = 99
	if n := rec.Calls("chat.postMessage"); n != 2 {
		t.Errorf("changing the stats changed the record: %d calls", n)
	}
}

// Reset forgets the counts and the responses and runs each fake's part.
func TestReset(t *testing.T) {
	rec := fakerecord.New()
	url := serve(t, rec)
	var forgot []string
	rec.OnReset(func() { forgot = append(forgot, "slack") })
	rec.OnReset(func() { forgot = append(forgot, "discord") })
	rec.Call("x")
	rec.Delivered()
	rec.Respond("r1", response{ID: "r1", Text: "before"})
	resp, err := http.Post(url+"/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if st := rec.Stats(); resp.StatusCode != http.StatusOK || len(st.Calls) != 0 || st.DMs != 0 || st.Responses != 0 || !st.First.IsZero() {
		t.Errorf("POST /reset: status %d, stats %+v", resp.StatusCode, st)
	}
	if len(forgot) != 2 || forgot[0] != "slack" || forgot[1] != "discord" {
		t.Errorf("reset hooks ran: %v", forgot)
	}
	if status, _ := wait(t, url+"/wait/r1?timeout=10ms"); status != http.StatusNotFound {
		t.Errorf("a response from before the reset: status %d, want 404", status)
	}
}

func TestWait(t *testing.T) {
	rec := fakerecord.New()
	url := serve(t, rec)
	// The same record behind a door that tells when a request came in.
	entered := make(chan struct{}, 1)
	mux := http.NewServeMux()
	rec.Register(mux)
	door := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(door.Close)
	waitingURL := door.URL
	t.Run("PostedBefore", func(t *testing.T) {
		rec.Respond("r1", response{ID: "r1", Text: "first"})
		rec.Respond("r1", response{ID: "r1", Text: "latest"})
		if status, r := wait(t, url+"/wait/r1"); status != http.StatusOK || r.Text != "latest" {
			t.Errorf("status %d, %+v; want the latest", status, r)
		}
	})
	t.Run("PostedWhileWaiting", func(t *testing.T) {
		got := make(chan response, 1)
		go func() {
			status, r := wait(t, waitingURL+"/wait/r2?timeout=1m")
			if status != http.StatusOK {
				t.Errorf("status %d", status)
			}
			got <- r
		}()
		<-entered // the waiter is in, most likely waiting already
		rec.Respond("r2", response{ID: "r2", Text: "late"})
		if r := <-got; r.Text != "late" {
			t.Errorf("waiter got %+v", r)
		}
	})
	t.Run("NotFoundAfterTimeout", func(t *testing.T) {
		if status, _ := wait(t, url+"/wait/never?timeout=20ms"); status != http.StatusNotFound {
			t.Errorf("status %d, want 404", status)
		}
	})
}

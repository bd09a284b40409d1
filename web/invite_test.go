package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
	"github.com/learnbot/learnbot/web"
)

// fakeStore keeps invitations by token in memory, as the real store
// promises to behave.
type fakeStore struct {
	mu      sync.Mutex
	byToken map[string]*storage.InvitationPage
	err     error // returned by every call when set
	reads   int
	accepts int
}

func (f *fakeStore) InvitationByToken(_ context.Context, token string) (*storage.InvitationPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.err != nil {
		return nil, f.err
	}
	inv, ok := f.byToken[token]
	if !ok {
		return nil, storage.ErrNotFound
	}
	cp := *inv
	return &cp, nil
}

func (f *fakeStore) AcceptInvitation(_ context.Context, token string) (*storage.InvitationPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accepts++
	if f.err != nil {
		return nil, f.err
	}
	inv, ok := f.byToken[token]
	if !ok {
		return nil, storage.ErrNotFound
	}
	if inv.Status != storage.InvitationPending {
		cp := *inv
		return &cp, fmt.Errorf("storage: accept invitation: %w", storage.ErrGone)
	}
	now := time.Now()
	inv.Status, inv.AcceptedAt = storage.InvitationAccepted, &now
	cp := *inv
	return &cp, nil
}

func (f *fakeStore) status(token string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byToken[token].Status
}

func (f *fakeStore) counts() (reads, accepts int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads, f.accepts
}

var expires = time.Date(2030, 3, 14, 9, 30, 0, 0, time.UTC)

func invitation(status string) *storage.InvitationPage {
	return &storage.InvitationPage{
		Invitation: storage.Invitation{
			ID: 7, WorkspaceID: 1, PersonID: 3,
			Email: "anna@example.com", Role: model.RoleGuide, Status: status,
			ExpiresAt: expires,
		},
		WorkspaceName: "Acme <Learning>",
		InviterName:   "Maria Rossi",
	}
}

type site struct {
	url   string
	store *fakeStore
	logs  *bytes.Buffer
	// acceptLanguage, when set, is sent as the browser's Accept-Language.
	acceptLanguage string
}

func newSite(t *testing.T, invs map[string]*storage.InvitationPage) *site {
	return newSiteIn(t, "", invs)
}

// newSiteIn serves the pages with lang as LEARNBOT_LANGUAGE.
func newSiteIn(t *testing.T, lang catalog.Lang, invs map[string]*storage.InvitationPage) *site {
	t.Helper()
	store := &fakeStore{byToken: invs}
	logs := new(bytes.Buffer)
	mux := http.NewServeMux()
	h := web.New(store, slog.New(slog.NewTextHandler(logs, nil)))
	h.DefaultLang = lang
	h.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &site{url: srv.URL, store: store, logs: logs}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (s *site) do(t *testing.T, method, path string) response {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if s.acceptLanguage != "" {
		req.Header.Set("Accept-Language", s.acceptLanguage)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func wantPage(t *testing.T, r response, status int, texts ...string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d\n%s", r.status, status, r.body)
	}
	for k, v := range map[string]string{
		"Content-Type":    "text/html; charset=utf-8",
		"Cache-Control":   "no-store",
		"Referrer-Policy": "no-referrer",
	} {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q, want framing forbidden", r.header.Get("Content-Security-Policy"))
	}
	if !strings.HasPrefix(r.body, "<!DOCTYPE html>") || !strings.Contains(r.body, `<html lang="`) {
		t.Errorf("not a full HTML page:\n%s", r.body)
	}
	for _, text := range texts {
		if !strings.Contains(r.body, text) {
			t.Errorf("page lacks %q:\n%s", text, r.body)
		}
	}
}

const acceptForm = `<form method="post">`

func TestInvitationPage(t *testing.T) {
	t.Run("GetShowsPendingInvitationAndChangesNothing", func(t *testing.T) {
		s := newSite(t, map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationPending)})
		for range 3 { // mail scanners, link previews, the person
			r := s.do(t, http.MethodGet, "/invite/tok")
			wantPage(t, r, http.StatusOK, `<html lang="en">`,
				"You are invited to Acme &lt;Learning&gt;",
				"Maria Rossi invited you to join Acme &lt;Learning&gt; on learnbot as a guide.",
				"<dt>Role</dt><dd>guide</dd>",
				"<dt>For</dt><dd>anna@example.com</dd>",
				"Thursday, March 14, 2030 at 09:30 UTC",
				acceptForm, `<button type="submit">Accept invitation</button>`)
			if strings.Contains(r.body, "<Learning>") {
				t.Error("workspace name not escaped")
			}
		}
		if r := s.do(t, http.MethodHead, "/invite/tok"); r.status != http.StatusOK {
			t.Errorf("HEAD status = %d", r.status)
		}
		if _, accepts := s.store.counts(); accepts != 0 {
			t.Errorf("GET called AcceptInvitation %d times", accepts)
		}
		if got := s.store.status("tok"); got != storage.InvitationPending {
			t.Errorf("status after GET = %q, want pending", got)
		}
	})

	t.Run("JoinCodeShownOnDiscord", func(t *testing.T) {
		inv := invitation(storage.InvitationPending)
		inv.JoinCode, inv.Platform = "K7M2Q9RT4X", "discord"
		s := newSite(t, map[string]*storage.InvitationPage{"tok": inv})
		r := s.do(t, http.MethodPost, "/invite/tok")
		wantPage(t, r, http.StatusOK, "Welcome", "Then type /join K7M2Q9RT4X in the chat to link your account")
	})

	t.Run("PostAcceptsOnceThenGone", func(t *testing.T) {
		s := newSite(t, map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationPending)})
		r := s.do(t, http.MethodPost, "/invite/tok")
		wantPage(t, r, http.StatusOK, "Welcome: you&#39;re in!", "You joined Acme &lt;Learning&gt; on learnbot as a guide.",
			"type /tasks")
		if strings.Contains(r.body, acceptForm) {
			t.Error("welcome page offers to accept again")
		}
		if got := s.store.status("tok"); got != storage.InvitationAccepted {
			t.Errorf("status after POST = %q, want accepted", got)
		}

		for _, method := range []string{http.MethodPost, http.MethodGet} {
			r = s.do(t, method, "/invite/tok")
			wantPage(t, r, http.StatusGone, "You already accepted this invitation", "type /tasks")
			if strings.Contains(r.body, acceptForm) {
				t.Errorf("%s after acceptance still offers the Accept button", method)
			}
		}
		if _, accepts := s.store.counts(); accepts != 2 {
			t.Errorf("AcceptInvitation called %d times, want 2 (one per POST)", accepts)
		}
	})

	t.Run("ConcurrentPostsAcceptOnce", func(t *testing.T) {
		s := newSite(t, map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationPending)})
		statuses := make(chan int, 5)
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				resp, err := http.Post(s.url+"/invite/tok", "application/x-www-form-urlencoded", nil)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			})
		}
		wg.Wait()
		close(statuses)
		var ok, gone int
		for st := range statuses {
			switch st {
			case http.StatusOK:
				ok++
			case http.StatusGone:
				gone++
			}
		}
		if ok != 1 || gone != 4 {
			t.Errorf("%d × 200 and %d × 410, want 1 and 4", ok, gone)
		}
	})

	t.Run("UnknownToken404", func(t *testing.T) {
		s := newSite(t, map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationPending)})
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			wantPage(t, s.do(t, method, "/invite/other"), http.StatusNotFound, "Invitation not found", "ask your guide for a new invitation")
		}
		if got := s.store.status("tok"); got != storage.InvitationPending {
			t.Errorf("another invitation changed to %q", got)
		}
	})

	t.Run("AbsurdToken404WithoutStore", func(t *testing.T) {
		s := newSite(t, nil)
		long := strings.Repeat("a", 201)
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			wantPage(t, s.do(t, method, "/invite/"+long), http.StatusNotFound, "Invitation not found")
		}
		if reads, accepts := s.store.counts(); reads+accepts != 0 {
			t.Errorf("store called %d+%d times", reads, accepts)
		}
		// 200 characters still reach the store.
		s.do(t, http.MethodGet, "/invite/"+long[:200])
		if reads, _ := s.store.counts(); reads != 1 {
			t.Errorf("a 200-character token made %d reads, want 1", reads)
		}
	})

	gone := []struct {
		status string
		texts  []string
	}{
		{storage.InvitationRevoked, []string{"This invitation was withdrawn", "ask your guide (Maria Rossi) for a new invitation"}},
		{storage.InvitationExpired, []string{"This invitation has expired", "expired on Thursday, March 14, 2030 at 09:30 UTC", "Ask your guide (Maria Rossi) for a new invitation"}},
		{storage.InvitationSuperseded, []string{"This link was replaced by a newer email", "sent to anna@example.com", "most recent invitation email"}},
	}
	for _, tc := range gone {
		t.Run("Gone410 "+tc.status, func(t *testing.T) {
			s := newSite(t, map[string]*storage.InvitationPage{"tok": invitation(tc.status)})
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				r := s.do(t, method, "/invite/tok")
				wantPage(t, r, http.StatusGone, tc.texts...)
				if strings.Contains(r.body, acceptForm) {
					t.Errorf("%s offers the Accept button", method)
				}
			}
			if got := s.store.status("tok"); got != tc.status {
				t.Errorf("status changed to %q", got)
			}
		})
	}

	t.Run("StoreFailure500WithoutDetailsOrToken", func(t *testing.T) {
		s := newSite(t, nil)
		s.store.err = errors.New("database is on fire")
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			r := s.do(t, method, "/invite/secret-token")
			wantPage(t, r, http.StatusInternalServerError, "Something went wrong")
			if strings.Contains(r.body, "fire") {
				t.Error("page shows the internal error")
			}
		}
		if logs := s.logs.String(); !strings.Contains(logs, "database is on fire") || strings.Contains(logs, "secret-token") {
			t.Errorf("logs should hold the error and not the token:\n%s", logs)
		}
	})

	t.Run("OtherMethodsRefused", func(t *testing.T) {
		s := newSite(t, map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationPending)})
		for _, method := range []string{http.MethodPut, http.MethodDelete} {
			if r := s.do(t, method, "/invite/tok"); r.status != http.StatusMethodNotAllowed {
				t.Errorf("%s status = %d, want 405", method, r.status)
			}
		}
		if r := s.do(t, http.MethodGet, "/invite/"); r.status != http.StatusNotFound {
			t.Errorf("GET /invite/ status = %d, want 404", r.status)
		}
		if got := s.store.status("tok"); got != storage.InvitationPending {
			t.Errorf("status changed to %q", got)
		}
	})
}

func TestInvitationPageInGerman(t *testing.T) {
	t.Run("AcceptLanguageDeDE", func(t *testing.T) {
		s := newSite(t, map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationPending)})
		s.acceptLanguage = "de-DE,de;q=0.9,en;q=0.8"
		r := s.do(t, http.MethodGet, "/invite/tok")
		wantPage(t, r, http.StatusOK,
			`<html lang="de">`,
			"Du bist zu Acme &lt;Learning&gt; eingeladen",
			"Maria Rossi hat dich eingeladen, Acme &lt;Learning&gt; auf learnbot als Lernbegleiter:in beizutreten.",
			"<dt>Rolle</dt><dd>Lernbegleiter:in</dd>",
			"<dt>Gültig bis</dt><dd>Donnerstag, 14. März 2030 um 09:30 UTC</dd>",
			acceptForm, `<button type="submit">Einladung annehmen</button>`)
		if got := r.header.Get("Vary"); got != "Accept-Language" {
			t.Errorf("Vary = %q, want Accept-Language (the page depends on it)", got)
		}
		r = s.do(t, http.MethodPost, "/invite/tok")
		wantPage(t, r, http.StatusOK, "Willkommen: Du bist dabei!", "Du bist Acme &lt;Learning&gt; auf learnbot als Lernbegleiter:in beigetreten.")
		r = s.do(t, http.MethodGet, "/invite/tok")
		wantPage(t, r, http.StatusGone, "Du hast diese Einladung bereits angenommen")
		r = s.do(t, http.MethodGet, "/invite/nope")
		wantPage(t, r, http.StatusNotFound, `<html lang="de">`, "Einladung nicht gefunden", "Dieser Link passt zu keiner Einladung.")
		for _, english := range []string{"invited", "Invitation", "Accept"} {
			if strings.Contains(r.body, english) {
				t.Errorf("German page has the English %q:\n%s", english, r.body)
			}
		}
	})
	t.Run("ExpiredInGerman", func(t *testing.T) {
		s := newSite(t, map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationExpired)})
		s.acceptLanguage = "de"
		wantPage(t, s.do(t, http.MethodGet, "/invite/tok"), http.StatusGone,
			"Diese Einladung ist abgelaufen", "ist am Donnerstag, 14. März 2030 um 09:30 UTC abgelaufen")
	})
	t.Run("EnglishWhenPreferred", func(t *testing.T) {
		s := newSiteIn(t, catalog.Lang("de"), map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationPending)})
		s.acceptLanguage = "en-GB,en;q=0.9,de;q=0.5"
		wantPage(t, s.do(t, http.MethodGet, "/invite/tok"), http.StatusOK, `<html lang="en">`, "You are invited to")
	})
	t.Run("DefaultLanguageForOthers", func(t *testing.T) {
		s := newSiteIn(t, catalog.Lang("de"), map[string]*storage.InvitationPage{"tok": invitation(storage.InvitationPending)})
		s.acceptLanguage = "it-IT,es;q=0.5"
		wantPage(t, s.do(t, http.MethodGet, "/invite/tok"), http.StatusOK, `<html lang="de">`, "Du bist zu Acme &lt;Learning&gt; eingeladen")
		s.acceptLanguage = ""
		wantPage(t, s.do(t, http.MethodGet, "/invite/tok"), http.StatusOK, `<html lang="de">`)
	})
}

// Package web serves what a person opens in a browser: the invitation page
// behind the link in an invitation email, its acceptance, and the CSV of a
// report.
//
// GET only shows the invitation, because mail scanners and link previews
// open links; only the POST of the page's Accept button changes anything.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/internal/throttle"
	"github.com/learnbot/learnbot/storage"
)

// maxTokenLen bounds tokens before the store sees them; real ones are far
// shorter.
const maxTokenLen = 200

// storeTimeout bounds the page's wait on the database, so that a hung one
// gets a "try again" page within 5 s (DESIGN section 5).
const storeTimeout = 4 * time.Second

// Store is what the invitation pages need from storage.
type Store interface {
	// InvitationByToken returns storage.ErrNotFound for an unknown token.
	InvitationByToken(ctx context.Context, token string) (*storage.InvitationPage, error)
	// AcceptInvitation accepts a pending invitation once and activates the
	// person; an invitation no longer pending comes back with an error
	// wrapping storage.ErrGone.
	AcceptInvitation(ctx context.Context, token string) (*storage.InvitationPage, error)
}

// Handler serves the invitation pages, in the browser's language
// (Accept-Language, German or English) or else DefaultLang.
type Handler struct {
	store Store
	log   *slog.Logger
	// DefaultLang is LEARNBOT_LANGUAGE: for browsers that ask for neither
	// German nor English. Unset means English.
	DefaultLang catalog.Lang
	// Guard limits the requests of addresses that try unknown tokens
	// (nil: no limit).
	Guard *throttle.Guard
}

// New returns the invitation pages' handler.
func New(store Store, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{store: store, log: log}
}

// Routes registers GET and POST /invite/{token}.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /invite/{token}", h.show)
	mux.HandleFunc("POST /invite/{token}", h.accept)
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) {
	inv, ok, err := h.invitation(w, r, h.store.InvitationByToken)
	switch {
	case !ok:
	case err != nil:
		h.fail(w, r, "show invitation", err)
	case inv.Status == storage.InvitationPending:
		h.render(w, http.StatusOK, invitationPage(h.lang(r), inv))
	default:
		h.render(w, http.StatusGone, gonePage(h.lang(r), inv))
	}
}

func (h *Handler) accept(w http.ResponseWriter, r *http.Request) {
	inv, ok, err := h.invitation(w, r, h.store.AcceptInvitation)
	switch {
	case !ok:
	case errors.Is(err, storage.ErrGone) && inv != nil:
		h.render(w, http.StatusGone, gonePage(h.lang(r), inv))
	case err != nil:
		h.fail(w, r, "accept invitation", err)
	default:
		h.log.InfoContext(r.Context(), "invitation accepted",
			"workspace", inv.WorkspaceID, "invitation", inv.ID, "person", inv.PersonID)
		h.render(w, http.StatusOK, welcomePage(h.lang(r), inv))
	}
}

// invitation does what both invitation pages do first: it refuses an
// address that guesses tokens, answers an overlong or unknown token as not
// found, and calls the store with the token under storeTimeout. ok is false
// when the answer has been written.
func (h *Handler) invitation(w http.ResponseWriter, r *http.Request,
	call func(ctx context.Context, token string) (*storage.InvitationPage, error)) (inv *storage.InvitationPage, ok bool, err error) {
	if h.Guard.Limited(w, r, invitePath) {
		return nil, false, nil
	}
	token := r.PathValue("token")
	if len(token) > maxTokenLen {
		h.notFound(w, r)
		return nil, false, nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	inv, err = call(ctx, token)
	if errors.Is(err, storage.ErrNotFound) {
		h.notFound(w, r)
		return nil, false, nil
	}
	return inv, true, err
}

// invitePath names the invitation page in the log of unknown tokens.
const invitePath = "/invite"

// notFound answers an unknown token: 404, or 429 to an address that tries
// too many.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	if h.Guard.Failed(w, r, invitePath, http.StatusNotFound) {
		return
	}
	h.render(w, http.StatusNotFound, notFoundPage(h.lang(r)))
}

// fail logs an unexpected error (never the token: it is a credential) and
// shows a generic page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, op string, err error) {
	h.log.ErrorContext(r.Context(), "invitation page failed", "op", op, "error", err)
	status := http.StatusInternalServerError
	if errors.Is(err, context.DeadlineExceeded) {
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "30")
	}
	h.render(w, status, errorPage(h.lang(r)))
}

func (h *Handler) render(w http.ResponseWriter, status int, p page) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// The token is in the URL: keep it out of caches and Referer headers,
	// and keep the Accept button out of other sites' frames.
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Vary", "Accept-Language")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	if err := pageTmpl.Execute(w, p); err != nil {
		h.log.Error("render invitation page", "error", err)
	}
}

// lang is the language of the page: the browser's first choice that
// learnbot speaks, else the default.
func (h *Handler) lang(r *http.Request) catalog.Lang { return pageLang(r, h.DefaultLang) }

// pageLang is the browser's first language that learnbot speaks
// (Accept-Language), else def.
func pageLang(r *http.Request, def catalog.Lang) catalog.Lang {
	if l, ok := catalog.AcceptLanguage(r.Header.Get("Accept-Language")); ok {
		return l
	}
	return def.Or(catalog.English)
}

package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

const (
	// maxBody bounds an interaction body; Discord's are a few kilobytes.
	maxBody = 1 << 20
	// signatureWindow is how far a signature timestamp may be from now.
	signatureWindow = 5 * time.Minute
)

// Routes registers the interactions endpoint. Register it only when a public
// key is configured; without one every request gets 401.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /discord/interactions", a.serveInteraction)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > maxBody {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	// Discord sends invalid signatures on purpose and removes endpoints that
	// accept them: nothing below runs for an unverified body.
	if !a.verify(r.Header, body) {
		if !a.guard.Failed(w, r, r.URL.Path, http.StatusUnauthorized) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
		}
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	first, later := a.dispatch(r.Context(), &i)
	out, err := json.Marshal(first)
	if err != nil {
		a.log.Error("encode interaction response", "platform", "discord", "workspace", i.GuildID, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
	if later == nil {
		return
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	a.followUps.Add(1)
	go func() {
		defer a.followUps.Done()
		later(context.WithoutCancel(r.Context()))
	}()
}

// verify checks Discord's Ed25519 signature over timestamp+body and that the
// timestamp is within the window: a replayed request outside it is refused
// even with a valid signature (discordgo.VerifyInteraction checks no time).
func (a *Adapter) verify(h http.Header, body []byte) bool {
	if a.key == nil {
		return false
	}
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return false
	}
	ts := h.Get("X-Signature-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	if d := a.now().Sub(time.Unix(sec, 0)); d > signatureWindow || d < -signatureWindow {
		return false
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	return ed25519.Verify(a.key, msg, sig)
}

package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxBodySize bounds a request body; larger ones get 413.
const MaxBodySize = 1 << 20

// signatureWindow is how far a request timestamp may be from now.
const signatureWindow = 5 * time.Minute

var (
	errMissingSignature = errors.New("slack: missing signature headers")
	errStaleTimestamp   = errors.New("slack: request timestamp outside the 5-minute window")
	errBadSignature     = errors.New("slack: signature does not match")
	errBodyTooLarge     = errors.New("slack: request body over 1 MiB")
)

// Sign returns the v0 signature of body sent at timestamp, as Slack puts it
// in X-Slack-Signature.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", timestamp)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// verify checks a request's v0 signature over the given body.
func verify(secret string, header http.Header, body []byte, now time.Time) error {
	sig := header.Get("X-Slack-Signature")
	ts := header.Get("X-Slack-Request-Timestamp")
	if err := checkTimestamp(secret, sig, ts, now); err != nil {
		return err
	}
	want, err := hex.DecodeString(strings.TrimPrefix(sig, "v0="))
	if err != nil || !strings.HasPrefix(sig, "v0=") {
		return errBadSignature
	}
	got, _ := hex.DecodeString(strings.TrimPrefix(Sign(secret, ts, body), "v0="))
	if !hmac.Equal(got, want) {
		return errBadSignature
	}
	return nil
}

// checkTimestamp rejects what can be rejected before the body is read.
func checkTimestamp(secret, sig, ts string, now time.Time) error {
	if secret == "" || sig == "" || ts == "" {
		return errMissingSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errStaleTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > signatureWindow || d < -signatureWindow {
		return errStaleTimestamp
	}
	return nil
}

// readSigned reads and authenticates a request body. On failure it has
// written the response (401 or 413) and returns nil.
func (a *Adapter) readSigned(w http.ResponseWriter, r *http.Request) []byte {
	now := a.now()
	if err := checkTimestamp(a.cfg.SigningSecret, r.Header.Get("X-Slack-Signature"), r.Header.Get("X-Slack-Request-Timestamp"), now); err != nil {
		a.reject(w, r, err)
		return nil
	}
	if r.ContentLength > MaxBodySize {
		a.reject(w, r, errBodyTooLarge)
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodySize))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = errBodyTooLarge
		}
		a.reject(w, r, err)
		return nil
	}
	if err := verify(a.cfg.SigningSecret, r.Header, body, now); err != nil {
		a.reject(w, r, err)
		return nil
	}
	return body
}

func (a *Adapter) reject(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusUnauthorized
	switch {
	case errors.Is(err, errBodyTooLarge):
		status = http.StatusRequestEntityTooLarge
	case errors.Is(err, errMissingSignature), errors.Is(err, errStaleTimestamp), errors.Is(err, errBadSignature):
	default:
		status = http.StatusBadRequest
	}
	if status == http.StatusUnauthorized && a.guard != nil {
		// unauthenticated: the guard logs them by the count, and answers
		// 429 to an address that sends too many
		a.log.Debug("slack request refused", "path", r.URL.Path, "status", status, "error", err)
		if a.guard.Failed(w, r, r.URL.Path, status) {
			return
		}
	} else {
		a.log.Warn("slack request refused", "path", r.URL.Path, "status", status, "error", err)
	}
	http.Error(w, http.StatusText(status), status)
}

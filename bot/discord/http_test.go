package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot/discord"
)

func TestEndpointAuthentication(t *testing.T) {
	rec := &recorder{}
	e := newEnv(t, rec, nil)
	body, _ := json.Marshal(slash(testGuild, guide, "tasks"))
	_, otherKey, _ := ed25519.GenerateKey(nil)

	refused := []struct {
		name    string
		body    []byte
		headers http.Header
	}{
		{"Unsigned", body, http.Header{"Content-Type": {"application/json"}}},
		{"SignedByAnotherKey", body, sign(otherKey, e.now, body)},
		{"ForgedSignature", body, func() http.Header {
			h := sign(e.priv, e.now, body)
			sig, _ := hex.DecodeString(h.Get("X-Signature-Ed25519"))
			sig[10] ^= 1 // well-formed, but not the signature of this body
			h.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
			return h
		}()},
		{"TamperedBody", bytes.Replace(body, []byte(`"tasks"`), []byte(`"taskz"`), 1), sign(e.priv, e.now, body)},
		{"StaleTimestamp", body, sign(e.priv, e.now.Add(-5*time.Minute-time.Second), body)},
		{"FutureTimestamp", body, sign(e.priv, e.now.Add(5*time.Minute+time.Second), body)},
		{"SignatureNotHex", body, func() http.Header {
			h := sign(e.priv, e.now, body)
			h.Set("X-Signature-Ed25519", strings.Repeat("zz", 64))
			return h
		}()},
		{"TimestampNotANumber", body, func() http.Header {
			h := sign(e.priv, e.now, body)
			h.Set("X-Signature-Timestamp", "yesterday")
			return h
		}()},
		{"TimestampHeaderMissing", body, func() http.Header {
			h := sign(e.priv, e.now, body)
			h.Del("X-Signature-Timestamp")
			return h
		}()},
	}
	for _, c := range refused {
		t.Run("401"+c.name, func(t *testing.T) {
			status, _ := e.postRaw(t, c.body, c.headers)
			if status != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", status)
			}
		})
	}
	t.Run("413BodyOverOneMiB", func(t *testing.T) {
		big := append(append([]byte(`{"type":1,"pad":"`), bytes.Repeat([]byte("x"), 1<<20)...), `"}`...)
		status, _ := e.postRaw(t, big, sign(e.priv, e.now, big))
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", status)
		}
	})
	t.Run("WithinWindowAccepted", func(t *testing.T) {
		// Signed 4 minutes ago: still inside the window.
		b, _ := json.Marshal(map[string]any{"id": "1", "application_id": testApp, "type": 1, "token": "t", "version": 1})
		status, out := e.postRaw(t, b, sign(e.priv, e.now.Add(-4*time.Minute), b))
		if status != http.StatusOK || strings.TrimSpace(string(out)) != `{"type":1}` {
			t.Errorf("got %d %s", status, out)
		}
	})
	if n := len(rec.requests()); n != 0 {
		t.Errorf("the handler ran %d times for refused requests", n)
	}
	if n := len(e.fake.Calls()); n != 0 {
		t.Errorf("refused requests caused %d calls to Discord", n)
	}
	t.Run("PingAnsweredWithPong", func(t *testing.T) {
		r := e.interact(t, map[string]any{"id": "1", "application_id": testApp, "type": 1, "token": "t", "version": 1})
		if r.Type != 1 {
			t.Errorf("type = %d, want 1 (PONG)", r.Type)
		}
	})
	t.Run("SignedRequestReachesHandler", func(t *testing.T) {
		e.interact(t, slash(testGuild, guide, "tasks"))
		if n := len(rec.requests()); n != 1 {
			t.Errorf("handler ran %d times", n)
		}
	})
}

func TestEndpointWithoutPublicKeyRefusesAll(t *testing.T) {
	rec := &recorder{}
	a, err := discord.New(discord.Config{BotToken: testToken}, rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Routes(mux)
	_, priv, _ := ed25519.GenerateKey(nil)
	body, _ := json.Marshal(slash(testGuild, guide, "tasks"))
	req := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
	req.Header = sign(priv, time.Now(), body)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized || len(rec.requests()) != 0 {
		t.Errorf("status %d, handler ran %d times", w.Code, len(rec.requests()))
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  discord.Config
	}{
		{"ErrPublicKeyNotHex", discord.Config{PublicKey: "not-hex"}},
		{"ErrPublicKeyShort", discord.Config{PublicKey: "abcd"}},
		{"ErrAPIURLNotHTTP", discord.Config{APIURL: "ftp://example.com/api"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := discord.New(c.cfg, &recorder{}, nil); err == nil {
				t.Error("no error")
			}
		})
	}
}

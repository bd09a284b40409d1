package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// discordClient sends signed Discord interactions, as Discord sends them to
// an app's interactions endpoint.
type discordClient struct {
	base  string
	key   ed25519.PrivateKey
	guild string
	app   string
	http  *http.Client
	seq   atomic.Int64
}

// discordOption is an option of an application command invocation.
type discordOption map[string]any

func strOpt(name, value string) discordOption {
	return discordOption{"name": name, "type": 3, "value": value}
}

func subOpt(name string, opts ...discordOption) discordOption {
	return discordOption{"name": name, "type": 1, "options": opts}
}

// discordAnswer is the part of an interaction response read here.
type discordAnswer struct {
	Token string `json:"-"` // the interaction's, which names its follow-ups
	Type  int    `json:"type"`
	Data  struct {
		Content string `json:"content"`
	} `json:"data"`
}

// command invokes the application command name as user (a Discord user ID)
// and returns the interaction response.
func (c *discordClient) command(ctx context.Context, user, name string, opts ...discordOption) (*discordAnswer, error) {
	n := c.seq.Add(1)
	if opts == nil {
		opts = []discordOption{}
	}
	i := map[string]any{
		"id":             strconv.FormatInt(1_300_000_000_000_000_000+n, 10),
		"application_id": c.app,
		"type":           2,
		"token":          "bench-" + strconv.FormatInt(n, 10),
		"version":        1,
		"channel_id":     "400000000000000004",
		"guild_id":       c.guild,
		"locale":         "en-US",
		"member": map[string]any{
			"user":      map[string]any{"id": user, "username": "user" + user, "discriminator": "0", "global_name": "User " + user},
			"roles":     []string{},
			"joined_at": "2024-01-01T00:00:00Z",
		},
		"data": map[string]any{"id": "500000000000000005", "name": name, "type": 1, "options": opts},
	}
	body, _ := json.Marshal(i)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/discord/interactions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(c.key, append([]byte(stamp), body...))))
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, errKind("transport", "%w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, errKind("transport", "%w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errKind("status "+strconv.Itoa(resp.StatusCode), "/%s: %.200s", name, out)
	}
	a := discordAnswer{Token: i["token"].(string)}
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, errKind("reply", "/%s: %q: %w", name, out, err)
	}
	return &a, nil
}

// expectDiscord checks an interaction response: a message (type 4) with
// wantText, or a deferred one (type 5), which counts as late.
func expectDiscord(a *discordAnswer, err error, wantText string) Outcome {
	switch {
	case err != nil:
		return Outcome{Err: err}
	case a.Type == 5:
		return Outcome{Late: true}
	case a.Type != 4:
		return Outcome{Err: errKind("reply", "response type %d", a.Type)}
	case wantText != "" && !strings.Contains(a.Data.Content, wantText):
		return Outcome{Err: errKind("reply", "want %q in %.300q", wantText, a.Data.Content)}
	}
	return Outcome{}
}

// discordKey derives the Ed25519 key pair from a hex seed of 32 bytes.
func discordKey(seedHex string) (ed25519.PrivateKey, error) {
	seed, err := hex.DecodeString(strings.TrimSpace(seedHex))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("LOADGEN_DISCORD_SEED must be %d bytes in hex", ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

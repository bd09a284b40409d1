package oapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var schemaPath = filepath.Join("..", "..", "..", "..", "..", "shared", "schemas", "discord-openapi.json")

func load(t *testing.T) *Doc {
	t.Helper()
	if _, err := os.Stat(schemaPath); err != nil {
		t.Skipf("Discord OpenAPI schema not found at %s (it lives in ../shared/schemas next to the repository)", schemaPath)
	}
	d, err := Load(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRoute(t *testing.T) {
	d := load(t)
	for _, c := range []struct{ method, path, want string }{
		{"PATCH", "/webhooks/1/tok/messages/@original", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"},
		{"PATCH", "/webhooks/1/tok/messages/5", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"},
		{"POST", "/users/@me/channels", "/users/@me/channels"},
		{"PUT", "/applications/1/guilds/2/commands", "/applications/{application_id}/guilds/{guild_id}/commands"},
		{"POST", "/interactions/1/tok/callback", "/interactions/{interaction_id}/{interaction_token}/callback"},
	} {
		if got, ok := d.Route(c.method, c.path); !ok || got != c.want {
			t.Errorf("%s %s → %q, want %q", c.method, c.path, got, c.want)
		}
	}
	if _, ok := d.Route("POST", "/no/such/thing"); ok {
		t.Error("an unknown path matched")
	}
}

func TestValidate(t *testing.T) {
	d := load(t)
	const callback = "/interactions/1/tok/callback"
	accepted := []struct{ method, path, body string }{
		{"POST", callback, `{"type":1}`},
		{"POST", callback, `{"type":4,"data":{"content":"hi","flags":64,"components":[{"type":1,"components":[{"type":2,"style":4,"label":"Force reassignment","custom_id":"decision:force:1"}]}]}}`},
		{"POST", callback, `{"type":7,"data":{"content":"done","components":[]}}`},
		{"POST", "/users/@me/channels", `{"recipient_id":"123"}`},
	}
	for _, c := range accepted {
		if err := d.ValidateRequest(c.method, c.path, []byte(c.body)); err != nil {
			t.Errorf("valid body refused: %v", err)
		}
	}
	refused := []struct{ name, method, path, body string }{
		{"ContentOver2000", "POST", callback, `{"type":4,"data":{"content":"` + strings.Repeat("x", 2001) + `"}}`},
		{"UnknownButtonStyle", "POST", callback, `{"type":4,"data":{"content":"x","components":[{"type":1,"components":[{"type":2,"style":9,"label":"x","custom_id":"a"}]}]}}`},
		{"CustomIDOver100", "POST", callback, `{"type":4,"data":{"content":"x","components":[{"type":1,"components":[{"type":2,"style":2,"label":"x","custom_id":"` + strings.Repeat("a", 101) + `"}]}]}}`},
		{"UnknownResponseType", "POST", callback, `{"type":99}`},
		{"Over25Choices", "POST", callback, `{"type":8,"data":{"choices":[` + strings.Repeat(`{"name":"a","value":"a"},`, 25) + `{"name":"a","value":"a"}]}}`},
		{"ContentNotString", "POST", "/channels/1/messages", `{"content":5}`},
		{"NotJSON", "POST", "/users/@me/channels", `{`},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			if err := d.ValidateRequest(c.method, c.path, []byte(c.body)); err == nil {
				t.Errorf("accepted %.100s", c.body)
			}
		})
	}
}

package slack_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"

	"github.com/learnbot/learnbot/bot/slack"
)

var update = flag.Bool("update", false, "rewrite manifest.yml from Manifest()")

// repoRoot is the repository root, two levels up from this package.
const repoRoot = "../.."

// schemaPath is Slack's manifest schema, kept next to the repository.
var schemaPath = filepath.Join(repoRoot, "..", "shared", "schemas", "slack-app-manifest.schema.json")

func TestManifestFile(t *testing.T) {
	want, err := slack.Manifest("", "http://localhost:8080", false)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(repoRoot, "manifest.yml")
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("manifest.yml is not Manifest(\"\", \"http://localhost:8080\"); run go test ./bot/slack -run TestManifestFile -update\n--- manifest.yml\n%s\n--- Manifest()\n%s", got, want)
	}
}

func TestManifestValidAgainstSlackSchema(t *testing.T) {
	if _, err := os.Stat(schemaPath); err != nil {
		t.Skipf("Slack manifest schema not found at %s (it lives outside the repository, in ../shared/schemas): %v", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(lookaheadRegexp)
	schema, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(repoRoot, "manifest.yml"))
	if err != nil {
		t.Fatal(err)
	}
	prefixed, err := slack.Manifest("acme-", "https://learnbot.example.com/", false)
	if err != nil {
		t.Fatal(err)
	}
	socket, err := slack.Manifest("acme-", "", true)
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{"manifest.yml": file, "Manifest(acme-)": prefixed, "SocketMode": socket} {
		t.Run(name, func(t *testing.T) {
			v := toJSONValue(t, doc)
			if err := schema.Validate(v); err != nil {
				t.Errorf("invalid manifest: %v", err)
			}
		})
	}
	t.Run("SchemaCatchesMistakes", func(t *testing.T) {
		v := toJSONValue(t, file).(map[string]any)
		v["features"].(map[string]any)["slash_commands"].([]any)[0].(map[string]any)["command"] = "assign" // no slash
		if err := schema.Validate(v); err == nil {
			t.Error("a command without its slash passed the schema")
		}
	})
}

// wantEvents are the bot events: the App Home, and the joins rules follow
// (their scopes, channels:read, groups:read, usergroups:read and
// users:read, are the directory's already).
var wantEvents = []string{"app_home_opened", "member_joined_channel", "subteam_members_changed", "team_join"}

func TestManifestContent(t *testing.T) {
	doc, err := slack.Manifest("acme-", "https://learnbot.example.com/", false)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			AppHome       map[string]bool `json:"app_home"`
			BotUser       map[string]any  `json:"bot_user"`
			SlashCommands []struct {
				Command      string `json:"command"`
				URL          string `json:"url"`
				ShouldEscape bool   `json:"should_escape"`
			} `json:"slash_commands"`
		} `json:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `json:"bot"`
			} `json:"scopes"`
		} `json:"oauth_config"`
		Settings struct {
			Events struct {
				RequestURL string   `json:"request_url"`
				BotEvents  []string `json:"bot_events"`
			} `json:"event_subscriptions"`
			Interactivity struct {
				IsEnabled  bool   `json:"is_enabled"`
				RequestURL string `json:"request_url"`
			} `json:"interactivity"`
		} `json:"settings"`
	}
	if err := yaml.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	var commands []string
	for _, c := range m.Features.SlashCommands {
		commands = append(commands, c.Command)
		if c.URL != "https://learnbot.example.com/slack/commands" || !c.ShouldEscape {
			t.Errorf("command %+v", c)
		}
	}
	if want := []string{"/acme-assign", "/acme-tasks", "/acme-learn"}; !reflect.DeepEqual(commands, want) {
		t.Errorf("commands %q, want %q", commands, want)
	}
	if !m.Features.AppHome["home_tab_enabled"] || !m.Features.AppHome["messages_tab_enabled"] || m.Features.BotUser["display_name"] == nil {
		t.Errorf("app home %v, bot user %v", m.Features.AppHome, m.Features.BotUser)
	}
	if m.Settings.Events.RequestURL != "https://learnbot.example.com/slack/events" || !reflect.DeepEqual(m.Settings.Events.BotEvents, wantEvents) {
		t.Errorf("events %+v", m.Settings.Events)
	}
	if !m.Settings.Interactivity.IsEnabled || m.Settings.Interactivity.RequestURL != "https://learnbot.example.com/slack/interactions" {
		t.Errorf("interactivity %+v", m.Settings.Interactivity)
	}
	// exactly the scopes of the Web API methods the adapter calls
	want := []string{"channels:read", "chat:write", "commands", "groups:read", "im:history", "im:write", "usergroups:read", "users:read", "users:read.email"}
	got := append([]string(nil), m.OAuth.Scopes.Bot...)
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scopes %q, want %q", got, want)
	}

	t.Run("BadPrefixRefused", func(t *testing.T) {
		if _, err := slack.Manifest("Acme ", "http://localhost:8080", false); err == nil {
			t.Error("no error")
		}
	})
	t.Run("CommandOver32CharactersRefused", func(t *testing.T) {
		if _, err := slack.Manifest(strings.Repeat("a", 26), "http://localhost:8080", false); err == nil {
			t.Error("no error")
		}
	})
	t.Run("RelativePublicURLRefused", func(t *testing.T) {
		if _, err := slack.Manifest("", "learnbot.example.com", false); err == nil {
			t.Error("no error")
		}
	})
}

// lookaheadRegexp compiles the schema's patterns with Go's regexp, which
// lacks the leading negative lookahead Slack's schema uses for domain names
// ("^(?![.-])..."): that one is matched as "not the lookahead, and the rest".
func lookaheadRegexp(s string) (jsonschema.Regexp, error) {
	if rest, ok := strings.CutPrefix(s, "^(?!"); ok {
		depth := 1
		for i, c := range rest {
			switch c {
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				not, err := regexp.Compile("^(?:" + rest[:i] + ")")
				if err != nil {
					return nil, err
				}
				then, err := regexp.Compile("^" + rest[i+1:])
				if err != nil {
					return nil, err
				}
				return lookahead{src: s, not: not, then: then}, nil
			}
		}
	}
	return regexp.Compile(s)
}

type lookahead struct {
	src       string
	not, then *regexp.Regexp
}

func (l lookahead) MatchString(s string) bool { return !l.not.MatchString(s) && l.then.MatchString(s) }
func (l lookahead) String() string            { return l.src }

// toJSONValue turns YAML into the value jsonschema validates.
func toJSONValue(t *testing.T, doc []byte) any {
	t.Helper()
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestManifestSocketMode checks the Socket Mode variant: no request URL
// anywhere, Socket Mode on, the same commands, events and interactivity.
func TestManifestSocketMode(t *testing.T) {
	doc, err := slack.Manifest("acme-", "", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "#") && (strings.Contains(line, "url:") || strings.Contains(line, "http")) {
			t.Errorf("the Socket Mode manifest has a URL: %q", line)
		}
	}
	v := toJSONValue(t, doc).(map[string]any)
	settings := v["settings"].(map[string]any)
	if settings["socket_mode_enabled"] != true {
		t.Errorf("socket_mode_enabled = %v", settings["socket_mode_enabled"])
	}
	if settings["interactivity"].(map[string]any)["is_enabled"] != true {
		t.Error("interactivity is off")
	}
	events := settings["event_subscriptions"].(map[string]any)["bot_events"].([]any)
	if fmt.Sprint(events) != fmt.Sprint(wantEvents) {
		t.Errorf("bot events %v, want %v", events, wantEvents)
	}
	cmds := v["features"].(map[string]any)["slash_commands"].([]any)
	if len(cmds) != 3 || cmds[0].(map[string]any)["command"] != "/acme-assign" {
		t.Errorf("commands %v", cmds)
	}
	http, err := slack.Manifest("acme-", "https://learnbot.example.com", false)
	if err != nil {
		t.Fatal(err)
	}
	if hv := toJSONValue(t, http).(map[string]any); hv["settings"].(map[string]any)["socket_mode_enabled"] != false {
		t.Error("the HTTP manifest turns Socket Mode on")
	}
}

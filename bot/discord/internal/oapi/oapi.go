// Package oapi checks request bodies against the request-body schemas of an
// OpenAPI 3.1 document, so that tests of the Discord adapter can prove every
// body learnbot sends is one Discord documents.
package oapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// resource is the URL the document is known by inside the compiler; refs like
// "#/components/schemas/X" resolve against it.
const resource = "https://schemas.invalid/openapi.json"

// Doc is a loaded OpenAPI document.
type Doc struct {
	paths []route

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
}

type route struct {
	template string
	pattern  *regexp.Regexp
	params   int
	methods  map[string]bool
}

// Load reads an OpenAPI document (JSON) from path.
func Load(path string) (*Doc, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("oapi: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("oapi: parse %s: %w", path, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(resource, doc); err != nil {
		return nil, fmt.Errorf("oapi: %w", err)
	}
	d := &Doc{compiler: c, schemas: map[string]*jsonschema.Schema{}}
	top, _ := doc.(map[string]any)
	paths, _ := top["paths"].(map[string]any)
	if len(paths) == 0 {
		return nil, fmt.Errorf("oapi: %s has no paths", path)
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	for tmpl, item := range paths {
		r := route{template: tmpl, methods: map[string]bool{}}
		parts := param.Split(tmpl, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		r.pattern = regexp.MustCompile("^" + strings.Join(parts, "[^/]+") + "$")
		r.params = len(parts) - 1
		if ops, ok := item.(map[string]any); ok {
			for m := range ops {
				r.methods[strings.ToUpper(m)] = true
			}
		}
		d.paths = append(d.paths, r)
	}
	return d, nil
}

// Route finds the path template of the document that a concrete request path
// (without the API base, e.g. "/users/@me/channels") matches. Where several
// match, the one with the fewest parameters wins ("/messages/@original" over
// "/messages/{message_id}").
func (d *Doc) Route(method, path string) (string, bool) {
	best := -1
	for i, r := range d.paths {
		if !r.methods[method] || !r.pattern.MatchString(path) {
			continue
		}
		if best < 0 || r.params < d.paths[best].params {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return d.paths[best].template, true
}

// RequestSchema compiles the application/json request-body schema of one
// operation, e.g. ("POST", "/users/@me/channels").
func (d *Doc) RequestSchema(method, template string) (*jsonschema.Schema, error) {
	loc := resource + "#/paths/" + pointerToken(template) + "/" + strings.ToLower(method) +
		"/requestBody/content/application~1json/schema"
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.schemas[loc]; ok {
		return s, nil
	}
	s, err := d.compiler.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("oapi: compile %s %s: %w", method, template, err)
	}
	d.schemas[loc] = s
	return s, nil
}

// ValidateRequest checks a JSON body sent as method to a concrete path.
func (d *Doc) ValidateRequest(method, path string, body []byte) error {
	tmpl, ok := d.Route(method, path)
	if !ok {
		return fmt.Errorf("oapi: no operation %s %s in the document", method, path)
	}
	return d.Validate(method, tmpl, body)
}

// Validate checks a JSON body against the request-body schema of the
// operation method+template.
func (d *Doc) Validate(method, template string, body []byte) error {
	s, err := d.RequestSchema(method, template)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("oapi: body of %s %s is not JSON: %w", method, template, err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("oapi: body of %s %s: %w\nbody: %s", method, template, err, body)
	}
	return nil
}

// pointerToken escapes a key for a JSON pointer (RFC 6901) inside a URL
// fragment: "~" and "/" as the pointer needs, "%" so the fragment's percent
// decoding leaves it alone.
func pointerToken(key string) string {
	key = strings.ReplaceAll(key, "~", "~0")
	key = strings.ReplaceAll(key, "/", "~1")
	return strings.ReplaceAll(key, "%", "%25")
}

// Compact re-encodes JSON without insignificant space, for messages.
func Compact(body []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, body) != nil {
		return string(body)
	}
	return b.String()
}

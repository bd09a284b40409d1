package fakeslack

import (
	"encoding/json"
	"strings"
)

// Block is the part of a Block Kit block that tests look at.
type Block struct {
	Type     string    `json:"type"`
	BlockID  string    `json:"block_id"`
	Text     *Text     `json:"text"`
	Elements []Element `json:"elements"`
}

// Text is a Block Kit text object.
type Text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// Element is an element of an actions or context block: a button, or a text
// object of its own.
type Element struct {
	Type     string `json:"type"`
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
	Style    string `json:"style"`
	Text     *Text  `json:"text"`
}

// UnmarshalJSON reads both kinds of element: a button's text is an object,
// a context element's text is the string of the element itself.
func (e *Element) UnmarshalJSON(b []byte) error {
	type plain Element
	var raw struct {
		plain
		RawText json.RawMessage `json:"text"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = Element(raw.plain)
	switch {
	case len(raw.RawText) == 0:
	case raw.RawText[0] == '"':
		e.Text = &Text{Type: e.Type}
		return json.Unmarshal(raw.RawText, &e.Text.Text)
	default:
		e.Text = &Text{}
		return json.Unmarshal(raw.RawText, e.Text)
	}
	return nil
}

// Button is a button as a user sees it.
type Button struct{ Label, Value, Style string }

// ButtonsOf lists the buttons of blocks in order.
func ButtonsOf(blocks []Block) []Button {
	var out []Button
	for _, b := range blocks {
		if b.Type != "actions" {
			continue
		}
		for _, e := range b.Elements {
			var label string
			if e.Text != nil {
				label = e.Text.Text
			}
			out = append(out, Button{Label: label, Value: e.Value, Style: e.Style})
		}
	}
	return out
}

// TextOf joins the text of sections and context blocks, one a line.
func TextOf(blocks []Block) string {
	var parts []string
	for _, b := range blocks {
		switch {
		case b.Text != nil:
			parts = append(parts, b.Text.Text)
		case b.Type == "context":
			for _, e := range b.Elements {
				if e.Text != nil {
					parts = append(parts, e.Text.Text)
				} else {
					parts = append(parts, "")
				}
			}
		}
	}
	return strings.Join(parts, "\n")
}

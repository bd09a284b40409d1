package matrix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
)

// choice is one button of a reply as Matrix shows it: a number, the
// reaction that picks it, and the action it stands for. A message carries
// its choices in its content (choicesField), so that a reaction can be
// mapped to its action by any replica, after any restart.
type choice struct {
	N      int    `json:"n"`
	Key    string `json:"key,omitempty"` // the reaction offered; "" past the tenth choice
	Label  string `json:"label"`
	Action string `json:"action"`
}

// choicesField holds a message's choices in its content.
const choicesField = "org.learnbot.choices"

// keycaps are the reactions offered for choices 1 to 10.
var keycaps = []string{"1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"}

// symbols are the reactions that stand for a button by what it does
// (DESIGN 5, Matrix): ✅ for Mark done and Accept, ↩️ for Undo, keyed by the
// button's action name. A symbol is offered only where one button of a
// message has it (a DM, a list with one open task); several get numbers.
var symbols = map[string]string{"done": "✅", "accept": "✅", "undo": "↩️"}

// symbolOf is the symbol of a button, "" when it has none.
func symbolOf(btn bot.Button) string {
	return symbols[(&bot.Action{ID: btn.ID}).Name()]
}

// render is a reply as a notice's text: the heading, each item with its
// numbered choices under it, the reply's own choices, the footer and, when
// there are choices, how to choose.
func render(r *bot.Reply) (string, []choice) {
	uses := map[string]int{}
	for _, btn := range r.AllButtons() {
		uses[symbolOf(btn)]++
	}
	var b strings.Builder
	var choices []choice
	var offered []string
	number := func(bs []bot.Button, pad string) {
		for _, btn := range bs {
			c := choice{N: len(choices) + 1, Label: btn.Label, Action: btn.ID}
			if sym := symbolOf(btn); sym != "" && uses[sym] == 1 {
				c.Key = sym
			} else if c.N <= len(keycaps) {
				c.Key = keycaps[c.N-1]
			}
			if c.Key != "" {
				offered = append(offered, c.Key)
			}
			choices = append(choices, c)
			fmt.Fprintf(&b, "\n%s%d %s", pad, c.N, btn.Label)
		}
	}
	b.WriteString(r.Text)
	for _, it := range r.Items {
		b.WriteString("\n• " + it.Line())
		number(it.Buttons, "   ")
	}
	number(r.Buttons, "")
	if r.Footer != "" {
		b.WriteString("\n" + r.Footer)
	}
	if len(choices) > 0 {
		b.WriteString("\n" + r.Lang.Say(msgHowToChoose, catalog.Vars{"Reactions": strings.Join(offered, " ")}))
	}
	return strings.TrimLeft(b.String(), "\n"), choices
}

// answer sends reply as a notice in room, replying to the event inReplyTo
// (none when ""), and offers its choices as reactions. txn makes the send
// safe to repeat, reactions included: the homeserver takes a transaction
// ID once per device and room.
func (a *Adapter) answer(ctx context.Context, room id.RoomID, inReplyTo id.EventID, reply *bot.Reply, txn string) (id.EventID, error) {
	text, choices := render(reply)
	content := &event.MessageEventContent{MsgType: event.MsgNotice, Body: text, Mentions: &event.Mentions{}}
	if inReplyTo != "" {
		content.RelatesTo = (&event.RelatesTo{}).SetReplyTo(inReplyTo)
	}
	var raw map[string]any
	if len(choices) > 0 {
		raw = map[string]any{choicesField: choices}
	}
	resp, err := a.send(ctx, room, event.EventMessage, &event.Content{Parsed: content, Raw: raw}, txn)
	if err != nil {
		return "", fmt.Errorf("matrix: send a notice: %w", err)
	}
	if len(choices) > 0 {
		a.prompts.Put(resp.EventID, choices)
		return resp.EventID, a.offer(ctx, room, resp.EventID, choices, txn)
	}
	return resp.EventID, nil
}

// offer reacts to the bot's own message with the reaction of each choice,
// so that choosing is one click. The message works without them (a reply
// with the number chooses too); the error says they are not all there.
func (a *Adapter) offer(ctx context.Context, room id.RoomID, msg id.EventID, choices []choice, txn string) error {
	for _, c := range choices {
		if c.Key == "" {
			continue
		}
		content := &event.ReactionEventContent{RelatesTo: *(&event.RelatesTo{}).SetAnnotation(msg, c.Key)}
		if _, err := a.send(ctx, room, event.EventReaction, content, txn+".r"+strconv.Itoa(c.N)); err != nil {
			return fmt.Errorf("matrix: offer a choice as a reaction: %w", err)
		}
	}
	return nil
}

// edit replaces the text of the bot's message target with reply
// (m.replace), the outcome of a choice; its choices, if any, replace the
// message's.
func (a *Adapter) edit(ctx context.Context, room id.RoomID, target id.EventID, reply *bot.Reply, txn string) error {
	text, choices := render(reply)
	content := &event.MessageEventContent{MsgType: event.MsgNotice, Body: text}
	content.SetEdit(target)
	raw := map[string]any{"m.new_content": map[string]any{choicesField: choices}}
	if _, err := a.send(ctx, room, event.EventMessage, &event.Content{Parsed: content, Raw: raw}, txn); err != nil {
		return fmt.Errorf("matrix: edit a message: %w", err)
	}
	a.prompts.Put(target, choices)
	if len(choices) > 0 {
		return a.offer(ctx, room, target, choices, txn)
	}
	return nil
}

// choicesOf are the choices of the bot's message msg: as last edited by
// this process, else as sent.
func (a *Adapter) choicesOf(ctx context.Context, room id.RoomID, msg id.EventID) []choice {
	if cs, ok := a.prompts.Get(msg); ok {
		return cs
	}
	evt, err := a.api.GetEvent(ctx, room, msg)
	if err != nil || evt.Sender != a.self() {
		return nil
	}
	evt = a.readable(ctx, evt)
	var content struct {
		Choices []choice `json:"org.learnbot.choices"`
	}
	if err := json.Unmarshal(evt.Content.VeryRaw, &content); err != nil {
		return nil
	}
	return content.Choices
}

// onReaction takes a reaction to a message with choices as a choice.
func (a *Adapter) onReaction(ctx context.Context, evt *event.Event) {
	rel := evt.Content.AsReaction().RelatesTo
	if rel.Type != event.RelAnnotation || rel.EventID == "" {
		return
	}
	a.choose(ctx, evt, rel.EventID, rel.Key)
}

// choose presses the button of the bot's message target that what picks: a
// reaction key, a number or a label. Anything else is no choice and is
// left alone. The outcome edits the message; any other answer (a refusal:
// someone else's prompt, already decided) replies to the chooser.
func (a *Adapter) choose(ctx context.Context, evt *event.Event, target id.EventID, what string) {
	choices := a.choicesOf(ctx, evt.RoomID, target)
	c, ok := pick(choices, what)
	if !ok || !a.firstSight(ctx, evt) {
		return
	}
	req := a.request(ctx, evt.Sender)
	req.Action = &bot.Action{ID: c.Action}
	reply := a.handler.Handle(ctx, req)
	txn := txnFor("choice", evt.ID)
	err := patiently(ctx, func() error {
		if reply.Replace {
			return a.edit(ctx, evt.RoomID, target, reply, txn)
		}
		_, err := a.answer(ctx, evt.RoomID, evt.ID, reply, txn)
		return err
	})
	if err != nil {
		a.log.Error("matrix: could not answer a choice", "platform", "matrix", "room", evt.RoomID, "error", err)
	}
}

// pick finds the choice that what names: its reaction, its number, its
// label, or its action's name and number ("done 2" marks the second task
// of a list done).
func pick(choices []choice, what string) (choice, bool) {
	what = strings.TrimSpace(strings.ReplaceAll(what, "\ufe0f", ""))
	if what == "" {
		return choice{}, false
	}
	verb, n, _ := strings.Cut(strings.Join(strings.Fields(what), " "), " ")
	for _, c := range choices {
		if c.Key != "" && what == strings.ReplaceAll(c.Key, "\ufe0f", "") || what == strconv.Itoa(c.N) ||
			strings.EqualFold(what, c.Label) ||
			n == strconv.Itoa(c.N) && strings.EqualFold(verb, (&bot.Action{ID: c.Action}).Name()) {
			return c, true
		}
	}
	return choice{}, false
}

// txnFor derives a transaction ID from what caused a send, so that sending
// again for the same cause (a retry, a redelivered event) is taken once.
func txnFor(kind string, cause any) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(kind, ":", cause)))
	return "learnbot." + kind + "." + hex.EncodeToString(sum[:16])
}

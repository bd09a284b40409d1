package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// languageChoices are what the language command takes: a registered tag,
// or auto.
func languageChoices() []string {
	var choices []string
	for _, l := range catalog.Tags() {
		choices = append(choices, string(l))
	}
	return append(choices, "auto")
}

// language shows or sets the caller's language: a registered tag, or auto (follow
// the platform, else LEARNBOT_LANGUAGE). The reply is in the language that
// holds from now on.
func (h *Handlers) language(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) > 1 {
		return nil, model.UsageErr(req.Lang, msgLanguageBad, catalog.Vars{"Arg": strconv.Quote(rest(req.Params)), "Choices": strings.Join(languageChoices(), "|")})
	}
	p, err := h.store.PersonByChat(ctx, req.Platform, req.Workspace, req.Actor.ID)
	if err != nil {
		return nil, err
	}
	if len(req.Params) == 0 {
		why := msgLanguageDefault
		switch {
		case p.Language != "":
			why = msgLanguageChosen
		case p.PlatformLanguage != "":
			why = msgLanguageFollows
		}
		return bot.Say(req.Lang, msgLanguageShow, catalog.Vars{"Lang": req.Lang.Or(catalog.English).Name(),
			"Why": req.Lang.Say(why, nil), "Cmd": req.Slash("language"), "Choices": strings.Join(languageChoices(), "|")}), nil
	}
	arg := strings.ToLower(req.Params[0].Text)
	var chosen catalog.Lang
	if arg != "auto" {
		l, ok := catalog.ParseLang(arg)
		if !ok || string(l) != arg {
			return nil, model.UsageErr(req.Lang, msgLanguageBad, catalog.Vars{"Arg": strconv.Quote(req.Params[0].Text), "Choices": strings.Join(languageChoices(), "|")})
		}
		chosen = l
	}
	if err := h.store.SetLanguage(ctx, req.Caller.WorkspaceID, req.Caller.PersonID, chosen); err != nil {
		return nil, err
	}
	p.Language = chosen
	l := p.Lang(h.cfg.Language).Or(catalog.English)
	r := bot.Say(l, msgLanguageAuto, catalog.Vars{"Lang": l.Name()})
	if chosen != "" {
		r = bot.Say(l, msgLanguageSet, nil)
	}
	r.Homes = []model.User{req.Actor} // their own page, in the new language
	return r, nil
}

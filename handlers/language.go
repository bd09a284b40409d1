package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// langNames name the languages learnbot speaks, in the reader's language.
var langNames = map[bot.Lang]*i18n.Message{bot.English: msgLangEnglish, bot.German: msgLangGerman}

// language shows or sets the caller's language: en, de, or auto (follow
// the platform, else LEARNBOT_LANGUAGE). The reply is in the language that
// holds from now on.
func (h *Handlers) language(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) > 1 {
		return nil, req.Lang.UsageErr(msgLanguageBad, bot.Vars{"Arg": strconv.Quote(rest(req.Params))})
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
		return req.Lang.Reply(msgLanguageShow, bot.Vars{"Lang": req.Lang.Say(langNames[req.Lang.Or(bot.English)], nil),
			"Why": req.Lang.Say(why, nil), "Cmd": req.Slash("language")}), nil
	}
	arg := strings.ToLower(req.Params[0].Text)
	var chosen bot.Lang
	if arg != "auto" {
		l, ok := bot.ParseLang(arg)
		if !ok || string(l) != arg {
			return nil, req.Lang.UsageErr(msgLanguageBad, bot.Vars{"Arg": strconv.Quote(req.Params[0].Text)})
		}
		chosen = l
	}
	if err := h.store.SetLanguage(ctx, req.Caller.WorkspaceID, req.Caller.PersonID, chosen); err != nil {
		return nil, err
	}
	p.Language = chosen
	l := p.Lang(h.cfg.Language).Or(bot.English)
	r := l.Reply(msgLanguageAuto, bot.Vars{"Lang": l.Say(langNames[l], nil)})
	if chosen != "" {
		r = l.Reply(msgLanguageSet, nil)
	}
	r.Homes = []bot.User{req.Actor} // their own page, in the new language
	return r, nil
}

package main

import (
	"net/http"

	"github.com/learnbot/learnbot/internal/fakediscord"
	"github.com/learnbot/learnbot/internal/fakerecord"
	"github.com/learnbot/learnbot/internal/fakeslack"
)

// fakes is what `loadgen fake` serves: the fake Slack at the root (learnbot's
// LEARNBOT_SLACK_API_URL is <fake>/api/) and the fake Discord under
// /discord/ (LEARNBOT_DISCORD_API_URL is <fake>/discord/api/v10/), both
// counting only and sharing one record, so that bench reads one /stats,
// /wait and /reset for both platforms.
type fakes struct {
	slack   *fakeslack.Server
	discord *fakediscord.Server
	mux     *http.ServeMux
}

func newFakes(slackToken, discordToken string) *fakes {
	rec := fakerecord.New()
	f := &fakes{
		slack:   fakeslack.New(slackToken, fakeslack.CountOnly(), fakeslack.RecordTo(rec)),
		discord: fakediscord.New(discordToken, fakediscord.CountOnly(), fakediscord.RecordTo(rec)),
		mux:     http.NewServeMux(),
	}
	f.mux.Handle("/discord/", http.StripPrefix("/discord", f.discord))
	f.mux.Handle("/", f.slack)
	return f
}

func (f *fakes) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

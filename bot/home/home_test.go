package home_test

import (
	"context"
	"errors"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/home"
	"github.com/learnbot/learnbot/model"
)

// source composes a home naming whose it is.
type source struct{ err error }

func (s source) Home(_ context.Context, platform, workspace string, user model.User) (*bot.Reply, error) {
	return &bot.Reply{Text: platform + "/" + workspace + "/" + user.ID}, s.err
}

// publisher records what it was asked to publish.
type publisher struct{ got []string }

func (p *publisher) PublishHome(_ context.Context, workspace string, user model.User, h *bot.Reply, notice string) error {
	p.got = append(p.got, h.Text+" notice="+notice)
	return nil
}

func TestRefresh(t *testing.T) {
	ctx := context.Background()
	anna := model.User{ID: "U1", Name: "anna"}
	t.Run("PublishesWhatTheSourceComposed", func(t *testing.T) {
		p := &publisher{}
		r := home.New(source{})
		r.Attach(model.PlatformSlack, p)
		if err := r.Refresh(ctx, model.PlatformSlack, "T1", anna, "Done."); err != nil {
			t.Fatal(err)
		}
		if len(p.got) != 1 || p.got[0] != "slack/T1/U1 notice=Done." {
			t.Fatalf("published %q", p.got)
		}
	})
	t.Run("NothingOnAPlatformWithoutAHome", func(t *testing.T) {
		p := &publisher{}
		r := home.New(source{err: errors.New("must not be asked")})
		r.Attach(model.PlatformSlack, p)
		if err := r.Refresh(ctx, model.PlatformDiscord, "G1", anna, ""); err != nil {
			t.Fatal(err)
		}
		if len(p.got) != 0 {
			t.Fatalf("published %q on Discord", p.got)
		}
	})
	t.Run("ErrSourceNothingPublished", func(t *testing.T) {
		p := &publisher{}
		r := home.New(source{err: errors.New("database down")})
		r.Attach(model.PlatformSlack, p)
		if err := r.Refresh(ctx, model.PlatformSlack, "T1", anna, ""); err == nil {
			t.Fatal("no error from a failing source")
		}
		if len(p.got) != 0 {
			t.Fatalf("published %q after an error", p.got)
		}
	})
}

// Package home keeps each person's own page (Slack's App Home tab) up to
// date. Its Refresher is the one component that asks handlers what a
// person's home shows (their Home entry point) and publishes it through the
// adapter of the platform. Adapters only say whose home to refresh, from
// the data of what they handle: a reply's Homes, a DM's recipient, the
// presser of a button, a person opening the tab. No adapter calls handlers
// for a home.
package home

import (
	"context"
	"fmt"
	"sync"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

// Source composes a person's home (handlers.Handlers is one). It must not
// write: it runs whenever a home is opened or refreshed.
type Source interface {
	Home(ctx context.Context, platform, workspace string, user model.User) (*bot.Reply, error)
}

// Publisher shows a composed home to its person (the Slack adapter is one),
// with notice, a reply to show on top, when not "".
type Publisher interface {
	PublishHome(ctx context.Context, workspace string, user model.User, home *bot.Reply, notice string) error
}

// Refresher composes homes and publishes them on the platforms attached.
type Refresher struct {
	source Source

	mu         sync.RWMutex
	publishers map[string]Publisher // by platform
}

// New returns a refresher of the homes source composes.
func New(source Source) *Refresher {
	return &Refresher{source: source, publishers: map[string]Publisher{}}
}

// Attach publishes the homes of platform through p: the adapter is made
// with the refresher, then attached.
func (r *Refresher) Attach(platform string, p Publisher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.publishers[platform] = p
}

// Refresh publishes user's home now, notice on top. On a platform with no
// publisher attached it does nothing: there is no home to show.
func (r *Refresher) Refresh(ctx context.Context, platform, workspace string, user model.User, notice string) error {
	r.mu.RLock()
	p := r.publishers[platform]
	r.mu.RUnlock()
	if p == nil {
		return nil
	}
	reply, err := r.source.Home(ctx, platform, workspace, user)
	if err != nil {
		return fmt.Errorf("home: %s home of %s: %w", platform, user.ID, err)
	}
	return p.PublishHome(ctx, workspace, user, reply, notice)
}

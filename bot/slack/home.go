package slack

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
	slackgo "github.com/slack-go/slack"
)

// refreshHome has the user's App Home refreshed (see Homes), with an
// optional notice on top.
func (a *Adapter) refreshHome(ctx context.Context, team string, user model.User, notice string) error {
	if a.home == nil {
		return nil
	}
	return a.home.Refresh(ctx, model.PlatformSlack, team, user, notice)
}

// PublishHome publishes a user's App Home tab (home.Publisher): home is
// what handlers composed (their tasks), notice a reply to show on top.
func (a *Adapter) PublishHome(ctx context.Context, team string, user model.User, home *bot.Reply, notice string) error {
	view := homeView(home, notice, a.commandText(cmdTasks))
	if _, err := a.web.PublishViewContext(ctx, slackgo.PublishViewContextRequest{UserID: user.ID, View: view}); err != nil {
		return fmt.Errorf("slack: views.publish: %w", err)
	}
	return nil
}

// homeOpenedKey is the EventDedup key recording that a user has opened
// their App Home at least once.
func homeOpenedKey(team, user string) string { return "slack:home:" + team + ":" + user }

// homeRefreshers bounds the Home tabs refreshed at once after DMs: a fan-out
// of thousands of DMs must not spend the queue's workers on them.
const homeRefreshers = 2

// homeQueue refreshes App Home tabs after DMs, outside the DM's job: a
// user who gets several DMs in a row has their Home published once, and the
// DM counts as delivered as soon as it is posted. Only Homes opened before
// are refreshed. A refresh lost to a restart costs nothing lasting: opening
// the tab publishes it again.
type homeQueue struct {
	mu      sync.Mutex
	pending map[teamUser]model.User
	order   []teamUser
	running int
	stopped bool
}

// refreshHomeSoon queues a refresh of the user's Home unless one is waiting.
func (a *Adapter) refreshHomeSoon(team string, user model.User) {
	if a.home == nil {
		return
	}
	q := &a.homes
	key := teamUser{team, user.ID}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return
	}
	if _, waiting := q.pending[key]; waiting {
		q.pending[key] = user
		return
	}
	if q.pending == nil {
		q.pending = map[teamUser]model.User{}
	}
	q.pending[key] = user
	q.order = append(q.order, key)
	if q.running < homeRefreshers {
		q.running++
		a.background.Add(1)
		go a.refreshHomes()
	}
}

// homeBatch is how many queued Homes one refresher takes at a time: whether
// their users ever opened them is one question to the store for all.
const homeBatch = 100

// seenAmong is an EventDedup that answers for many keys at once (the
// store is one).
type seenAmong interface {
	SeenAmong(ctx context.Context, keys []string) (map[string]bool, error)
}

// refreshHomes publishes queued Homes until none is left.
func (a *Adapter) refreshHomes() {
	defer a.background.Done()
	q := &a.homes
	for {
		q.mu.Lock()
		if len(q.order) == 0 || q.stopped {
			q.running--
			q.mu.Unlock()
			return
		}
		batch := q.order[:min(homeBatch, len(q.order))]
		q.order = q.order[len(batch):]
		users := make([]model.User, len(batch))
		for i, key := range batch {
			users[i] = q.pending[key]
			delete(q.pending, key)
		}
		q.mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		// A Home never opened is published when it is (app_home_opened):
		// a fan-out to thousands must not cost thousands of views.publish.
		opened, err := a.homesOpened(ctx, batch)
		for i, key := range batch {
			if err != nil || opened[i] {
				if err := a.refreshHome(ctx, key.team, a.actor(ctx, key.user, users[i].Name), ""); err != nil {
					a.log.Warn("refreshing App Home after a DM failed", "workspace", key.team, "user", key.user, "error", err)
				}
			}
		}
		cancel()
	}
}

// homesOpened reports, for each user, whether they have opened their App
// Home: in one question when the dedup store can answer it so.
func (a *Adapter) homesOpened(ctx context.Context, users []teamUser) ([]bool, error) {
	opened := make([]bool, len(users))
	keys := make([]string, len(users))
	for i, u := range users {
		keys[i] = homeOpenedKey(u.team, u.user)
	}
	if many, ok := a.dedup.(seenAmong); ok {
		seen, err := many.SeenAmong(ctx, keys)
		if err != nil {
			return nil, err
		}
		for i, k := range keys {
			opened[i] = seen[k]
		}
		return opened, nil
	}
	for i, k := range keys {
		seen, err := a.dedup.Seen(ctx, k)
		if err != nil {
			return nil, err
		}
		opened[i] = seen
	}
	return opened, nil
}

// stop drops the refreshes not yet started.
func (q *homeQueue) stop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.stopped = true
	q.order, q.pending = nil, nil
}

// idle reports whether no refresh is queued or running.
func (q *homeQueue) idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.running == 0 && len(q.order) == 0
}

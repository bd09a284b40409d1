package slack

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// slackUser is what learnbot keeps of a users.info answer.
type slackUser struct {
	model.User
	// NotPerson marks bots, Slackbot and deactivated accounts: never
	// assignment targets.
	NotPerson bool
}

func toSlackUser(u *slackgo.User) slackUser {
	return slackUser{
		User: model.User{
			ID:    u.ID,
			Name:  firstNonEmpty(u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name, u.ID),
			Email: u.Profile.Email,
			// users.info is asked with include_locale (slack-go's default).
			Lang: platformLang(u.Locale),
			TZ:   u.TZ, // for due dates and reminders; storage ignores names it cannot load
		},
		NotPerson: u.IsBot || u.Deleted || u.ID == "USLACKBOT",
	}
}

// platformLang is the language of a Slack locale ("de-DE"), if learnbot
// speaks it.
func platformLang(locale string) catalog.Lang {
	l, _ := catalog.ParseLang(locale)
	return l
}

// userCache keeps users.info answers for a while: names and emails change
// rarely and every command needs its actor's. Each replica has its own; a
// stale name for a few minutes is harmless.
type userCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	entries map[string]cachedUser
	fetch   func(ctx context.Context, id string) (slackUser, error)
}

type cachedUser struct {
	user    slackUser
	expires time.Time
}

func newUserCache(ttl time.Duration, max int) *userCache {
	return &userCache{ttl: ttl, max: max, entries: map[string]cachedUser{}}
}

func (c *userCache) cached(id string) (slackUser, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || time.Now().After(e.expires) {
		return slackUser{}, false
	}
	return e.user, true
}

func (c *userCache) put(u slackUser) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for id, e := range c.entries {
			if now.After(e.expires) {
				delete(c.entries, id)
			}
		}
		if len(c.entries) >= c.max {
			c.evictOldest(len(c.entries) - c.max + c.max/10 + 1)
		}
	}
	c.entries[u.ID] = cachedUser{user: u, expires: now.Add(c.ttl)}
}

// evictOldest drops the n entries that expire first, which, with one TTL
// for all, are the ones fetched longest ago. Dropping a tenth at a time keeps
// the sort rare; dropping everything would send a large workspace back to
// users.info all at once.
func (c *userCache) evictOldest(n int) {
	ids := make([]string, 0, len(c.entries))
	for id := range c.entries {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return c.entries[a].expires.Compare(c.entries[b].expires) })
	for _, id := range ids[:min(n, len(ids))] {
		delete(c.entries, id)
	}
}

func (c *userCache) get(ctx context.Context, id string) (slackUser, error) {
	if u, ok := c.cached(id); ok {
		return u, nil
	}
	u, err := c.fetch(ctx, id)
	if err != nil {
		return slackUser{}, err
	}
	c.put(u)
	return u, nil
}

func (a *Adapter) fetchUser(ctx context.Context, id string) (slackUser, error) {
	u, err := a.web.GetUserInfoContext(ctx, id)
	if err != nil {
		return slackUser{}, fmt.Errorf("slack: users.info %s: %w", id, err)
	}
	if u == nil || u.ID != id {
		// ok with an empty (or another) user: the request's own user ID is
		// the one to trust, so the caller falls back to it.
		return slackUser{}, fmt.Errorf("slack: users.info %s: answered without that user", id)
	}
	return toSlackUser(u), nil
}

// actor is the Slack user behind a request, with display name and email
// from users.info. When Slack cannot tell, the name from the payload will do.
func (a *Adapter) actor(ctx context.Context, id, name string) model.User {
	u, err := a.users.get(ctx, id)
	if err != nil {
		a.log.Warn("users.info failed; using the name from the request", "user", id, "error", err)
		return model.User{ID: id, Name: firstNonEmpty(name, id)}
	}
	return u.User
}

// maxLookups bounds the users.info calls one request may make for names of
// mentioned users or group members; the rest go by ID until they are cached.
const maxLookups = 100

// lookupUsers returns the users with these IDs, named from the cache or
// users.info (8 at a time), which it asks about at most *lookups users
// (and counts them off). Users that could not be looked up keep only their
// ID: a name learnbot does not know is shown as the ID, as storage keeps it.
func (a *Adapter) lookupUsers(ctx context.Context, ids []string, lookups *int) []slackUser {
	out := make([]slackUser, len(ids))
	var missing []int
	for i, id := range ids {
		if u, ok := a.users.cached(id); ok {
			out[i] = u
			continue
		}
		out[i] = slackUser{User: model.User{ID: id}}
		if *lookups > 0 {
			*lookups--
			missing = append(missing, i)
		}
	}
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, i := range missing {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			u, err := a.users.get(ctx, ids[i])
			if err != nil {
				a.log.Debug("users.info failed", "user", ids[i], "error", err)
				return
			}
			out[i] = u
		})
	}
	wg.Wait()
	return out
}

// enrichMentions fills display names and emails of mentioned users.
func (a *Adapter) enrichMentions(ctx context.Context, args []bot.Arg) {
	var ids []string
	var at []int
	for i, arg := range args {
		if arg.User != nil {
			ids = append(ids, arg.User.ID)
			at = append(at, i)
		}
	}
	if len(ids) == 0 {
		return
	}
	lookups := maxLookups
	for k, u := range a.lookupUsers(ctx, ids, &lookups) {
		arg := &args[at[k]]
		if u.Name == "" {
			continue // lookup failed: keep the label Slack sent
		}
		user := u.User // name, email, language and time zone
		arg.User = &user
	}
}

package slack

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/learnbot/learnbot/model"
)

// A full cache drops its oldest answers, not all of them: the users looked
// up last are still served without a call to users.info.
func TestUserCacheEvictsOldest(t *testing.T) {
	calls := 0
	c := newUserCache(time.Hour, 100)
	c.fetch = func(_ context.Context, id string) (slackUser, error) {
		calls++
		return slackUser{User: model.User{ID: id, Name: "name of " + id}}, nil
	}
	ctx := context.Background()
	for i := range 101 {
		if _, err := c.get(ctx, fmt.Sprintf("U%03d", i)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Microsecond) // distinct expiry times
	}
	if len(c.entries) > 100 {
		t.Fatalf("cache holds %d entries, limit 100", len(c.entries))
	}
	calls = 0
	for i := 50; i < 101; i++ {
		u, err := c.get(ctx, fmt.Sprintf("U%03d", i))
		if err != nil || u.Name != fmt.Sprintf("name of U%03d", i) {
			t.Fatalf("get U%03d = %+v, %v", i, u, err)
		}
	}
	if calls != 0 {
		t.Errorf("the 51 newest users cost %d users.info calls after eviction, want 0", calls)
	}
	if _, ok := c.cached("U000"); ok {
		t.Error("the oldest user is still cached")
	}
}

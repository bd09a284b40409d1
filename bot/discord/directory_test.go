package discord_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/model"
)

func TestGroupMembers(t *testing.T) {
	const role = "800000000000000001"
	// 2,500 members in three pages; every third holds the role, and one bot
	// holding it is left out.
	setup := func(t *testing.T) (*env, []string) {
		e := newEnv(t, &recorder{}, nil)
		var members []any
		var want []string
		for i := range 2500 {
			m := member{ID: fmt.Sprint(1_000_000 + i), Username: fmt.Sprintf("u%d", i)}
			if i%3 == 0 {
				m.Roles = []string{"800000000000000009", role}
				want = append(want, m.ID)
			}
			if i == 3 {
				m.Bot = true
				want = want[:len(want)-1]
			}
			members = append(members, m.JSON())
		}
		e.fake.setMembers(testGuild, members...)
		return e, want
	}
	t.Run("RoleMembersAcrossPages", func(t *testing.T) {
		e, want := setup(t)
		users, err := members(e.adapter.Directory(testGuild), bot.PlatformGroup{Kind: "role", ID: role})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range users {
			got = append(got, u.ID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("got %d members, want %d", len(got), len(want))
		}
		if users[0].Name != "u0" {
			t.Errorf("name = %q", users[0].Name)
		}
		calls := e.fake.find("GET", "/guilds/"+testGuild+"/members")
		if len(calls) != 3 {
			t.Fatalf("%d pages fetched, want 3", len(calls))
		}
		for i, after := range []string{"", "1000999", "1001999"} {
			if q := calls[i].Query; q.Get("limit") != "1000" || q.Get("after") != after {
				t.Errorf("page %d query = %v", i, q)
			}
		}
	})
	t.Run("EachPageHandedOverBeforeTheNextIsFetched", func(t *testing.T) {
		// One page of members held at a time: the listing hands each page
		// on before it asks for the next.
		e, want := setup(t)
		var fetched []int
		n := 0
		err := e.adapter.Directory(testGuild).GroupMembers(context.Background(), bot.PlatformGroup{Kind: "role", ID: role},
			func(page []model.User) error {
				fetched = append(fetched, len(e.fake.find("GET", "/guilds/"+testGuild+"/members")))
				n += len(page)
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(fetched) != "[1 2 3]" || n != len(want) {
			t.Errorf("pages handed over after fetches %v (%d members); want [1 2 3] (%d)", fetched, n, len(want))
		}
	})
	t.Run("ErrFromPageStopsTheListing", func(t *testing.T) {
		e, _ := setup(t)
		stop := errors.New("stop")
		err := e.adapter.Directory(testGuild).GroupMembers(context.Background(), bot.PlatformGroup{Kind: "role", ID: role},
			func([]model.User) error { return stop })
		if !errors.Is(err, stop) {
			t.Errorf("err = %v", err)
		}
		if n := len(e.fake.find("GET", "/guilds/"+testGuild+"/members")); n != 1 {
			t.Errorf("%d pages fetched after the first page failed", n)
		}
	})
	t.Run("EveryoneRoleIsAllHumans", func(t *testing.T) {
		e, _ := setup(t)
		users, err := members(e.adapter.Directory(testGuild), bot.PlatformGroup{Kind: "role", ID: testGuild})
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 2499 {
			t.Errorf("got %d members, want 2499", len(users))
		}
	})
	t.Run("MissingIntentExplained", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		e.fake.fail("GET", "/guilds/"+testGuild+"/members", failure{status: 403, body: `{"message": "Missing Access", "code": 50001}`})
		_, err := members(e.adapter.Directory(testGuild), bot.PlatformGroup{Kind: "role", ID: role, Name: "cohort"})
		var ue *model.UserError
		if !errors.As(err, &ue) {
			t.Fatalf("err = %v, want a user error", err)
		}
		for _, w := range []string{"@cohort", "Server Members Intent", "Developer Portal", "Bot", "Privileged Gateway Intents"} {
			if !strings.Contains(ue.Msg, w) {
				t.Errorf("message %q does not say %q", ue.Msg, w)
			}
		}
	})
	t.Run("ErrOtherFailureNotAUserError", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		e.fake.fail("GET", "/guilds/"+testGuild+"/members", failure{status: 500, body: `{"message": "boom", "code": 0}`})
		_, err := members(e.adapter.Directory(testGuild), bot.PlatformGroup{Kind: "role", ID: role})
		var ue *model.UserError
		if err == nil || errors.As(err, &ue) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrNotARole", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		_, err := members(e.adapter.Directory(testGuild), bot.PlatformGroup{Kind: "usergroup", ID: "S1"})
		var ue *model.UserError
		if !errors.As(err, &ue) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("NoUserByEmail", func(t *testing.T) {
		a, err := discord.New(discord.Config{}, &recorder{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Directory(testGuild).UserByEmail(context.Background(), "anna@example.com"); !errors.Is(err, model.ErrNoUser) {
			t.Errorf("err = %v", err)
		}
	})
}

// members collects a group's members, failing the test when a page is
// larger than bot.MembersPage or the adapter hands a slice it keeps.
func members(dir bot.Directory, g bot.PlatformGroup) ([]model.User, error) {
	var all []model.User
	err := dir.GroupMembers(context.Background(), g, func(page []model.User) error {
		if len(page) == 0 || len(page) > bot.MembersPage {
			return fmt.Errorf("a page of %d members", len(page))
		}
		all = append(all, page...)
		return nil
	})
	return all, err
}

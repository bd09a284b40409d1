package slack_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

// members collects a group's members, failing when a page is empty or
// larger than bot.MembersPage.
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

// TestGroupMembersPageByPage: a channel's members are handed over one
// conversations.members page at a time, each before the next is fetched;
// a user group's full list in pages of at most bot.MembersPage, named from
// the cache and at most 100 users.info calls, the rest by their ID.
func TestGroupMembersPageByPage(t *testing.T) {
	env := newEnv(t, newTestHandler())
	addPeople(env.fake)
	env.fake.SetChannel("C9", "U1", "B1", "U2", "U3", "U404")
	dir := env.adapter.Directory()
	t.Run("ChannelPageBeforeTheNextFetch", func(t *testing.T) {
		var fetched []int
		var got []string
		err := dir.GroupMembers(context.Background(), bot.PlatformGroup{Kind: "channel", ID: "C9"}, func(page []model.User) error {
			fetched = append(fetched, env.fake.Calls("conversations.members"))
			got = append(got, describeUsers(page))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(fetched) != "[1 2 3]" || fmt.Sprint(got) != "[U1=Anna D U2=ben,U3=Cleo U404=]" {
			t.Errorf("pages %v after fetches %v", got, fetched)
		}
	})
	t.Run("UserGroupOf2500InPagesOf1000", func(t *testing.T) {
		ids := []string{"U1", "B1"}
		for i := range 2500 {
			ids = append(ids, fmt.Sprintf("UX%05d", i))
		}
		env.fake.SetUserGroup("SBIG", ids...)
		before := env.fake.Calls("users.info")
		var sizes []int
		var first model.User
		err := dir.GroupMembers(context.Background(), bot.PlatformGroup{Kind: "usergroup", ID: "SBIG"}, func(page []model.User) error {
			if len(sizes) == 0 {
				first = page[0]
			}
			sizes = append(sizes, len(page))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(sizes) != "[999 1000 502]" { // the bot left out
			t.Errorf("page sizes %v", sizes)
		}
		if first.Name != "Anna D" {
			t.Errorf("first member %+v, want Anna D by name", first)
		}
		if n := env.fake.Calls("users.info") - before; n > 100 {
			t.Errorf("%d users.info calls for one listing; want at most 100", n)
		}
	})
}

package slack_test

import (
	"context"
	"fmt"

	"github.com/learnbot/learnbot/bot"
)

// members collects a group's members, failing when a page is empty or
// larger than bot.MembersPage.
func members(dir bot.Directory, g bot.PlatformGroup) ([]bot.User, error) {
	var all []bot.User
	err := dir.GroupMembers(context.Background(), g, func(page []bot.User) error {
		if len(page) == 0 || len(page) > bot.MembersPage {
			return fmt.Errorf("a page of %d members", len(page))
		}
		all = append(all, page...)
		return nil
	})
	return all, err
}

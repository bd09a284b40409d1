package slack

import (
	"context"
	"fmt"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
)

// refreshHome publishes the user's App Home tab: their tasks, as the tasks
// command lists them (newest first), with an optional notice on top.
func (a *Adapter) refreshHome(ctx context.Context, team string, user bot.User, notice string) error {
	req := &bot.Request{
		Platform:    bot.PlatformSlack,
		Workspace:   team,
		Actor:       user,
		Args:        []bot.Arg{{Text: cmdTasks}},
		Directory:   a.dir,
		CommandText: a.commandText,
	}
	reply := a.handler.Handle(ctx, req)
	view := homeView(reply, notice, a.commandText(cmdTasks))
	if _, err := a.web.PublishViewContext(ctx, slackgo.PublishViewContextRequest{UserID: user.ID, View: view}); err != nil {
		return fmt.Errorf("slack: views.publish: %w", err)
	}
	return nil
}

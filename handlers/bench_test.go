package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
)

// BenchmarkCommands runs /assign (3 fresh learners, no duplicates) and
// /tasks (20 assignments) one at a time through the router: the core's own
// cost per command, without a platform or concurrency.
//
//	go test ./handlers -run '^$' -bench Commands
func BenchmarkCommands(b *testing.B) {
	for _, d := range testdb.Dialects {
		b.Run(d, func(b *testing.B) {
			bt := testbot.New(b, d, map[string]bot.Sender{model.PlatformConsole: &inbox{}}, testbot.Admins("console:gina"))
			ctx := context.Background()
			run := func(line string) string { return bt.Router.Handle(ctx, line2(gina, line)).String() }
			for i := range 20 {
				run(fmt.Sprintf("task add t%d Task %d", i, i))
				run(fmt.Sprintf("assign t%d @reader", i))
			}
			run("task add bench Bench")
			n := 0
			b.Run("assign", func(b *testing.B) {
				for range b.N {
					n++
					i := n
					if r := run(fmt.Sprintf("assign bench @a%d @b%d @c%d", i, i, i)); !strings.HasPrefix(r, "Assigned") {
						b.Fatal(r)
					}
				}
			})
			b.Run("tasks", func(b *testing.B) {
				reader := model.User{ID: "reader", Name: "reader"}
				for range b.N {
					if r := bt.Router.Handle(ctx, line2(reader, "tasks")).String(); !strings.Contains(r, "Task 19") {
						b.Fatal(r)
					}
				}
			})
		})
	}
}

func line2(actor model.User, s string) *bot.Request { return line(actor, s) }

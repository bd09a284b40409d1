package handlers

import (
	"context"
	"slices"
	"strconv"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// reportRows bounds the tasks a report's reply lists; the rest are summed
// up in its footer, and every assignment is in the CSV. Ten rows of facts
// stay within Discord's 2,000 characters and Slack's block limits.
const reportRows = 10

// report sums up every task with assignments, or only a group's members':
// holders, done, open, overdue, share done. The tasks most behind come
// first; the reply links the detail as CSV (valid an hour).
func (h *Handlers) report(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.Lang
	if len(req.Params) > 1 {
		return nil, model.UsageErr(l, msgReportArgs, nil)
	}
	var group *storage.Group
	if len(req.Params) == 1 {
		g, err := h.group(ctx, req, req.Params[0].Text)
		if err != nil {
			return nil, err
		}
		group = g
	}
	var groupID int64
	if group != nil {
		groupID = group.ID
	}
	rows, err := h.store.ReportTasks(ctx, req.Caller.WorkspaceID, groupID)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return bot.Say(l, msgReportNone, nil), nil
	}
	link, err := h.reportLink(ctx, l, req.Caller.WorkspaceID, groupID, req.Caller.PersonID)
	if err != nil {
		return nil, err
	}
	r := bot.Say(l, msgReportAll, catalog.Vars{"Count": len(rows)})
	if group != nil {
		r = bot.Say(l, msgReportGroup, catalog.Vars{"Count": len(rows), "Group": group.Name})
	}
	// Most behind first: overdue, then open, then the catalogue's order.
	slices.SortStableFunc(rows, func(a, b storage.ReportRow) int {
		if a.Overdue != b.Overdue {
			return b.Overdue - a.Overdue
		}
		return b.Open - a.Open
	})
	for _, row := range rows[:min(len(rows), reportRows)] {
		r.Items = append(r.Items, bot.Item{Text: taskName(row.TaskTitle, row.TaskKey), Fields: reportFields(l, row)})
	}
	if rest := rows[min(len(rows), reportRows):]; len(rest) > 0 {
		var sum storage.ReportRow
		for _, row := range rest {
			sum.Holders += row.Holders
			sum.Done += row.Done
			sum.Open += row.Open
			sum.Overdue += row.Overdue
		}
		r.Footer = l.Say(msgReportMore, catalog.Vars{"Count": len(rest), "Done": sum.Done, "Open": sum.Open,
			"Overdue": sum.Overdue}) + "\n"
	}
	// Paths beside the tasks: how many are on each, finished and behind.
	if group == nil {
		paths, err := h.store.ListPaths(ctx, req.Caller.WorkspaceID)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			if p.Enrolled > 0 {
				r.Items = append(r.Items, bot.Item{Text: l.Say(msgReportPath, catalog.Vars{"Path": p.Key + " (" + p.Title + ")",
					"Enrolled": p.Enrolled, "Finished": p.Finished, "Behind": p.Behind})})
			}
		}
	}
	r.Footer += link
	return r, nil
}

// reportLink makes the CSV link of a report of the workspace (or of a
// group's members; 0: everyone) and says it in l: the report's footer,
// and the digest's.
func (h *Handlers) reportLink(ctx context.Context, l catalog.Lang, wsID, groupID, actorID int64) (string, error) {
	token, until, err := h.store.CreateReport(ctx, wsID, groupID, actorID)
	if err != nil {
		return "", err
	}
	return l.Say(msgReportCSV, catalog.Vars{"Link": h.cfg.PublicURL + "/reports/" + token + ".csv",
		"Until": l.DateTime(until)}), nil
}

// reportFields are one task's figures.
func reportFields(l catalog.Lang, row storage.ReportRow) []bot.Field {
	share := 0
	if total := row.Done + row.Open; total > 0 {
		share = row.Done * 100 / total
	}
	return []bot.Field{
		{Label: l.Say(msgReportHolders, nil), Value: strconv.Itoa(row.Holders)},
		{Label: l.Say(msgStateDone, nil), Value: strconv.Itoa(row.Done)},
		{Label: l.Say(msgStateOpen, nil), Value: strconv.Itoa(row.Open)},
		{Label: l.Say(msgReportOverdue, nil), Value: strconv.Itoa(row.Overdue)},
		{Value: l.Say(msgReportShare, catalog.Vars{"Percent": share})},
	}
}

package main

import (
	"context"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/metrics"
)

// observer hands the router's observations to the metrics, which know
// nothing of the chat core.
type observer struct{ m *metrics.Metrics }

func (o observer) Started(ctx context.Context) { o.m.Started(ctx) }

func (o observer) Finished(ctx context.Context, ob bot.Observation) {
	o.m.Finished(ctx, metrics.Observation(ob))
}

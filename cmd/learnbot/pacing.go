package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/learnbot/learnbot/internal/pacer"
	"github.com/learnbot/learnbot/storage"
)

// sharedPaces lets the pacers of every replica share what they learn of
// the platforms' rate limits through the database (pacer.Shared): one
// replica's 429 paces them all, and each takes its share of the pace.
type sharedPaces struct{ store *storage.Store }

var _ pacer.Shared = sharedPaces{}

func (s sharedPaces) LoadEpisode(ctx context.Context, key, replica string, paced bool) (pacer.Episode, bool, int, int, error) {
	now := time.Now()
	var seen time.Time
	if paced {
		seen = now
	}
	p, ok, n, index, err := s.store.Pace(ctx, key, replica, seen, now.Add(-pacer.ReplicaWindow))
	return episode(p), ok, n, index, err
}

func (s sharedPaces) SaveEpisode(ctx context.Context, key string, e pacer.Episode) error {
	return s.store.UpdatePace(ctx, key, func(old storage.Pace, ok bool) storage.Pace {
		if ok {
			e = pacer.Merge(episode(old), e)
		}
		return storage.Pace{RefusedAt: e.Refused, ResumeAt: e.Resume, Base: e.Base, Ceiling: e.Ceiling, Burst: e.Burst}
	})
}

func episode(p storage.Pace) pacer.Episode {
	return pacer.Episode{Refused: p.RefusedAt, Resume: p.ResumeAt, Base: p.Base, Ceiling: p.Ceiling, Burst: p.Burst}
}

// replicaName names this process among the replicas: host, process ID and
// a random part (a restarted process is another replica).
func replicaName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

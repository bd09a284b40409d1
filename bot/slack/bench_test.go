package slack_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot/slack"
)

// benchConcurrency is how many slash commands are in flight at once.
const benchConcurrency = 50

// commandClient sends signed slash commands to an adapter's HTTP endpoint.
type commandClient struct {
	env    *testEnv
	client *http.Client
}

func newCommandClient(env *testEnv) *commandClient {
	return &commandClient{env: env, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * benchConcurrency}}}
}

// run sends one command and returns how long Slack would have waited and the
// inline reply's text ("" when only acknowledged: the reply then follows
// through response_url). Errors go to Errorf, which unlike Fatalf may be
// called from the measuring goroutines.
func (c *commandClient) run(b *testing.B, user, command, text string) (time.Duration, string) {
	form := url.Values{"team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"C1"}, "user_id": {user},
		"user_name": {strings.ToLower(user)}, "command": {command}, "text": {text}, "response_url": {c.env.fake.responseURL("bench")}}
	body := form.Encode()
	start := time.Now()
	req, _ := http.NewRequest(http.MethodPost, c.env.srv.URL+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	stamp := strconv.FormatInt(testNow.Unix(), 10)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", slack.Sign(testSecret, stamp, []byte(body)))
	resp, err := c.client.Do(req)
	if err != nil {
		b.Error(err)
		return 0, ""
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		b.Errorf("%s %s: status %d, %q", command, text, resp.StatusCode, out)
		return took, ""
	}
	if len(out) == 0 {
		return took, ""
	}
	var r inlineReply
	if err := json.Unmarshal(out, &r); err != nil {
		b.Errorf("%s %s: %q: %v", command, text, out, err)
	}
	return took, r.Text
}

// BenchmarkSlackHTTP drives signed slash commands through learnbot's Slack
// HTTP handler and the real core on PostgreSQL, 50 at a time, and reports
// the latency percentiles Slack would see (its limit is 3,000 ms). The queue
// workers deliver the resulting DMs to the fake Slack (and refresh each
// learner's Home) meanwhile, as in production.
func BenchmarkSlackHTTP(b *testing.B) {
	env, core := newCoreEnv(b, "postgres", slack.WithLogger(slog.New(slog.DiscardHandler)))
	env.fake.SetAutoUsers(true)
	c := newCommandClient(env)

	// a task per concurrent guide (assigning one task is serialized on it)
	for i := range benchConcurrency {
		key := fmt.Sprintf("t%02d", i)
		if _, text := c.run(b, "UG", "/learn", "task add "+key+" Task "+key+" https://learn.example.com/"+key); !strings.Contains(text, key) {
			b.Fatalf("task add: %q", text)
		}
	}
	var fresh atomic.Int64
	// assign gives a task to 3 people learnbot has not seen: no duplicates.
	assign := func(b *testing.B, task int) (time.Duration, bool) {
		var targets []string
		for range 3 {
			id := fmt.Sprintf("UL%06d", fresh.Add(1))
			targets = append(targets, "<@"+id+"|"+strings.ToLower(id)+">")
		}
		key := fmt.Sprintf("t%02d", task)
		took, text := c.run(b, "UG", "/assign", key+" "+strings.Join(targets, " "))
		if text != "" && !strings.Contains(text, "Assigned Task "+key+" ("+key+") to 3 people") {
			b.Errorf("assign: %s", text)
		}
		return took, text == ""
	}
	// learners who hold a task, for /tasks
	for i := range benchConcurrency {
		assign(b, i)
	}
	var learners []string
	for i := int64(1); i <= fresh.Load(); i++ {
		learners = append(learners, fmt.Sprintf("UL%06d", i))
	}
	core.WaitJobs(b)

	b.Run("assign", func(b *testing.B) {
		measure(b, func(i int) (time.Duration, bool) { return assign(b, i%benchConcurrency) })
		core.WaitJobs(b) // timer stopped by measure
	})
	b.Run("assign-one-task", func(b *testing.B) {
		measure(b, func(int) (time.Duration, bool) { return assign(b, 0) })
		core.WaitJobs(b)
	})
	b.Run("tasks", func(b *testing.B) {
		measure(b, func(i int) (time.Duration, bool) {
			took, text := c.run(b, learners[i%len(learners)], "/tasks", "")
			if text != "" && !strings.Contains(text, "Your tasks") {
				b.Errorf("tasks: %s", text)
			}
			return took, text == ""
		})
	})
}

// BenchmarkSlackHTTPAdapter is the adapter's own share of BenchmarkSlackHTTP:
// the same signed commands, 50 at a time, answered by a router that touches
// no database. Mentions are of users already in the users.info cache.
func BenchmarkSlackHTTPAdapter(b *testing.B) {
	env := newEnv(b, newTestHandler(), slack.WithLogger(slog.New(slog.DiscardHandler)))
	env.fake.SetAutoUsers(true)
	c := newCommandClient(env)
	c.run(b, "UG", "/learn", "echo <@U1|a> <@U2|b> <@U3|c>") // warm the users.info cache
	b.Run("assign", func(b *testing.B) {
		measure(b, func(int) (time.Duration, bool) {
			took, text := c.run(b, "UG", "/assign", "t00 <@U1|a> <@U2|b> <@U3|c>")
			return took, text == ""
		})
	})
	b.Run("tasks", func(b *testing.B) {
		measure(b, func(int) (time.Duration, bool) {
			took, text := c.run(b, "U1", "/tasks", "")
			return took, text == ""
		})
	})
}

// measure runs b.N requests, benchConcurrency at a time, and reports their
// median and 99th percentile latency, and how many were only acknowledged
// in time (answered later through response_url).
func measure(b *testing.B, request func(i int) (took time.Duration, late bool)) {
	b.Helper()
	durations := make([]time.Duration, b.N)
	var late atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range benchConcurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				d, wasLate := request(i)
				durations[i] = d
				if wasLate {
					late.Add(1)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	pct := func(p float64) float64 {
		i := max(int(math.Ceil(p*float64(len(durations))))-1, 0)
		return float64(durations[i].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(late.Load())/float64(b.N), "acked-late/op")
}

// Package queue is learnbot's durable job queue on River: DMs for new
// assignments and invitation emails, inserted in the transaction that makes
// them necessary and worked by any replica, with retries, rate-limit
// snoozes and rescue of jobs left running by a crash.
package queue

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// Timing of the queue. A job running longer than JobTimeout is cancelled;
// one left "running" by a crashed process is rescued after RescueAfter (plus
// up to River's 30 s rescuer interval), well within a minute.
const (
	JobTimeout   = 15 * time.Second
	RescueAfter  = 20 * time.Second
	pollInterval = 100 * time.Millisecond
)

// DMArgs is the job that tells a learner about an assignment.
type DMArgs struct {
	AssignmentID int64 `json:"assignment_id"`
}

// Kind names the job in River's table.
func (DMArgs) Kind() string { return "dm" }

// Composer writes the messages the queue delivers (handlers.Handlers is
// one): the queue only delivers what it is given.
type Composer interface {
	// AssignmentDM is the DM that tells a learner about an assignment.
	AssignmentDM(ctx context.Context, a *storage.AssignmentView) (bot.Message, error)
	// InvitationDM invites a chat user found by email, with an Accept button.
	InvitationDM(ctx context.Context, inv *storage.InvitationChat) (bot.Message, error)
	// ReminderDM reminds a learner of an open assignment's due date: kind
	// is storage.ReminderBefore or ReminderOverdue, today the learner's
	// date.
	ReminderDM(ctx context.Context, a *storage.AssignmentView, kind string, today calendar.Date) (bot.Message, error)
	// DigestDM is a guide's digest of the open assignments they made.
	DigestDM(ctx context.Context, d *storage.Digest) (bot.Message, error)
	// EscalationDM tells a guide of the assignments still open
	// LEARNBOT_ESCALATE_AFTER after their due date.
	EscalationDM(ctx context.Context, e *storage.Escalation) (bot.Message, error)
}

// Config wires the queue.
type Config struct {
	Senders  map[string]bot.Sender // by platform
	Composer Composer              // required with Senders
	Mailer   Mailer                // nil: no email
	Workers  int                   // concurrent jobs; default 50
	// RescueAfter is how long a job may run before it is taken for one a
	// crashed process left running and run again; default RescueAfter.
	// Below JobTimeout it is the job timeout too (River rescues no job
	// that may still be running): for tests.
	RescueAfter time.Duration
	Log         *slog.Logger
	// OnFailure, when set, counts failed deliveries (metrics).
	OnFailure func(kind string, permanent bool)
	// StopTimeout bounds Run's stop once its context ends (default
	// JobTimeout + 5 s).
	StopTimeout time.Duration
	// OnDM, when set, counts each DM attempt by platform and result:
	// "sent", "retried" or "failed" (given up).
	OnDM func(platform, result string)
	// Gate, when set, admits each job before it runs, so that interactive
	// requests go first (see gate.go).
	Gate Gate
	// Reconcile, when set, applies every rule to its source as it is now;
	// it runs every ReconcileEvery (default 1h; see ReconcileArgs).
	Reconcile      func(ctx context.Context) (int, error)
	ReconcileEvery time.Duration
	// Decider resolves decisions deferred to a job (see DecideArgs), and
	// Responders deliver their outcomes, by platform.
	Decider    Decider
	Responders map[string]bot.Responder
}

// Queue works jobs.
type Queue struct {
	client *river.Client[*sql.Tx]
	out    *Outbox // inserts the jobs that jobs make
	store  Store
	cfg    Config
}

// Outbox inserts jobs in the transactions of the store that owns it
// (storage.Outbox): a client of River's that only inserts, on the store's
// pool, so that a store can be given its outbox when it is opened, before
// any Queue that works its jobs exists.
type Outbox struct {
	client *river.Client[*sql.Tx]
}

var _ storage.Outbox = (*Outbox)(nil)

// NewOutbox is the store's outbox on the store's pool (a storage.OutboxFunc):
// storage.Open(ctx, url, storage.WithOutbox(queue.NewOutbox)).
func NewOutbox(db *sql.DB, dialect storage.Dialect) (storage.Outbox, error) {
	client, err := river.NewClient(newDriver(db, dialect), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("queue: outbox: %w", err)
	}
	return &Outbox{client: client}, nil
}

// unusedIndexes are River's GIN indexes on the jobs' args and metadata.
// They serve only filters by args or metadata (River UI's search), which
// learnbot never asks, and every DM job is written three times (inserted,
// running, completed), none a HOT update, each adding to both: dropping
// them took PostgreSQL from about 0.8 to 0.67 ms of CPU per DM (2026-11-28).
var unusedIndexes = []string{"river_job_args_index", "river_job_metadata_index"}

// Migrate applies River's own migrations on the store's database, then
// drops the indexes learnbot does not use (PostgreSQL; River's SQLite
// schema has none of them). A later River migration that made them again
// would have them dropped again at the next start.
func Migrate(ctx context.Context, store Store) error {
	m, err := rivermigrate.New(driver(store), nil)
	if err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	// River takes no lock of its own: replicas starting at once on a fresh
	// database would race to create its tables.
	err = store.MigrationLocked(ctx, func(ctx context.Context) error {
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return err
		}
		if store.Dialect() != storage.Postgres {
			return nil
		}
		_, err := store.DB().ExecContext(ctx, `DROP INDEX IF EXISTS `+strings.Join(unusedIndexes, ", "))
		return err
	})
	if err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	return nil
}

func driver(store Store) riverdriver.Driver[*sql.Tx] {
	return newDriver(store.DB(), store.Dialect())
}

func newDriver(db *sql.DB, dialect storage.Dialect) riverdriver.Driver[*sql.Tx] {
	if dialect == storage.SQLite {
		return riversqlite.New(db)
	}
	return riverdatabasesql.New(db)
}

// New creates the queue that works the jobs of the store's outbox (see
// NewOutbox).
func New(store Store, cfg Config) (*Queue, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Workers == 0 {
		cfg.Workers = 50
	}
	if cfg.RescueAfter == 0 {
		cfg.RescueAfter = RescueAfter
	}

	if cfg.Senders != nil && cfg.Composer == nil {
		return nil, errors.New("queue: senders without a composer: nothing to deliver")
	}
	q := &Queue{store: store, cfg: cfg}
	workers := river.NewWorkers()
	river.AddWorker(workers, &dmWorker{q: q})
	river.AddWorker(workers, &fanOutWorker{q: q})
	river.AddWorker(workers, &emailWorker{q: q})
	river.AddWorker(workers, &invitationDMWorker{q: q})
	river.AddWorker(workers, &reminderWorker{q: q})
	river.AddWorker(workers, &reminderScanWorker{q: q})
	river.AddWorker(workers, &noticeWorker{q: q})
	river.AddWorker(workers, &noticeScanWorker{q: q})
	river.AddWorker(workers, &pruneWorker{q: q})
	river.AddWorker(workers, &reconcileWorker{q: q})
	river.AddWorker(workers, &decideWorker{q: q})
	maxWorkers := cfg.Workers
	if store.Dialect() == storage.SQLite {
		// SQLite has one writer; more workers only queue on its lock.
		maxWorkers = min(maxWorkers, 10)
	}
	var middleware []rivertype.Middleware
	if cfg.Gate != nil {
		middleware = append(middleware, newGateMiddleware(cfg.Gate, min(JobTimeout, cfg.RescueAfter), cfg.RescueAfter))
	}
	client, err := river.NewClient(driver(store), &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}},
		Workers:              workers,
		JobTimeout:           min(JobTimeout, cfg.RescueAfter),
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchPollInterval:    pollInterval,
		FetchCooldown:        20 * time.Millisecond,
		Logger:               riverLogger(cfg.Log),
		Middleware:           middleware,
		// River reindexes its GIN indexes daily; learnbot drops them.
		ReindexerIndexNames: slices.DeleteFunc(river.ReindexerIndexNamesDefault(), func(name string) bool {
			return slices.Contains(unusedIndexes, name)
		}),
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(ScanInterval),
				func() (river.JobArgs, *river.InsertOpts) { return ReminderScanArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cmp.Or(cfg.ReconcileEvery, time.Hour)),
				func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil }, nil),
			river.NewPeriodicJob(river.PeriodicInterval(ScanInterval),
				func() (river.JobArgs, *river.InsertOpts) { return NoticeScanArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(PruneInterval),
				func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	q.client, q.out = client, &Outbox{client: client}
	return q, nil
}

// riverLogger is River's logger. River reports every failed attempt at
// INFO, and the workers log those themselves (WARN when retried, ERROR when
// given up): River speaks at WARN and above unless debug logging is on.
func riverLogger(log *slog.Logger) *slog.Logger {
	log = log.With("component", "river")
	if log.Enabled(context.Background(), slog.LevelDebug) {
		return log
	}
	return slog.New(atLeast{Handler: log.Handler(), min: slog.LevelWarn})
}

// atLeast drops records below min.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(attrs []slog.Attr) slog.Handler {
	return atLeast{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{Handler: h.Handler.WithGroup(name), min: h.min}
}

// Priorities of DM jobs (River fetches the lowest number first). A
// fan-out's DMs go out behind the DMs of small deliveries: a workspace
// whose backlog of thousands waits for its rate limit must not keep another
// workspace's single DM waiting behind it (the backlog's jobs come back
// again and again, snoozed until their slots). Workers are not held
// either: a DM whose slot is more than 2 s away (times the replicas
// sharing the limit, up to 4) snoozes and frees its worker
// (internal/pacer).
const (
	priorityDM   = 1
	priorityBulk = 2
	// bulkDMs is how many DMs one change may queue at the first priority.
	bulkDMs = 50
)

// priorityOf is the priority of the n DMs one change queues.
func priorityOf(n int) int {
	if n > bulkDMs {
		return priorityBulk
	}
	return priorityDM
}

// QueueDMs queues a DM per assignment in tx (storage.Outbox): one job each,
// or for more than fanOutAbove one fan-out job that queues them (see
// FanOutArgs).
func (o *Outbox) QueueDMs(ctx context.Context, tx *sql.Tx, assignmentIDs []int64) error {
	if len(assignmentIDs) > fanOutAbove {
		_, err := o.client.InsertTx(ctx, tx, FanOutArgs{Ranges: idRanges(assignmentIDs)}, &river.InsertOpts{Priority: priorityDM})
		if err != nil {
			return fmt.Errorf("queue: insert dm fan-out: %w", err)
		}
		return nil
	}
	return o.insertDMs(ctx, tx, assignmentIDs, priorityOf(len(assignmentIDs)))
}

// insertDMs inserts one DM job per assignment in tx.
func (o *Outbox) insertDMs(ctx context.Context, tx *sql.Tx, assignmentIDs []int64, priority int) error {
	params := make([]river.InsertManyParams, len(assignmentIDs))
	opts := &river.InsertOpts{Priority: priority}
	for i, id := range assignmentIDs {
		params[i] = river.InsertManyParams{Args: DMArgs{AssignmentID: id}, InsertOpts: opts}
	}
	if _, err := o.client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("queue: insert dms: %w", err)
	}
	return nil
}

// insert adds one job in tx.
func (o *Outbox) insert(ctx context.Context, tx *sql.Tx, args river.JobArgs) error {
	if _, err := o.client.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("queue: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Run works jobs until ctx ends, then stops: it fetches no more jobs and
// lets running ones finish for most of Config.StopTimeout; jobs still
// running then are cancelled, which hands them back to the queue (retried
// here or by another replica). Jobs not started stay in the table.
func (q *Queue) Run(ctx context.Context) error {
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("queue: start: %w", err)
	}
	<-ctx.Done()
	budget := q.cfg.StopTimeout
	if budget <= 0 {
		budget = JobTimeout + 5*time.Second
	}
	handBack := min(3*time.Second, budget/4)
	softCtx, cancel := context.WithTimeout(context.Background(), budget-handBack)
	defer cancel()
	err := q.client.Stop(softCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		q.cfg.Log.Warn("jobs still running at shutdown: cancelling them; they will be retried")
		hardCtx, cancel := context.WithTimeout(context.Background(), handBack)
		defer cancel()
		err = q.client.StopAndCancel(hardCtx)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("queue: stop: %w", err)
	}
	return nil
}

// Depth counts jobs waiting, scheduled for a retry, or running (for
// /metrics).
func (q *Queue) Depth(ctx context.Context) (int, error) {
	return q.count(ctx, `'available', 'scheduled', 'retryable', 'running'`)
}

// Busy counts jobs that are due or running now (tests wait for zero).
func (q *Queue) Busy(ctx context.Context) (int, error) {
	return q.count(ctx, `'available', 'running'`)
}

func (q *Queue) count(ctx context.Context, states string) (int, error) {
	var n int
	err := q.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state IN (`+states+`)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("queue: count jobs: %w", err)
	}
	return n, nil
}

// Failed counts jobs that gave up for good (discarded or cancelled).
func (q *Queue) Failed(ctx context.Context) (int, error) {
	return q.count(ctx, `'discarded', 'cancelled'`)
}

// delivery names what a job delivers: its kind ("dm", "invitation_dm",
// "invitation_email"), the row it is about, and the platform of a DM.
type delivery struct {
	kind     string
	id       int64
	platform string
}

func (d delivery) isDM() bool {
	switch d.kind {
	case "dm", "invitation_dm", "reminder", storage.NoticeDigest, storage.NoticeEscalation:
		return true
	}
	return false
}

// dmResult counts a DM's attempt (metrics).
func (q *Queue) dmResult(d delivery, result string) {
	if d.isDM() && q.cfg.OnDM != nil {
		q.cfg.OnDM(d.platform, result)
	}
}

// outcome maps a delivery error to River: nil completes, a rate limit
// snoozes without using an attempt, a permanent failure is recorded and
// cancels, anything else is retried with backoff (logged at WARN) until the
// job's last attempt, when it is given up like a permanent one.
func (q *Queue) outcome(ctx context.Context, d delivery, job *rivertype.JobRow, err error) error {
	var retry *model.RetryAfterError
	var perm *model.PermanentError
	switch {
	case err == nil:
		q.dmResult(d, "sent")
		if d.kind == "dm" && job.Attempt > 1 {
			// An earlier attempt recorded its error for progress.
			if cerr := q.store.ClearDMError(ctx, d.id); cerr != nil {
				q.cfg.Log.WarnContext(ctx, "clearing a DM's last error failed", "job", d.kind, "id", d.id, "error", cerr)
			}
		}
		return nil
	case errors.As(err, &retry):
		q.dmResult(d, "retried")
		q.cfg.Log.InfoContext(ctx, "rate limited", "job", d.kind, "id", d.id, "platform", d.platform, "after", retry.After)
		return river.JobSnooze(max(retry.After, 0))
	case errors.As(err, &perm):
		return q.permanent(ctx, d, perm.Reason, err)
	case job.Attempt >= job.MaxAttempts:
		return q.permanent(ctx, d, model.Reason{Detail: truncate(err.Error(), 300)}, err)
	}
	q.dmResult(d, "retried")
	if q.cfg.OnFailure != nil {
		q.cfg.OnFailure(d.kind, false)
	}
	q.cfg.Log.WarnContext(ctx, "delivery failed; will retry", "job", d.kind, "id", d.id, "platform", d.platform,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "error", err)
	if d.kind == "dm" {
		// Recorded even when the job was cancelled by a stop.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if serr := q.store.SetDMRetrying(rctx, d.id, truncate(err.Error(), 300)); serr != nil {
			q.cfg.Log.WarnContext(ctx, "recording a DM's error failed", "job", d.kind, "id", d.id, "error", serr)
		}
	}
	return err
}

func (q *Queue) permanent(ctx context.Context, d delivery, reason model.Reason, cause error) error {
	var err error
	switch d.kind {
	case "dm":
		err = q.store.SetDMError(ctx, d.id, reason.Stored())
	case "reminder", storage.NoticeDigest, storage.NoticeEscalation:
		// Only logged: progress shows the assignment DM's fate, and a
		// learner whose DMs fail shows there already.
	default:
		err = q.store.InvitationFailed(ctx, d.id, reason.Stored())
	}
	if err != nil {
		return err // retried: the failure must be recorded
	}
	q.dmResult(d, "failed")
	if q.cfg.OnFailure != nil {
		q.cfg.OnFailure(d.kind, true)
	}
	q.cfg.Log.ErrorContext(ctx, "delivery given up", "job", d.kind, "id", d.id, "platform", d.platform, "reason", reason.Text(catalog.English), "error", cause)
	return river.JobCancel(fmt.Errorf("%s: %w", reason.Text(catalog.English), errors.Join(cause)))
}

// truncate keeps an error shown to a guide readable.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

package handlers

import (
	"context"
	"time"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// Store is what the commands ask of learnbot's store: *storage.Store on
// PostgreSQL or SQLite in production, a small fake in tests where a
// database adds nothing.
type Store interface {
	// People and their roles and languages.
	Identify(ctx context.Context, id storage.Identity) (*storage.Person, error)
	HasAdmin(ctx context.Context, wsID int64) (bool, error)
	EnsurePeople(ctx context.Context, wsID int64, users []model.User) ([]storage.Person, error)
	PersonByChat(ctx context.Context, platform, workspace, chatID string) (*storage.Person, error)
	PersonByChatID(ctx context.Context, wsID int64, chatID string) (*storage.Person, error)
	PersonByEmail(ctx context.Context, wsID int64, email string) (*storage.Person, error)
	SetLanguage(ctx context.Context, wsID, personID int64, lang catalog.Lang) error
	SetRole(ctx context.Context, wsID, personID int64, role model.Role, actorID int64) error

	// The catalogue of tasks.
	CreateTask(ctx context.Context, t *storage.Task, actorID int64) error
	EditTask(ctx context.Context, wsID int64, key, title, url string, actorID int64) (*storage.Task, error)
	SetTaskArchived(ctx context.Context, wsID int64, key string, archived bool, actorID int64) (t *storage.Task, changed bool, err error)
	TaskByKey(ctx context.Context, wsID int64, key string) (*storage.Task, error)
	ListTasks(ctx context.Context, wsID int64) ([]storage.TaskSummary, error)

	// Groups.
	CreateGroup(ctx context.Context, wsID int64, name string, actorID int64) (*storage.Group, error)
	RenameGroup(ctx context.Context, wsID int64, name, newName string, actorID int64) error
	DeleteGroup(ctx context.Context, wsID int64, name string, actorID int64) error
	GroupByName(ctx context.Context, wsID int64, name string) (*storage.Group, error)
	ListGroups(ctx context.Context, wsID int64) ([]storage.Group, error)
	GroupMembers(ctx context.Context, wsID, groupID int64) ([]storage.Person, error)
	AddMembers(ctx context.Context, g *storage.Group, personIDs []int64, actorID int64) (int, error)
	RemoveMembers(ctx context.Context, g *storage.Group, personIDs []int64, actorID int64) (int, error)

	// Assignments, their decisions and due dates.
	NewTargetSet(ctx context.Context, wsID int64) (string, error)
	StageMembers(ctx context.Context, setID string, users []model.User) error
	Assign(ctx context.Context, p storage.AssignParams) (*storage.AssignResult, error)
	DecisionByID(ctx context.Context, wsID int64, id string) (*storage.DecisionInfo, error)
	DecisionSize(ctx context.Context, wsID int64, id string) (int, error)
	DecisionGroups(ctx context.Context, wsID int64, id string, limit int) ([]storage.GroupHolding, error)
	ResolveDecision(ctx context.Context, p storage.ResolveParams) (*storage.ResolveResult, error)
	Unassign(ctx context.Context, p storage.UnassignParams) (*storage.UnassignResult, error)
	SetDue(ctx context.Context, p storage.SetDueParams) (*storage.SetDueResult, error)
	MarkDone(ctx context.Context, wsID, assignmentID, personID int64) (*storage.AssignmentView, error)
	Reopen(ctx context.Context, wsID, assignmentID, personID int64) (*storage.AssignmentView, error)
	AssignmentsOf(ctx context.Context, wsID, personID int64, limit int) ([]storage.AssignmentView, int, error)
	Progress(ctx context.Context, wsID, taskID int64) ([]storage.ProgressRow, error)
	ReminderPolicy() storage.ReminderPolicy
	Now() time.Time

	// Invitations.
	Join(ctx context.Context, wsID, callerID int64, code string) (*storage.Person, error)
	CreateInvitations(ctx context.Context, p storage.InviteParams, emails []string, chatUsers map[string]*model.User) ([]storage.InviteOutcome, error)
	Reinvite(ctx context.Context, p storage.InviteParams) (*storage.InviteResult, error)
	RevokeInvitation(ctx context.Context, wsID int64, email string, actorID int64, by model.Role) error
	PendingInvitations(ctx context.Context, wsID int64) ([]storage.Invitation, error)
	InvitationByID(ctx context.Context, wsID, id int64) (*storage.Invitation, error)
	AcceptInvitationByID(ctx context.Context, wsID, id, personID int64) (*storage.InvitationPage, error)

	// Learning paths and enrolments.
	CreatePath(ctx context.Context, p *storage.Path, actorID int64) error
	PathByKey(ctx context.Context, wsID int64, key string) (*storage.Path, error)
	PathSteps(ctx context.Context, pathID int64) ([]storage.Step, error)
	SetStep(ctx context.Context, wsID, pathID, taskID int64, day int, dueDays *int, actorID int64) (*storage.Step, error)
	RemoveStep(ctx context.Context, wsID, pathID, taskID, actorID int64) error
	SetPathArchived(ctx context.Context, wsID int64, key string, archived bool, actorID int64) (p *storage.Path, changed bool, err error)
	ListPaths(ctx context.Context, wsID int64) ([]storage.PathSummary, error)
	Enrol(ctx context.Context, p storage.EnrolParams) (*storage.EnrolResult, error)
	ResolvePathDecision(ctx context.Context, p storage.ResolveParams) (*storage.ResolvePathResult, error)
	PathDecisionGroups(ctx context.Context, wsID int64, id string, limit int) (*storage.PathDecision, []storage.GroupHolding, error)
	EndEnrolments(ctx context.Context, p storage.EndEnrolmentsParams) (*storage.EndEnrolmentsResult, error)
	PathProgress(ctx context.Context, wsID, pathID int64) ([]storage.EnrolmentProgress, error)
	NextSteps(ctx context.Context, wsID, personID int64) ([]storage.NextStep, error)

	// Rules.
	CreateRule(ctx context.Context, r *storage.Rule) error
	ListRules(ctx context.Context, wsID int64) ([]storage.Rule, error)
	RemoveRule(ctx context.Context, wsID, id int64) (*storage.Rule, error)
	RulesFor(ctx context.Context, wsID int64, kind, sourceID string) ([]storage.Rule, error)
	RulesForPlatform(ctx context.Context, platform, workspace, kind, sourceID string) ([]storage.Rule, error)
	ActiveRules(ctx context.Context) ([]storage.Rule, error)
	ApplyRule(ctx context.Context, r *storage.Rule, people []int64) (int, error)
	ExcludeFromRule(ctx context.Context, r *storage.Rule, people []int64) error
	MemberIDs(ctx context.Context, wsID, groupID int64) ([]int64, error)
	ActivePeopleIDs(ctx context.Context, wsID int64) ([]int64, error)
	WorkspaceByID(ctx context.Context, id int64) (*storage.Workspace, error)

	// Reports and history.
	CreateReport(ctx context.Context, wsID, groupID, actorID int64) (string, time.Time, error)
	CreateSealedReport(ctx context.Context, wsID, actorID int64, csv []byte) (string, time.Time, error)
	ReportTasks(ctx context.Context, wsID, groupID int64) ([]storage.ReportRow, error)
	History(ctx context.Context, wsID int64, of storage.HistoryOf, limit int) ([]storage.Event, error)

	// Digests and nudges.
	DigestSetting(ctx context.Context, wsID, personID int64) (string, error)
	SetDigest(ctx context.Context, wsID, personID int64, freq string) error
	QueueDigestNow(ctx context.Context, wsID, personID int64) (bool, error)
	Nudge(ctx context.Context, wsID, taskID int64) (*storage.NudgeResult, error)
	NudgePath(ctx context.Context, wsID, pathID int64) (*storage.NudgeResult, error)
}

var _ Store = (*storage.Store)(nil)

// Package model holds the words of learnbot's domain: roles, people,
// platforms and the errors a person can meet. Every other package builds on
// it; it stands only on the catalogue of messages, to say its errors.
package model

import "github.com/learnbot/learnbot/catalog"

// Platform names where a request came from and where a person is reached.
const (
	PlatformSlack   = "slack"
	PlatformDiscord = "discord"
	PlatformConsole = "console"
	PlatformMatrix  = "matrix"
)

// Role is what a person may do in a workspace. Roles are ordered:
// an admin may do everything a guide may, a guide everything a learner may.
type Role string

const (
	RoleLearner Role = "learner"
	RoleGuide   Role = "guide"
	RoleAdmin   Role = "admin"
)

// Rank orders roles; an unknown role ranks below learner.
func (r Role) Rank() int {
	switch r {
	case RoleLearner:
		return 1
	case RoleGuide:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r.Rank() > 0 }

// As names the role in prose in language l, "as a guide"; an unknown role
// reads as learner, the role it grants.
func (r Role) As(l catalog.Lang) string {
	m, ok := msgAsRole[r]
	if !ok {
		m = msgAsRole[RoleLearner]
	}
	return l.Say(m, nil)
}

// Name names the role in prose in language l: "guide", "Lernbegleiter:in".
func (r Role) Name(l catalog.Lang) string {
	m, ok := msgRoleName[r]
	if !ok {
		m = msgRoleName[RoleLearner]
	}
	return l.Say(m, nil)
}

// User is a chat user as the platform knows them.
type User struct {
	ID    string // platform user ID (Slack U..., Discord snowflake, console name)
	Name  string // display name
	Email string // when the platform shares it
	// Lang is the platform's language for the user, when it tells (Slack
	// users.info locale, Discord interaction locale) and learnbot speaks it.
	Lang catalog.Lang
	// TZ is the user's time zone as an IANA name ("Europe/Berlin") when
	// the platform shares it (Slack users.info tz).
	TZ string
}

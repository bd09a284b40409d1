package main

// The binary carries what it would otherwise read from the operating
// system, so that it runs from an empty file system (a FROM scratch image):
// time zones by name (Slack's users.info tz, LEARNBOT_TIMEZONE) without a
// zoneinfo database, and CA roots for TLS to Slack, Discord and SMTP without
// /etc/ssl. The system's copies win where they exist; these are the fallback.
import (
	_ "time/tzdata"

	_ "golang.org/x/crypto/x509roots/fallback"
)

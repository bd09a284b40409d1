package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version may be set at link time (-ldflags "-X main.version=v1.2.3");
// otherwise the module version from the build info is used.
var version string

// buildInfo is what a binary knows about its build.
type buildInfo struct {
	Version   string // v1.2.3, or (devel) for a build from a checkout
	Commit    string // VCS revision, "unknown" without VCS stamping
	Time      string // commit time, RFC 3339, may be empty
	Modified  bool   // built from a working tree with uncommitted changes
	GoVersion string
}

func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: "unknown", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if b.Version == "" {
			b.Version = "(unknown)"
		}
		return b
	}
	if b.Version == "" {
		b.Version = info.Main.Version
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	b.GoVersion = info.GoVersion
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func printVersion(w io.Writer) error {
	b := readBuildInfo()
	commit := b.Commit
	if b.Time != "" {
		commit += " " + b.Time
	}
	if b.Modified {
		commit += " (modified)"
	}
	_, err := fmt.Fprintf(w, "learnbot %s\ncommit: %s\ngo: %s %s/%s\n", b.Version, commit, b.GoVersion, runtime.GOOS, runtime.GOARCH)
	return err
}

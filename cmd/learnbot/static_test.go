//go:build linux

package main

import (
	"context"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStaticBinary builds learnbot as the Dockerfile and the release script
// do (CGO_ENABLED=0, -trimpath, the version stamped) and runs it as a
// FROM scratch image would: no libraries, no environment, no zoneinfo
// database, no CA bundle, nothing in the working directory.
//
// Time zones are the part a machine with /usr/share/zoneinfo would hide:
// ZONEINFO does not help, since time.LoadLocation still reads the system
// directories when ZONEINFO fails. Hence the chroot: in an empty root,
// LEARNBOT_TIMEZONE=Europe/Berlin passes the configuration check only with
// time/tzdata linked in.
func TestStaticBinary(t *testing.T) {
	const stamp = "v1.2.3-static"
	root := t.TempDir()
	bin := filepath.Join(root, "learnbot")
	build := exec.Command("go", append([]string{"build", "-trimpath", "-ldflags=-X main.version=" + stamp, "-o", bin}, append(buildTags(), ".")...)...)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	script := "/task add git Git basics\n/assign git @anna due 2w\n/quit\n"
	consoleSaid := []string{"Added the task git: Git basics.", "Assigned Git basics (git) to 1 person: anna.", "Due "}

	t.Run("LinksNoLibraries", func(t *testing.T) {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("the binary names a dynamic loader (PT_INTERP); want a static binary")
			}
		}
		if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
			t.Errorf("the binary needs libraries %v (%v); want none", libs, err)
		}
	})

	// The CA roots cannot be seen at work without a TLS server that a
	// public root signed, so their package is looked for by its symbols.
	t.Run("EmbedsTimeZonesAndCARoots", func(t *testing.T) {
		out, err := exec.Command("go", "tool", "nm", bin).Output()
		if err != nil {
			t.Fatalf("go tool nm: %v", err)
		}
		for _, pkg := range []string{"time/tzdata", "golang.org/x/crypto/x509roots/fallback"} {
			if !strings.Contains(string(out), " "+pkg+".") {
				t.Errorf("the binary does not link %s", pkg)
			}
		}
	})

	t.Run("RunsWithEmptyEnvironment", func(t *testing.T) {
		dir := t.TempDir()
		version := exec.Command(bin, "version")
		version.Env, version.Dir = []string{}, dir
		out, err := version.Output()
		if err != nil {
			t.Fatalf("learnbot version: %v\n%s", err, out)
		}
		if first, _, _ := strings.Cut(string(out), "\n"); first != "learnbot "+stamp {
			t.Errorf("learnbot version = %q; want the first line learnbot %s", out, stamp)
		}
		console := exec.CommandContext(t.Context(), bin, "console")
		console.Env, console.Dir = []string{}, dir
		console.Stdin = strings.NewReader(script)
		out, err = console.CombinedOutput()
		if err != nil {
			t.Fatalf("learnbot console: %v\n%s", err, out)
		}
		for _, want := range consoleSaid {
			if !strings.Contains(string(out), want) {
				t.Errorf("learnbot console said\n%s\nwant %q", out, want)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "learnbot.db")); err != nil {
			t.Errorf("the default database sqlite:learnbot.db: %v", err)
		}
	})

	t.Run("RunsFromEmptyFileSystem", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		console := exec.CommandContext(ctx, bin, "console")
		console.Path = "/learnbot" // resolved in the new root: root holds the binary and nothing else
		console.Dir = "/"
		console.Env = []string{"LEARNBOT_TIMEZONE=Europe/Berlin"}
		console.Stdin = strings.NewReader(script)
		console.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		if os.Geteuid() != 0 {
			// Unprivileged: chroot in a user namespace of our own.
			console.SysProcAttr.Cloneflags = syscall.CLONE_NEWUSER
			console.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
			console.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		}
		out, err := console.CombinedOutput()
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) {
			t.Skipf("cannot chroot here (not root, no user namespaces): %v", err)
		}
		if err != nil {
			t.Fatalf("learnbot console in an empty root with LEARNBOT_TIMEZONE=Europe/Berlin: %v\n%s", err, out)
		}
		for _, want := range consoleSaid {
			if !strings.Contains(string(out), want) {
				t.Errorf("learnbot console said\n%s\nwant %q", out, want)
			}
		}
	})
}

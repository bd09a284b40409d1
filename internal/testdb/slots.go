package testdb

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test suite shares PostgreSQL with other databases (the default
// max_connections is 100) and must stay under MaxConnections at once, with
// any `go test -p`, where every package is a process of its own. A process
// takes one of Slots slots (a lock on a file in the system's temporary
// directory, shared by every test process on the machine) before it opens a
// connection, and keeps it until it exits; within a slot it opens at most
// PerSlot connections: its pools are PoolSize connections each, and a test
// that runs several learnbot processes on one database asks for smaller
// pools (NewShared).
const (
	MaxConnections = 40
	Slots          = 3
	PerSlot        = MaxConnections / Slots // 13
	// PoolSize is the pool of a store opened on a URL from New: one test's
	// store (and the queue on it) next to testdb's own connection.
	PoolSize = 4
)

// EnvRun names the variable that tags this run's connections: they carry
// application_name learnbot-test-<run>, so that a check can count them
// apart from other runs on the same server.
const EnvRun = "LEARNBOT_TEST_RUN"

// envSlotDir moves the slots elsewhere (testdb's own test of them).
const envSlotDir = "LEARNBOT_TEST_SLOT_DIR"

// ApplicationName is what this run's connections call themselves.
func ApplicationName() string {
	run := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, os.Getenv(EnvRun))
	if run == "" {
		run = "local"
	}
	return "learnbot-test-" + run
}

var (
	slotOnce sync.Once
	slotFile *os.File
	slotErr  error
)

// slotWait is how long a process waits between tries for a slot.
const slotWait = 200 * time.Millisecond

// takeSlot blocks until this process holds a slot. The lock ends with the
// process, however it ends.
func takeSlot(t testing.TB) {
	t.Helper()
	slotOnce.Do(func() {
		dir := os.Getenv(envSlotDir)
		if dir == "" {
			dir = filepath.Join(os.TempDir(), "learnbot-pg-slots")
		}
		if err := os.MkdirAll(dir, 0o777); err != nil {
			slotErr = err
			return
		}
		os.Chmod(dir, 0o777) // shared by every user's tests
		logged := false
		for {
			for i := 0; i < Slots; i++ {
				f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("slot-%d", i)), os.O_RDWR|os.O_CREATE, 0o666)
				if err != nil {
					slotErr = err
					return
				}
				if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
					slotFile = f // kept open (and locked) until the process exits
					return
				}
				f.Close()
			}
			if !logged {
				t.Logf("testdb: waiting for one of %d PostgreSQL slots in %s (other test processes hold them)", Slots, dir)
				logged = true
			}
			time.Sleep(slotWait)
		}
	})
	if slotErr != nil {
		t.Fatalf("testdb: PostgreSQL slot: %v", slotErr)
	}
}

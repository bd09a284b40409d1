package testdb

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestSlotsBoundProcesses starts Slots+3 processes that each take a slot,
// mark that they hold it, and let go by exiting: never more than Slots
// hold one at once, and every one gets its turn.
func TestSlotsBoundProcesses(t *testing.T) {
	if dir := os.Getenv("LEARNBOT_TEST_SLOT_HOLDER"); dir != "" {
		takeSlot(t)
		mark := filepath.Join(dir, fmt.Sprint(os.Getpid()))
		os.WriteFile(mark, nil, 0o644)
		time.Sleep(300 * time.Millisecond)
		os.Remove(mark)
		return
	}
	slots, marks := t.TempDir(), t.TempDir()
	var procs []*exec.Cmd
	for i := 0; i < Slots+3; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSlotsBoundProcesses$")
		cmd.Env = append(os.Environ(), envSlotDir+"="+slots, "LEARNBOT_TEST_SLOT_HOLDER="+marks)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, cmd)
	}
	done := make(chan error, len(procs))
	for _, p := range procs {
		go func() { done <- p.Wait() }()
	}
	most, finished := 0, 0
	deadline := time.After(60 * time.Second)
	for finished < len(procs) {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("a slot holder failed: %v", err)
			}
			finished++
		case <-deadline:
			t.Fatalf("%d of %d slot holders finished in 60 s", finished, len(procs))
		case <-time.After(10 * time.Millisecond):
		}
		entries, _ := os.ReadDir(marks)
		most = max(most, len(entries))
	}
	if most > Slots {
		t.Errorf("%d processes held a slot at once; want at most %d", most, Slots)
	}
	if most == 0 {
		t.Error("no holder was ever seen: the test saw nothing")
	}
	t.Logf("at most %d of %d processes held a slot at once", most, len(procs))
}

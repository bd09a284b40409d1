package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// binDir holds the learnbot binary that tests run as real processes; it is
// removed when the package's tests end.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "learnbot-bin-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildErr  error
	buildOut  []byte
)

// learnbotBinary builds cmd/learnbot once per test run (with VCS stamping,
// as a release build would have) and returns its path.
func learnbotBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(binDir, "learnbot")
	buildOnce.Do(func() {
		cmd := exec.Command("go", "build", "-buildvcs=auto", "-o", bin, ".")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return bin
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/learnbot/learnbot/bot/matrix"
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

// buildTags are the tags of this test's build, for the binaries it builds:
// goolm when the tests run with it, as learnbot's releases are built.
func buildTags() []string {
	if matrix.Encrypts {
		return []string{"-tags", "goolm"}
	}
	return nil
}

// learnbotBinary builds cmd/learnbot once per test run (with VCS stamping,
// as a release build would have) and returns its path.
func learnbotBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(binDir, "learnbot")
	buildOnce.Do(func() {
		cmd := exec.Command("go", append([]string{"build", "-buildvcs=auto", "-o", bin}, append(buildTags(), ".")...)...)
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return bin
}

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memory is a process's resident set size, from /proc/<pid>/status: now
// (VmRSS) and the peak since start or the last resetPeak (VmHWM), in bytes.
type memory struct {
	RSS, Peak int64
}

func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	var m memory
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int64
		switch key {
		case "VmRSS":
			dst = &m.RSS
		case "VmHWM":
			dst = &m.Peak
		default:
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("/proc/%d/status: %s: %w", pid, key, err)
		}
		*dst = kb << 10
	}
	if m.RSS == 0 {
		return memory{}, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
	}
	return m, nil
}

// resetPeak sets VmHWM back to the current RSS (Linux: "5" to clear_refs),
// so that the next peak is that of one scenario. It needs to own the
// process or be root; without it, sampling still finds the peak.
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// rssWatch samples a process's RSS until stopped, keeping the highest.
type rssWatch struct {
	pid  int
	stop chan struct{}
	done sync.WaitGroup
	max  int64
}

func watchRSS(pid int) *rssWatch {
	w := &rssWatch{pid: pid, stop: make(chan struct{})}
	if pid == 0 {
		return w
	}
	hwmReset := resetPeak(pid) == nil
	w.done.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if m, err := readMemory(pid); err == nil {
				w.max = max(w.max, m.RSS)
				if hwmReset {
					w.max = max(w.max, m.Peak)
				}
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	})
	return w
}

// Stop ends the sampling and returns the peak RSS seen (0 without a pid).
func (w *rssWatch) Stop() int64 {
	if w.pid == 0 {
		return 0
	}
	close(w.stop)
	w.done.Wait()
	if m, err := readMemory(w.pid); err == nil {
		w.max = max(w.max, m.RSS)
	}
	return w.max
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

// clockTicks is Linux's USER_HZ, the unit of /proc/<pid>/stat's times (100
// on every Linux architecture Go supports).
const clockTicks = 100

// readCPU is the CPU time a process has used (user and system), from
// /proc/<pid>/stat; 0 when pid is 0 or unreadable.
func readCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count fields after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// databaseName is the database of a PostgreSQL URL; "" for any other.
func databaseName(url string) string {
	rest, ok := strings.CutPrefix(url, "postgres://")
	if !ok {
		rest, ok = strings.CutPrefix(url, "postgresql://")
	}
	if !ok {
		return ""
	}
	_, path, _ := strings.Cut(rest, "/")
	name, _, _ := strings.Cut(path, "?")
	return name
}

// postgresCPU is the CPU time each PostgreSQL backend connected to
// database has used, by process ID, from /proc (their command lines read
// "postgres: [<cluster>:] <user> <database> <client> ..."); nil when
// database is "". Compare two readings with cpuSince.
func postgresCPU(database string) map[int]time.Duration {
	if database == "" {
		return nil
	}
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	cpu := map[int]time.Duration{}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '})))
		if len(f) >= 3 && f[0] == "postgres:" && slices.Contains(f[2:min(len(f), 4)], database) {
			cpu[pid] = readCPU(pid)
		}
	}
	return cpu
}

// cpuSince is the CPU the backends of a later reading used since an
// earlier one (a backend new since then counts whole). A backend that
// exited in between is missed: learnbot's pool keeps its connections.
func cpuSince(before, after map[int]time.Duration) time.Duration {
	var d time.Duration
	for pid, t := range after {
		d += t - before[pid]
	}
	return d
}

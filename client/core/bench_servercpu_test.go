package core_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// serverCPU is the CPU time the process pid has used so far, the sum of
// its threads' run time in /proc/PID/task/*/schedstat (nanoseconds, unlike
// /proc/PID/stat's clock ticks). It reads 0 where there is no /proc. It is
// the figure to compare the server's cost by while other work runs on the
// machine, which inflates wall time but not CPU time.
func serverCPU(pid int) time.Duration {
	tasks, err := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "schedstat"))
	if err != nil {
		return 0
	}
	var sum time.Duration
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // a thread that ended meanwhile
		}
		first, _, _ := strings.Cut(string(b), " ")
		ns, err := strconv.ParseInt(first, 10, 64)
		if err == nil {
			sum += time.Duration(ns)
		}
	}
	return sum
}

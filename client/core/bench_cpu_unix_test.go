//go:build unix

package core_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) this process has used: the
// client's own work, whatever else the machine runs. The server is
// another process and is not in it.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package testserver

import (
	"runtime"
	"strings"
	"time"
)

// leakWait is how long CheckLeaks lets goroutines that are ending finish.
const leakWait = 15 * time.Second

// Leaks returns the stack of every goroutine still running code of this
// repository (a package under cipherleaf.dev/) other than the caller's,
// after polling for up to leakWait for them to end. Called once the tests
// of a package are done, it finds auto-sync loops, event dispatchers,
// token savers and syncs that nobody stopped. Goroutines of the standard
// library and of Fyne that run none of our code are not ours to judge.
func Leaks() []string {
	deadline := time.Now().Add(leakWait)
	for {
		leaks := ours()
		if len(leaks) == 0 || time.Now().After(deadline) {
			return leaks
		}
		time.Sleep(20 * time.Millisecond) // polling, bounded by deadline
	}
}

func ours() []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i == 0 { // the caller's own goroutine comes first
			continue
		}
		if strings.Contains(g, "cipherleaf.dev/") {
			out = append(out, g)
		}
	}
	return out
}

package blob

import (
	"runtime"
	"testing"
	"time"
)

// TestKeyLocks: a second Lock of a key waits for the first's unlock, a
// Lock of another key does not, and no entry outlives its last user.
func TestKeyLocks(t *testing.T) {
	for _, tc := range []struct {
		name       string
		second     string
		waitsFirst bool
	}{
		{"same key", "a", true},
		{"other key", "b", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var k KeyLocks
			unlock := k.Lock("a")
			got := make(chan func())
			go func() { got <- k.Lock(tc.second) }()
			var second func()
			if tc.waitsFirst {
				// The waiter is counted as a user before it blocks.
				for deadline := time.Now().Add(10 * time.Second); ; {
					k.mu.Lock()
					users := k.locks["a"].users
					k.mu.Unlock()
					if users == 2 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("Lock(%q): %d users of a, want 2", tc.second, users)
					}
					runtime.Gosched()
				}
				select {
				case second = <-got:
					t.Fatalf("Lock(%q) returned while %q was held", tc.second, "a")
				default:
				}
				unlock()
				second = <-got
			} else {
				second = <-got
				unlock()
			}
			second()
			if n := len(k.locks); n != 0 {
				t.Errorf("after every unlock %d keys have entries, want 0", n)
			}
		})
	}
}

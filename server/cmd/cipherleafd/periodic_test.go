package main

import (
	"context"
	"testing"
	"time"
)

// TestEvery: the job runs at once and again on each tick; stop cancels
// the run in progress and returns only once it has ended.
func TestEvery(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    time.Duration
		runs int // runs to see before stopping
	}{
		{"at once", time.Hour, 1},
		{"on ticks", time.Millisecond, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran := make(chan int)
			ended := false // set by the run that stop cancels
			n := 0
			stop := every(context.Background(), tc.d, func(ctx context.Context) {
				n++
				if n < tc.runs {
					ran <- n
					return
				}
				ran <- n
				<-ctx.Done()
				ended = true
			})
			for want := 1; want <= tc.runs; want++ {
				select {
				case got := <-ran:
					if got != want {
						t.Fatalf("run %d, want %d", got, want)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("every(%v): run %d did not come", tc.d, want)
				}
			}
			stop()
			if !ended {
				t.Errorf("every(%v): stop returned before the run in progress ended", tc.d)
			}
		})
	}
}

package main

import (
	"context"
	"sync"
	"time"
)

// every runs job at once and then every d until ctx ends, on its own
// goroutine; stop ends it and waits for a run in progress.
func every(ctx context.Context, d time.Duration, job func(ctx context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			job(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); wg.Wait() }
}

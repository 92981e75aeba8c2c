package core

import (
	"context"
	"sync"
)

// keyGuard counts the users of the keys (a sync, a note write, an export,
// a rotation) so that taking the keys away never waits for them. A user
// brackets its work with RLock and RUnlock; Lock, Logout and Close drop the
// keys from the Core at once and hand their wiping to wipe, which runs it
// immediately when no one uses the keys, else when the last user leaves.
// So a user never sees its bundle zeroed under it, and the UI thread never
// waits for a network call to end. It is not a mutex: RLock never blocks.
type keyGuard struct {
	mu    sync.Mutex
	users int
	wipes []func()      // run when users drops to 0
	idle  chan struct{} // closed when users drops to 0; nil if no one waits
}

// RLock marks one more user of the keys.
func (g *keyGuard) RLock() {
	g.mu.Lock()
	g.users++
	g.mu.Unlock()
}

// RUnlock ends one use; the last user runs the wipes left for it.
func (g *keyGuard) RUnlock() {
	g.mu.Lock()
	g.users--
	var run []func()
	if g.users == 0 {
		run, g.wipes = g.wipes, nil
		if g.idle != nil {
			close(g.idle)
			g.idle = nil
		}
	}
	g.mu.Unlock()
	for _, f := range run {
		f()
	}
}

// wipe runs f now if no one uses the keys, else when the last user leaves.
func (g *keyGuard) wipe(f func()) {
	g.mu.Lock()
	if g.users > 0 {
		g.wipes = append(g.wipes, f)
		g.mu.Unlock()
		return
	}
	g.mu.Unlock()
	f()
}

// waitIdle waits until no one uses the keys, or ctx ends.
func (g *keyGuard) waitIdle(ctx context.Context) error {
	g.mu.Lock()
	if g.users == 0 {
		g.mu.Unlock()
		return nil
	}
	if g.idle == nil {
		g.idle = make(chan struct{})
	}
	ch := g.idle
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

package sqlite

import (
	"os"
	"sync"
	"time"

	"cipherleaf.dev/server"
)

// Session cache: every authenticated request checks its session, and a
// database query for it costs more than the rest of a note write. The
// cache keeps that answer in memory with two rules that keep revocation
// prompt:
//
//   - Every change in this process that ends sessions or disables users
//     invalidates the cache before it returns (a generation counter stops a
//     lookup that raced with it from putting a stale entry back): the next
//     request already sees it.
//   - Changes made by another process (the "cipherleafd user" commands)
//     append a byte to the auth-epoch file next to the database after they
//     commit. A lookup stats that file when the last look is epochCheckEvery
//     old (by the store's clock), and a new size empties the cache, so such
//     a change takes effect within epochCheckEvery. Stating on every request
//     cost 2.8 % of the server's CPU under write load. If the file cannot be
//     read the cache is not used at all.

const maxCachedSessions = 100_000

// epochCheckEvery bounds how long a revocation by another process can go
// unseen.
const epochCheckEvery = time.Second

type sessionCache struct {
	epochPath string
	now       func() time.Time

	mu      sync.Mutex
	gen     uint64    // bumped by every invalidation
	epoch   int64     // auth-epoch file size the entries were read under
	checked time.Time // when epoch was last read from the file
	m       map[string]server.SessionAuth
}

func newSessionCache(epochPath string, now func() time.Time) *sessionCache {
	return &sessionCache{epochPath: epochPath, now: now, epoch: -1, m: make(map[string]server.SessionAuth)}
}

// currentEpoch is the auth-epoch file's size, or -1 if unknown.
func (c *sessionCache) currentEpoch() int64 {
	fi, err := os.Stat(c.epochPath)
	if err != nil {
		return -1
	}
	return fi.Size()
}

// get returns the cached answer for sid, and the generation to pass to put
// after a database lookup.
func (c *sessionCache) get(sid string) (server.SessionAuth, bool, uint64) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := now.Sub(c.checked); c.epoch < 0 || d >= epochCheckEvery || d < 0 {
		epoch := c.currentEpoch()
		c.checked = now
		if epoch < 0 || epoch != c.epoch {
			clear(c.m)
			c.gen++
			c.epoch = epoch
			return server.SessionAuth{}, false, c.gen
		}
	}
	a, ok := c.m[sid]
	return a, ok, c.gen
}

// put caches a for sid unless an invalidation happened since get.
func (c *sessionCache) put(sid string, a server.SessionAuth, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.epoch < 0 {
		return
	}
	if len(c.m) >= maxCachedSessions {
		clear(c.m)
	}
	c.m[sid] = a
}

// update changes the cached entry of sid, if any.
func (c *sessionCache) update(sid string, f func(*server.SessionAuth)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.m[sid]; ok {
		f(&a)
		c.m[sid] = a
	}
}

// invalidate empties the cache.
func (c *sessionCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.gen++
}

// bumpEpoch tells every process sharing the database that sessions or
// users changed.
func (c *sessionCache) bumpEpoch() error {
	f, err := os.OpenFile(c.epochPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte{'.'})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

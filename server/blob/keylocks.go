package blob

import "sync"

// KeyLocks serializes work on one key within this process: a Store's
// appends and commits to one key. The zero value is ready to use. A key
// has an entry only while its lock is held or awaited.
type KeyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock // guarded by mu
}

type keyLock struct {
	sync.Mutex
	users int // holders and waiters, guarded by KeyLocks.mu
}

// Lock waits for key's lock, takes it and returns its unlock.
func (k *KeyLocks) Lock(key string) (unlock func()) {
	k.mu.Lock()
	l := k.locks[key]
	if l == nil {
		if k.locks == nil {
			k.locks = map[string]*keyLock{}
		}
		l = &keyLock{}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

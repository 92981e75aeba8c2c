// Package profilelock keeps a second Cipherleaf app from opening a profile
// that an app already has open (SPEC §8, "One app per profile"): the app
// holds an exclusive OS lock on FileName in the profile folder for as long
// as it runs. The OS drops the lock when the process ends, however it ends
// (a crash or kill -9 included), so a lock is never left behind.
//
// The lock is advisory: flock(2) on Linux and macOS, LockFileEx on Windows.
// Only the app takes FileName; cipherleaf-cli does not, and runs beside the
// app. Wait takes a lock that every process of a profile shares for a
// moment (core's refresh.lock, SPEC §8), bounded by a context.
package profilelock

import (
	"errors"
	"fmt"
	"os"
)

// FileName is the lock file's name inside a profile folder. It stays empty
// and is never removed (removing it would let two processes lock two
// different files of the same name).
const FileName = "app.lock"

// ErrLocked means another process holds the lock.
var ErrLocked = errors.New("profile already open")

// Lock is a held lock; Unlock releases it.
type Lock struct{ f *os.File }

// TryLock takes the lock on the file at path (created, mode 0600, if
// absent) without waiting. It returns ErrLocked when another process, or
// another Lock of this process, holds it.
func TryLock(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// Unlock releases the lock (closing the file releases it too).
func (l *Lock) Unlock() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("release lock: %w", err)
	}
	return nil
}

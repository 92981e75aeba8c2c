package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"cipherleaf.dev/client/internal/profilelock"
)

// errAlreadyOpen ends a second app on a profile another app has open; run
// has already told the person why (main prints nothing more).
var errAlreadyOpen = errors.New("profile already open in another window")

// alreadyOpen is what a second app on the same profile says.
const alreadyOpen = "Cipherleaf is already open with this profile."

// lockProfile takes the profile's app lock (SPEC §8, one app per profile)
// before anything reads the vault. When another app holds it, it says so
// on stderr and returns errAlreadyOpen. The OS releases the lock when this
// process ends, however it ends.
func lockProfile(dir string, stderr io.Writer) (*profilelock.Lock, error) {
	l, err := profilelock.TryLock(filepath.Join(dir, profilelock.FileName))
	if errors.Is(err, profilelock.ErrLocked) {
		fmt.Fprintf(stderr, "%s (%s)\n", alreadyOpen, dir)
		return nil, errAlreadyOpen
	}
	if err != nil {
		return nil, fmt.Errorf("lock profile: %w", err)
	}
	return l, nil
}

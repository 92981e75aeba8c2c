package core

import (
	"crypto/rand"
	"fmt"
)

// randRead fills b from the OS CSPRNG (device keys).
func randRead(b []byte) (int, error) {
	n, err := rand.Read(b)
	if err != nil {
		return n, fmt.Errorf("read random bytes: %w", err)
	}
	return n, nil
}

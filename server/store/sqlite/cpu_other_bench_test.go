//go:build !unix

package sqlite

import "time"

// processCPU is not measured here: cpu-ms reads 0.
func processCPU() time.Duration { return 0 }

// procWrites is not measured here: it reads 0, 0.
func procWrites() (bytes, calls int64) { return 0, 0 }

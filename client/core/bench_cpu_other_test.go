//go:build !unix

package core_test

import "time"

// processCPU is not measured here: client-cpu-ms reads 0.
func processCPU() time.Duration { return 0 }

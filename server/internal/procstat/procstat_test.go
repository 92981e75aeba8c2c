package procstat

import (
	"os"
	"runtime"
	"testing"
)

var sink int

// TestMeasuresThisProcess: CPU time grows with work, and on Linux the
// write counters grow with a write.
func TestMeasuresThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/self/io and getrusage are read on Linux")
	}
	cpu0 := CPU()
	x := 0
	for i := range 50_000_000 {
		x ^= i
	}
	sink = x
	if CPU() <= cpu0 {
		t.Errorf("CPU time did not grow over 50M loop steps: %v", cpu0)
	}
	b0, c0 := Writes()
	f, err := os.Create(t.TempDir() + "/x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, c := Writes(); b < b0+4096 || c < c0+1 {
		t.Errorf("writes %d bytes in %d calls after one of 4096, had %d in %d", b, c, b0, c0)
	}
}

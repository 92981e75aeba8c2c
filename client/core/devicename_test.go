package core

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestDefaultDeviceName(t *testing.T) {
	tests := []struct{ goos, want string }{
		{"linux", "Cipherleaf on Linux"},
		{"darwin", "Cipherleaf on macOS"},
		{"windows", "Cipherleaf on Windows"},
		{"plan9", "Cipherleaf on plan9"},
	}
	for _, tt := range tests {
		t.Run(tt.goos, func(t *testing.T) {
			if got := "Cipherleaf on " + osName(tt.goos); got != tt.want {
				t.Errorf("device name on %s = %q, want %q", tt.goos, got, tt.want)
			}
		})
	}
	got := DefaultDeviceName()
	if got != "Cipherleaf on "+osName(runtime.GOOS) {
		t.Errorf("DefaultDeviceName() = %q", got)
	}
	if host, err := os.Hostname(); err == nil && host != "" && strings.Contains(got, host) {
		t.Errorf("DefaultDeviceName() = %q contains the host name", got)
	}
	c, err := Open(Config{ProfileDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.cfg.DeviceName != got {
		t.Errorf("Open without a device name uses %q, want %q", c.cfg.DeviceName, got)
	}
}

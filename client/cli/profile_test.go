package cli

import (
	"path/filepath"
	"testing"
)

func TestProfileFor(t *testing.T) {
	tests := []struct {
		goos string
		env  map[string]string
		want string // "" = an error
	}{
		{"windows", map[string]string{"AppData": `C:\Users\ann\AppData\Roaming`}, filepath.Join(`C:\Users\ann\AppData\Roaming`, "Cipherleaf")},
		{"windows", map[string]string{}, ""},
		{"darwin", map[string]string{"HOME": "/Users/ann"}, filepath.Join("/Users/ann", "Library", "Application Support", "Cipherleaf")},
		{"linux", map[string]string{"HOME": "/home/ann"}, filepath.Join("/home/ann", ".config", "cipherleaf")},
		{"linux", map[string]string{"HOME": "/home/ann", "XDG_CONFIG_HOME": "/cfg"}, filepath.Join("/cfg", "cipherleaf")},
		{"linux", map[string]string{"HOME": "/home/ann", "XDG_CONFIG_HOME": "relative"}, filepath.Join("/home/ann", ".config", "cipherleaf")},
		{"linux", map[string]string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.goos+" "+tt.want, func(t *testing.T) {
			got, err := profileFor(tt.goos, func(k string) string { return tt.env[k] })
			if tt.want == "" {
				if err == nil {
					t.Fatalf("profileFor(%q) = %q, want an error", tt.goos, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("profileFor(%q) = %q, %v, want %q", tt.goos, got, err, tt.want)
			}
		})
	}
}

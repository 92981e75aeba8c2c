package cli

import (
	"errors"
	"path/filepath"
	"runtime"
)

// defaultProfile is os.UserConfigDir()/cipherleaf, computed from getenv so
// that nothing below Run reads the process environment.
func defaultProfile(getenv func(string) string) (string, error) {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = getenv("AppData")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			dir = filepath.Join(h, "Library", "Application Support")
		}
	default:
		dir = getenv("XDG_CONFIG_HOME")
		if dir == "" || !filepath.IsAbs(dir) {
			dir = ""
			if h := getenv("HOME"); h != "" {
				dir = filepath.Join(h, ".config")
			}
		}
	}
	if dir == "" {
		return "", errors.New("no config folder (HOME is not set): pass --profile DIR")
	}
	return filepath.Join(dir, "cipherleaf"), nil
}

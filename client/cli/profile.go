package cli

import (
	"errors"
	"path/filepath"
	"runtime"
)

// defaultProfile is the profile folder in os.UserConfigDir(), computed
// from getenv so that nothing below Run reads the process environment:
// %AppData%\Cipherleaf on Windows, ~/Library/Application Support/Cipherleaf
// on macOS (those systems name app folders by the app's display name),
// $XDG_CONFIG_HOME/cipherleaf or ~/.config/cipherleaf elsewhere.
func defaultProfile(getenv func(string) string) (string, error) {
	return profileFor(runtime.GOOS, getenv)
}

func profileFor(goos string, getenv func(string) string) (string, error) {
	var dir string
	name := "cipherleaf"
	switch goos {
	case "windows":
		dir, name = getenv("AppData"), "Cipherleaf"
	case "darwin", "ios":
		name = "Cipherleaf"
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
	return filepath.Join(dir, name), nil
}

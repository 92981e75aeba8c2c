package core

import "runtime"

// DefaultDeviceName is the neutral name a device shows in the session list
// unless the user chose one: "Cipherleaf on Linux" and the like. It never
// holds the machine's host name, which would tell the server more than it
// needs (the user may choose to give it).
func DefaultDeviceName() string { return "Cipherleaf on " + osName(runtime.GOOS) }

func osName(goos string) string {
	switch goos {
	case "linux":
		return "Linux"
	case "darwin":
		return "macOS"
	case "windows":
		return "Windows"
	case "freebsd":
		return "FreeBSD"
	case "openbsd":
		return "OpenBSD"
	}
	return goos
}

package attach

import (
	"strings"
	"unicode"
)

// SafeName turns an attachment's name into one that is safe to create in
// a folder on Linux, macOS and Windows (SPEC §11.6): no path separators or
// other reserved characters, no control or format characters (such as a
// right-to-left override that disguises an extension), no leading dots, no
// trailing dots or spaces, no Windows device name; "attachment" when
// nothing is left.
func SafeName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
			b.WriteByte('_')
		case strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	s = strings.TrimRight(s, ". ")
	if s == "" {
		return "attachment"
	}
	base, _, _ := strings.Cut(s, ".")
	switch strings.ToUpper(strings.TrimSpace(base)) {
	case "CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		s = "_" + s
	}
	return s
}

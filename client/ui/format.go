package ui

import (
	"fmt"
	"strings"
	"time"
)

// modifiedText is the short modified time of a note row: the clock time
// today, the weekday this week, else the date.
func modifiedText(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	d := now.Sub(t)
	switch {
	case d < time.Minute && d > -time.Minute:
		return "just now"
	case d < time.Hour && d > 0:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case sameDay(now, t):
		return t.Format("15:04")
	case sameDay(now.AddDate(0, 0, -1), t):
		return "yesterday"
	case d < 6*24*time.Hour && d > 0:
		return t.Format("Monday")
	case now.Year() == t.Year():
		return t.Format("2 Jan")
	default:
		return t.Format("2 Jan 2006")
	}
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// parseTags splits the tags entry ("work, ideas ,  todo") into tags,
// dropping empties and duplicates while keeping the order typed.
func parseTags(s string) []string {
	var tags []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "#")
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		tags = append(tags, t)
	}
	return tags
}

// formatTags is the inverse of parseTags for filling the tags entry.
func formatTags(tags []string) string {
	return strings.Join(tags, ", ")
}

// displayTitle is what the list and dialogs call a note.
func displayTitle(title string) string {
	if t := strings.TrimSpace(title); t != "" {
		return t
	}
	return "Untitled"
}

// groupFingerprint makes "sha256:0a1b2c…" easier to compare with what
// cipherleafd printed: the same characters in the same order and case, the
// hex split into groups of 16, two groups a line.
func groupFingerprint(fp string) string {
	algo, hex, ok := strings.Cut(strings.TrimSpace(fp), ":")
	if !ok {
		hex, algo = algo, ""
	}
	var b strings.Builder
	if algo != "" {
		b.WriteString(algo + ":\n")
	}
	for i := 0; i < len(hex); i += 16 {
		if i > 0 {
			if (i/16)%2 == 0 {
				b.WriteString("\n")
			} else {
				b.WriteString("  ")
			}
		}
		b.WriteString(hex[i:min(i+16, len(hex))])
	}
	return b.String()
}

// sameFingerprint compares two fingerprints ignoring case, spaces and
// colons between byte pairs.
func sameFingerprint(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		s = strings.TrimPrefix(s, "sha256:")
		return strings.NewReplacer(" ", "", ":", "", "\n", "").Replace(s)
	}
	return a != "" && b != "" && norm(a) == norm(b)
}

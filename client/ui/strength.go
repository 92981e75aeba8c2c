package ui

import (
	"math"
	"strings"
	"unicode"
)

// minPasswordLen is the shortest password the app accepts for a new account
// or a password change.
const minPasswordLen = 10

// strength is the feedback shown under a new password.
type strength struct {
	Score int    // 0 (very weak) … 4 (strong)
	Words string // what to show, e.g. "Fair — a few more words would help"
	OK    bool   // good enough to accept
}

// commonPasswords are a few of the most used passwords and words in them;
// a password built around one of them is weak whatever its length.
var commonPasswords = []string{
	"password", "passwort", "123456", "qwerty", "azerty", "letmein", "welcome",
	"iloveyou", "admin", "monkey", "dragon", "football", "abc123", "111111",
	"secret", "cipherleaf", "sunshine", "princess", "baseball", "trustno1",
}

// passwordStrength estimates how hard pw is to guess. It is a rough guide
// for people, not a security boundary: the server never sees the password
// and the key derivation is what slows down guessing. avoid lists strings
// (such as the user name) the password should not be built from.
func passwordStrength(pw string, avoid ...string) strength {
	if pw == "" {
		return strength{Score: 0, Words: "Choose a password"}
	}
	// Guessers try common passwords and the user's own name first: take
	// those parts out and credit each with only a few bits.
	rest := strings.ToLower(pw)
	credit := 0.0
	common := false
	for _, w := range commonPasswords {
		if strings.Contains(rest, w) {
			rest = strings.ReplaceAll(rest, w, "")
			credit += 6
			common = true
		}
	}
	for _, a := range avoid {
		a = strings.ToLower(strings.TrimSpace(a))
		if len(a) >= 3 && strings.Contains(rest, a) {
			rest = strings.ReplaceAll(rest, a, "")
			credit += 4
		}
	}
	// Case is mostly lost above; look at the original for the character pool.
	var lower, upper, digit, space, other bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsSpace(r):
			space = true
		default:
			other = true
		}
	}
	pool := 0
	for _, c := range []struct {
		on   bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {space, 1}, {other, 32}} {
		if c.on {
			pool += c.size
		}
	}
	// Characters that repeat or step from the previous one ("aaaa", "1234")
	// count for a quarter.
	runes := []rune(rest)
	effective := 0.0
	for i := range runes {
		if i > 0 {
			if d := runes[i] - runes[i-1]; d >= -1 && d <= 1 {
				effective += 0.25
				continue
			}
		}
		effective++
	}
	bits := credit + effective*math.Log2(float64(max(pool, 2)))

	s := strength{}
	switch {
	case bits < 28:
		s.Score = 0
	case bits < 40:
		s.Score = 1
	case bits < 60:
		s.Score = 2
	case bits < 80:
		s.Score = 3
	default:
		s.Score = 4
	}
	short := len([]rune(pw)) < minPasswordLen
	if short && s.Score > 1 {
		s.Score = 1
	}
	switch {
	case common && s.Score < 2:
		s.Words = "Very weak — this is a common password"
	case short:
		s.Words = "Too short — use at least 10 characters"
	case s.Score == 0:
		s.Words = "Very weak — try a few unrelated words"
	case s.Score == 1:
		s.Words = "Weak — add more words or characters"
	case s.Score == 2:
		s.Words = "Fair — a few more characters would help"
	case s.Score == 3:
		s.Words = "Good"
	default:
		s.Words = "Strong"
	}
	s.OK = !short && s.Score >= 2
	return s
}

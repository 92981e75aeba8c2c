package cryptobox

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var printedRE = regexp.MustCompile(`^[A-Z2-7]{5}(-[A-Z2-7]{5}){10}$`)

func TestRecoveryKeyRoundTrip(t *testing.T) {
	for i := range 50 {
		r, err := NewRecoveryKey()
		if err != nil {
			t.Fatal(err)
		}
		s := r.String()
		if !printedRE.MatchString(s) {
			t.Fatalf("String() = %q, want 11 groups of 5 base32 characters", s)
		}
		got, err := ParseRecoveryKey(s)
		if err != nil || got != r {
			t.Fatalf("ParseRecoveryKey(%q) = %x, %v, want %x (key %d)", s, got, err, r, i)
		}
	}
}

// TestParseRecoveryKeyTypos: every single-character substitution that is
// not a look-alike is caught by the checksum or the alphabet, except in the
// last character's unused bits.
func TestParseRecoveryKeyTypos(t *testing.T) {
	var r RecoveryKey
	copy(r[:], testBytes("typo", KeySize))
	compact := strings.ReplaceAll(r.String(), "-", "")
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	missed := 0
	for i := range len(compact) - 1 {
		for _, c := range alpha {
			if byte(c) == compact[i] {
				continue
			}
			typo := compact[:i] + string(c) + compact[i+1:]
			if _, err := ParseRecoveryKey(typo); err == nil {
				missed++
			} else if !errors.Is(err, ErrRecoveryKeyMistyped) {
				t.Fatalf("ParseRecoveryKey(%q) error = %v, want %v", typo, err, ErrRecoveryKeyMistyped)
			}
		}
	}
	// A 16-bit checksum lets about 1 in 65536 typos through.
	if missed > 2 {
		t.Errorf("ParseRecoveryKey accepted %d of %d single-character typos", missed, (len(compact)-1)*31)
	}
}

func TestRecoveryKeyDerivedKeys(t *testing.T) {
	var r RecoveryKey
	copy(r[:], testBytes("rk", KeySize))
	w, err := r.WrapKey()
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.AuthKey()
	if err != nil {
		t.Fatal(err)
	}
	if *w == *a || *w == [KeySize]byte(r) {
		t.Errorf("WrapKey() = %x, AuthKey() = %x: want two distinct keys", w, a)
	}
	r.Wipe()
	if r != (RecoveryKey{}) {
		t.Errorf("Wipe() left %x", r)
	}
}

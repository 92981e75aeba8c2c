package cryptobox

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

var allPurposes = []Purpose{PurposePassword, PurposeRecovery, PurposeDevice, PurposeRotation, PurposeBackup}

func TestWrapRoundTrip(t *testing.T) {
	key := testKey("wrap-rt")
	for _, p := range allPurposes {
		for _, n := range []int{0, 1, 36, 77, 4096} {
			t.Run(fmt.Sprintf("%s/%d", p, n), func(t *testing.T) {
				pt := testBytes("pt", n)
				blob, err := Wrap(key, pt, p)
				if err != nil {
					t.Fatalf("Wrap(%q) error = %v", p, err)
				}
				if len(blob) != n+WrapOverhead || blob[0] != 0x01 {
					t.Errorf("Wrap(%q) = %d bytes starting %#x, want %d starting 0x01", p, len(blob), blob[0], n+WrapOverhead)
				}
				got, err := Unwrap(key, blob, p)
				if err != nil || !bytes.Equal(got, pt) {
					t.Errorf("Unwrap(%q) = %x, %v, want %x", p, got, err, pt)
				}
			})
		}
	}
}

func TestWrapFreshNonce(t *testing.T) {
	key := testKey("wrap-nonce")
	a, _ := Wrap(key, []byte("x"), PurposeDevice)
	b, _ := Wrap(key, []byte("x"), PurposeDevice)
	if bytes.Equal(a, b) {
		t.Errorf("Wrap twice gave the same blob %x", a)
	}
}

func TestWrapPurposeConfusion(t *testing.T) {
	key := testKey("wrap-purpose")
	for _, wp := range allPurposes {
		blob, err := Wrap(key, []byte("bundle"), wp)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range append(allPurposes, "", "passwor", "password\x00", "PASSWORD") {
			if op == wp {
				continue
			}
			t.Run(fmt.Sprintf("%s as %q", wp, op), func(t *testing.T) {
				if got, err := Unwrap(key, blob, op); !errors.Is(err, ErrOpen) {
					t.Errorf("Unwrap(%q blob, %q) = %x, %v, want %v", wp, op, got, err, ErrOpen)
				}
			})
		}
	}
}

func TestWrapUnknownPurpose(t *testing.T) {
	for _, p := range []Purpose{"", "other", "password/", "Password"} {
		t.Run(string(p), func(t *testing.T) {
			if blob, err := Wrap(testKey("k"), []byte("x"), p); err == nil {
				t.Errorf("Wrap(%q) = %x, nil, want an error", p, blob)
			}
		})
	}
}

func TestUnwrapWrongKey(t *testing.T) {
	blob, _ := Wrap(testKey("right"), []byte("secret"), PurposePassword)
	if got, err := Unwrap(testKey("wrong"), blob, PurposePassword); !errors.Is(err, ErrOpen) {
		t.Errorf("Unwrap(wrong key) = %x, %v, want %v", got, err, ErrOpen)
	}
}

// TestUnwrapTamper flips every bit of a wrapped blob; each position class
// must fail with its error and never return plaintext.
func TestUnwrapTamper(t *testing.T) {
	key := testKey("tamper")
	blob, err := wrapWithNonce(key, []byte("a key bundle of some bytes"), PurposePassword, testBytes("n", NonceSize))
	if err != nil {
		t.Fatal(err)
	}
	tagAt := len(blob) - TagSize
	classes := []struct {
		name     string
		from, to int
		want     error
	}{
		{"version", 0, 1, ErrUnsupportedVersion},
		{"nonce", 1, 1 + NonceSize, ErrOpen},
		{"ciphertext", 1 + NonceSize, tagAt, ErrOpen},
		{"tag", tagAt, len(blob), ErrOpen},
	}
	for _, c := range classes {
		t.Run(c.name, func(t *testing.T) {
			for i := c.from; i < c.to; i++ {
				for bit := range 8 {
					bad := bytes.Clone(blob)
					bad[i] ^= 1 << bit
					if got, err := Unwrap(key, bad, PurposePassword); !errors.Is(err, c.want) {
						t.Fatalf("Unwrap(bit %d of byte %d flipped) = %x, %v, want %v", bit, i, got, err, c.want)
					}
				}
			}
		})
	}
}

func TestUnwrapTruncated(t *testing.T) {
	key := testKey("trunc")
	blob, _ := Wrap(key, testBytes("pt", 36), PurposeRecovery)
	for n := range len(blob) {
		if got, err := Unwrap(key, blob[:n], PurposeRecovery); !errors.Is(err, ErrOpen) {
			t.Fatalf("Unwrap(first %d bytes) = %x, %v, want %v", n, got, err, ErrOpen)
		}
	}
	if got, err := Unwrap(key, append(bytes.Clone(blob), 0), PurposeRecovery); !errors.Is(err, ErrOpen) {
		t.Errorf("Unwrap(one byte appended) = %x, %v, want %v", got, err, ErrOpen)
	}
}

func TestUnwrapBundleWrongPassword(t *testing.T) {
	p := tinyParams()
	right, err := Derive([]byte("correct horse"), p, InsecureTestPolicy)
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := Derive([]byte("correct horse!"), p, InsecureTestPolicy)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewBundle()
	wrapped, err := WrapBundle(&right.KEK, b, PurposePassword)
	if err != nil {
		t.Fatal(err)
	}
	if len(wrapped) != 77 {
		t.Errorf("len(WrapBundle(one key)) = %d, want 77", len(wrapped))
	}
	tests := []struct {
		name    string
		key     *[KeySize]byte
		purpose Purpose
		want    error
	}{
		{"right password", &right.KEK, PurposePassword, nil},
		{"wrong password", &wrong.KEK, PurposePassword, ErrOpen},
		{"auth key instead of kek", &right.Auth, PurposePassword, ErrOpen},
		{"right key wrong purpose", &right.KEK, PurposeRecovery, ErrOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnwrapBundle(tt.key, wrapped, tt.purpose)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("UnwrapBundle() = %v, %v, want %v", got, err, tt.want)
			}
			if tt.want == nil && (len(got) != 1 || got[0] != b[0]) {
				t.Errorf("UnwrapBundle() = %v, want %v", got, b)
			}
		})
	}
}

func TestUnwrapBundleNotABundle(t *testing.T) {
	key := testKey("nb")
	blob, _ := Wrap(key, []byte("not 36 bytes"), PurposeDevice)
	if _, err := UnwrapBundle(key, blob, PurposeDevice); !errors.Is(err, ErrBadBundle) {
		t.Errorf("UnwrapBundle(garbage plaintext) error = %v, want %v", err, ErrBadBundle)
	}
	if _, err := WrapBundle(key, nil, PurposeDevice); !errors.Is(err, ErrBadBundle) {
		t.Errorf("WrapBundle(nil) error = %v, want %v", err, ErrBadBundle)
	}
}

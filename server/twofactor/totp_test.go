package twofactor

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the SHA-1 key of RFC 6238 appendix B, in base32.
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

// TestCodeRFC6238 checks codes against RFC 6238's published SHA-1 vectors
// (the last six of their eight digits), not against this package's own output.
func TestCodeRFC6238(t *testing.T) {
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got, err := Code(rfcSecret, time.Unix(tt.unix, 0))
			if err != nil || got != tt.want {
				t.Errorf("Code(rfc, %d) = %q, %v, want %q", tt.unix, got, err, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	at := time.Unix(1111111109, 0) // step 37037036, code 081804
	step := Step(at)
	tests := []struct {
		name     string
		code     string
		now      time.Time
		wantStep int64
		wantErr  bool
	}{
		{"same step", "081804", at, step, false},
		{"one step late", "081804", at.Add(Period * time.Second), step, false},
		{"one step early", "081804", at.Add(-Period * time.Second), step, false},
		{"two steps late", "081804", at.Add(2 * Period * time.Second), 0, true},
		{"two steps early", "081804", at.Add(-2 * Period * time.Second), 0, true},
		{"wrong digit", "081805", at, 0, true},
		{"too short", "81804", at, 0, true},
		{"too long", "0818040", at, 0, true},
		{"not digits", "08180a", at, 0, true},
		{"spaces", " 81804", at, 0, true},
		{"empty", "", at, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Match(rfcSecret, tt.code, tt.now)
			if tt.wantErr {
				if !errors.Is(err, ErrBadCode) {
					t.Errorf("Match(%q) = %d, %v, want ErrBadCode", tt.code, got, err)
				}
				return
			}
			if err != nil || got != tt.wantStep {
				t.Errorf("Match(%q) = %d, %v, want %d", tt.code, got, err, tt.wantStep)
			}
		})
	}
}

func TestNewSecret(t *testing.T) {
	secret, uri, err := NewSecret("alice", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw) != SecretSize {
		t.Fatalf("secret %q decodes to %d bytes, %v; want %d", secret, len(raw), err, SecretSize)
	}
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Cipherleaf:alice" ||
		q.Get("secret") != secret || q.Get("issuer") != "Cipherleaf" || q.Get("digits") != "6" ||
		q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Errorf("NewSecret URI = %q", uri)
	}
	now := time.Now()
	code, err := Code(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Match(secret, code, now); err != nil || s != Step(now) {
		t.Errorf("Match(own code) = %d, %v, want %d", s, err, Step(now))
	}
	other, _, _ := NewSecret("alice", rand.Reader)
	if other == secret {
		t.Error("two secrets are equal")
	}
}

func TestSeal(t *testing.T) {
	s, err := NewSealer(bytes.Repeat([]byte{7}, 32), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal("uid-1", rfcSecret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte(rfcSecret)) || bytes.Contains(sealed, []byte("12345678901234567890")) {
		t.Fatal("sealed secret contains the secret")
	}
	if got, err := s.Open("uid-1", sealed); err != nil || got != rfcSecret {
		t.Fatalf("Open = %q, %v, want the secret", got, err)
	}
	again, _ := s.Seal("uid-1", rfcSecret)
	if bytes.Equal(again, sealed) {
		t.Error("two seals of one secret are equal: nonce reused")
	}
	other, _ := NewSealer(bytes.Repeat([]byte{8}, 32), rand.Reader)
	tamper := []struct {
		name   string
		s      *Sealer
		uid    string
		sealed func() []byte
	}{
		{"other account", s, "uid-2", func() []byte { return sealed }},
		{"other key", other, "uid-1", func() []byte { return sealed }},
		{"nonce bit", s, "uid-1", func() []byte { b := bytes.Clone(sealed); b[0] ^= 1; return b }},
		{"ciphertext bit", s, "uid-1", func() []byte { b := bytes.Clone(sealed); b[14] ^= 1; return b }},
		{"tag bit", s, "uid-1", func() []byte { b := bytes.Clone(sealed); b[len(b)-1] ^= 1; return b }},
		{"truncated", s, "uid-1", func() []byte { return sealed[:20] }},
		{"empty", s, "uid-1", func() []byte { return nil }},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := tt.s.Open(tt.uid, tt.sealed()); !errors.Is(err, ErrOpen) {
				t.Errorf("Open(%s) = %q, %v, want ErrOpen", tt.name, got, err)
			}
		})
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes(10, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || strings.Trim(c, "abcdefghijklmnopqrstuvwxyz234567-") != "" {
			t.Errorf("code %q is not xxxxx-xxxxx in lower base32", c)
		}
		if seen[c] {
			t.Errorf("code %q made twice", c)
		}
		seen[c] = true
	}
	h := NewCodeHasher(bytes.Repeat([]byte{1}, 32))
	c := codes[0]
	tests := []struct {
		name  string
		uid   string
		code  string
		equal bool
	}{
		{"same", "u1", c, true},
		{"upper case", "u1", strings.ToUpper(c), true},
		{"no dash", "u1", strings.ReplaceAll(c, "-", ""), true},
		{"spaces", "u1", " " + c[:5] + " " + c[6:] + "\n", true},
		{"other account", "u2", c, false},
		{"other code", "u1", codes[1], false},
	}
	want := h.Hash("u1", c)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bytes.Equal(h.Hash(tt.uid, tt.code), want); got != tt.equal {
				t.Errorf("Hash(%q, %q) equal = %v, want %v", tt.uid, tt.code, got, tt.equal)
			}
		})
	}
	if other := NewCodeHasher(bytes.Repeat([]byte{2}, 32)); bytes.Equal(other.Hash("u1", c), want) {
		t.Error("hash does not depend on the key")
	}
}

func TestChallenges(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	cs := NewChallenges(func() time.Time { return now }, rand.Reader)
	tok, err := cs.Open(7, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := cs.Peek(tok); err != nil || p.UserID != 7 || p.DeviceName != "laptop" {
		t.Fatalf("Peek = %+v, %v", p, err)
	}
	if _, err := cs.Peek(tok + "x"); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("Peek(unknown) = %v, want ErrNoChallenge", err)
	}
	if !cs.Spend(tok) {
		t.Fatal("Spend = false, want true")
	}
	if cs.Spend(tok) {
		t.Error("second Spend = true: challenge is not single-use")
	}
	if _, err := cs.Peek(tok); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("Peek(spent) = %v, want ErrNoChallenge", err)
	}

	t.Run("expiry", func(t *testing.T) {
		tok, _ := cs.Open(7, "d")
		now = now.Add(ChallengeTTL - time.Second)
		if _, err := cs.Peek(tok); err != nil {
			t.Fatalf("Peek before expiry = %v", err)
		}
		now = now.Add(time.Second)
		if _, err := cs.Peek(tok); !errors.Is(err, ErrNoChallenge) {
			t.Errorf("Peek at expiry = %v, want ErrNoChallenge", err)
		}
	})
	t.Run("tries", func(t *testing.T) {
		tok, _ := cs.Open(7, "d")
		for range ChallengeMaxTries - 1 {
			cs.Fail(tok)
		}
		if _, err := cs.Peek(tok); err != nil {
			t.Fatalf("Peek after %d fails = %v", ChallengeMaxTries-1, err)
		}
		cs.Fail(tok)
		if _, err := cs.Peek(tok); !errors.Is(err, ErrNoChallenge) {
			t.Errorf("Peek after %d fails = %v, want ErrNoChallenge", ChallengeMaxTries, err)
		}
	})
}

func FuzzMatch(f *testing.F) {
	for _, s := range []string{"081804", "287082", "", "abcdef", "0818040", "\x00\x00\x00\x00\x00\x00"} {
		f.Add(s)
	}
	at := time.Unix(1111111109, 0)
	f.Fuzz(func(t *testing.T, code string) {
		step, err := Match(rfcSecret, code, at)
		if err != nil {
			return
		}
		if step < Step(at)-Skew || step > Step(at)+Skew {
			t.Fatalf("Match(%q) = step %d outside the window", code, step)
		}
		want, _ := Code(rfcSecret, time.Unix(step*Period, 0))
		if want != code {
			t.Fatalf("Match(%q) = step %d whose code is %q", code, step, want)
		}
	})
}

func FuzzOpen(f *testing.F) {
	s, _ := NewSealer(bytes.Repeat([]byte{7}, 32), rand.Reader)
	good, _ := s.Seal("u", rfcSecret)
	f.Add(good)
	f.Add([]byte{})
	f.Add(good[:12])
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := s.Open("u", b)
		if err == nil && (!bytes.Equal(b, good) || got != rfcSecret) {
			t.Fatalf("Open(%x) = %q, nil: a forgery opened", b, got)
		}
	})
}

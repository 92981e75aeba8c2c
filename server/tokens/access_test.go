package tokens

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	a := NewAccess(key, 10*time.Minute, func() time.Time { return now })
	good, err := a.Issue("user-1", "sess-1")
	if err != nil {
		t.Fatal(err)
	}
	claims := func(mod func(*Claims)) Claims {
		c := Claims{RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: "user-1", Audience: jwt.ClaimStrings{Audience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		}, SID: "sess-1"}
		if mod != nil {
			mod(&c)
		}
		return c
	}
	sign := func(c Claims, m jwt.SigningMethod, k any) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tampered := []byte(good)
	tampered[len(tampered)-3] ^= 1
	tests := []struct {
		name string
		tok  string
		ok   bool
	}{
		{"good", good, true},
		{"same claims HS256", sign(claims(nil), jwt.SigningMethodHS256, key), true},
		{"alg none", sign(claims(nil), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType), false},
		{"HS512", sign(claims(nil), jwt.SigningMethodHS512, key), false},
		{"ES256", sign(claims(nil), jwt.SigningMethodES256, ec), false},
		{"bad signature", string(tampered), false},
		{"other key", sign(claims(nil), jwt.SigningMethodHS256, []byte("another key of thirty-two bytes!")), false},
		{"expired", sign(claims(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Second)) }), jwt.SigningMethodHS256, key), false},
		{"no exp", sign(claims(func(c *Claims) { c.ExpiresAt = nil }), jwt.SigningMethodHS256, key), false},
		{"issued in future", sign(claims(func(c *Claims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour)) }), jwt.SigningMethodHS256, key), false},
		{"wrong aud", sign(claims(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other"} }), jwt.SigningMethodHS256, key), false},
		{"wrong iss", sign(claims(func(c *Claims) { c.Issuer = "evil" }), jwt.SigningMethodHS256, key), false},
		{"no sid", sign(claims(func(c *Claims) { c.SID = "" }), jwt.SigningMethodHS256, key), false},
		{"garbage", "a.b.c", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			uid, sid, err := a.Verify(tc.tok)
			if tc.ok {
				if err != nil || uid != "user-1" || sid != "sess-1" {
					t.Errorf("Verify = %q, %q, %v; want user-1, sess-1", uid, sid, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidToken) {
				t.Errorf("Verify = %q, %q, %v; want ErrInvalidToken", uid, sid, err)
			}
		})
	}
}

func TestRefresh(t *testing.T) {
	tok, h, err := NewRefresh(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 || strings.ContainsAny(tok, "+/=") {
		t.Errorf("NewRefresh token %q, want 43 base64url chars", tok)
	}
	if string(HashRefresh(tok)) != string(h) {
		t.Errorf("HashRefresh(token) differs from the hash NewRefresh returned")
	}
	tok2, _, _ := NewRefresh(nil)
	if tok == tok2 {
		t.Errorf("two refresh tokens are equal")
	}
}

// TestVerifyCachedExpiry: a token verified once (and so cached) is still
// refused once it expires.
func TestVerifyCachedExpiry(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	a := NewAccess(key, time.Minute, func() time.Time { return now })
	tok, _ := a.Issue("u", "s")
	if _, _, err := a.Verify(tok); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	if _, _, err := a.Verify(tok); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Verify(expired, cached) = %v, want ErrInvalidToken", err)
	}
	// A tampered variant of a cached token is not a cache hit.
	now = now.Add(-time.Minute)
	b := []byte(tok)
	b[len(b)-1] ^= 1
	if _, _, err := a.Verify(string(b)); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Verify(tampered) = %v, want ErrInvalidToken", err)
	}
}

package tokens

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer and audience of every access token (SPEC §7.1).
const (
	Issuer   = "cipherleafd"
	Audience = "cipherleaf-api"
)

// ErrInvalidToken is the one error for any access token that does not
// verify: bad signature, other algorithm, expired, wrong claims, malformed.
var ErrInvalidToken = errors.New("invalid access token")

// Claims are the claims of an access token.
type Claims struct {
	jwt.RegisteredClaims
	SID string `json:"sid"`
}

// Access signs and verifies access tokens with one HMAC key.
type Access struct {
	key    []byte
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
	cache  verified
}

// NewAccess returns an Access for key (at least 32 bytes) issuing tokens
// valid for ttl. now is the clock (time.Now if nil).
func NewAccess(key []byte, ttl time.Duration, now func() time.Time) *Access {
	if now == nil {
		now = time.Now
	}
	return &Access{
		key: key,
		ttl: ttl,
		now: now,
		parser: jwt.NewParser(
			// Pinning the algorithm is what defeats "alg: none" and
			// RS256-with-the-HMAC-key-as-public-key confusion.
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithIssuer(Issuer),
			jwt.WithAudience(Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithTimeFunc(now),
		),
	}
}

// TTL is how long issued tokens live.
func (a *Access) TTL() time.Duration { return a.ttl }

// Issue returns a token for user uid in session sid.
func (a *Access) Issue(uid, sid string) (string, error) {
	now := a.now()
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   uid,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(a.ttl)),
		},
		SID: sid,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.key)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return s, nil
}

// Verify checks tok and returns its user and session ids. (Whether the
// session still exists is the caller's check.)
func (a *Access) Verify(tok string) (uid, sid string, err error) {
	if v, ok := a.cache.get(tok); ok {
		if !a.now().Before(v.exp) {
			return "", "", ErrInvalidToken
		}
		return v.uid, v.sid, nil
	}
	var c Claims
	_, err = a.parser.ParseWithClaims(tok, &c, func(t *jwt.Token) (any, error) {
		if t.Method != jwt.SigningMethodHS256 {
			return nil, ErrInvalidToken
		}
		return a.key, nil
	})
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if c.Subject == "" || c.SID == "" {
		return "", "", ErrInvalidToken
	}
	a.cache.put(tok, verifiedToken{uid: c.Subject, sid: c.SID, exp: c.ExpiresAt.Time})
	return c.Subject, c.SID, nil
}

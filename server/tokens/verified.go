package tokens

import (
	"sync"
	"time"
)

// maxVerified bounds the verified-token cache.
const maxVerified = 50_000

// verifiedToken is what a successful verification established.
type verifiedToken struct {
	uid, sid string
	exp      time.Time
}

// verified remembers tokens that passed full verification, keyed by the
// exact token text, so a client's every request does not re-run HMAC and
// JSON parsing. Only a byte-identical token can hit, which only its holder
// has; expiry is still checked on every use. The cache is emptied when
// full, so it never grows past maxVerified entries.
type verified struct {
	mu sync.RWMutex
	m  map[string]verifiedToken
}

func (v *verified) get(tok string) (verifiedToken, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	t, ok := v.m[tok]
	return t, ok
}

func (v *verified) put(tok string, t verifiedToken) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil || len(v.m) >= maxVerified {
		v.m = make(map[string]verifiedToken)
	}
	v.m[tok] = t
}

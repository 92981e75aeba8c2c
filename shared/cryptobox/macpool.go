package cryptobox

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
)

// macPool hands out HMAC-SHA256 states keyed once with one key. Keying
// costs two SHA-256 compressions (the padded key, inner and outer) and a
// few allocations; a pulled page needs two MACs per note under the same
// keys (the note key, SPEC §5, and the digest entry, SPEC §10.3). A state
// is Reset before each use, which restores the keyed state, so each MAC is
// exactly HMAC-SHA256(key, msg). It is safe for concurrent use.
//
// Why this is safe: the result is the standard HMAC (the vectors and the
// tests comparing with hmac.New and hkdf check it). The pooled states
// hold the key's padded blocks as hmac.New's do; the key's owner keeps the
// pool only as long as the key, and Wipe drops it.
type macPool struct {
	p sync.Pool
}

// keyedMAC is one pooled state with room for a message and its sum.
type keyedMAC struct {
	h   hash.Hash
	msg []byte
	out [sha256.Size]byte
}

// newMACPool returns a pool of states keyed with key, which it reads
// whenever it makes a state: the caller keeps key unchanged.
func newMACPool(key *[sha256.Size]byte) *macPool {
	mp := &macPool{}
	mp.p.New = func() any { return &keyedMAC{h: hmac.New(sha256.New, key[:])} }
	return mp
}

func (mp *macPool) get() *keyedMAC { return mp.p.Get().(*keyedMAC) }

// sum returns HMAC(key, m.msg), clears the message and puts m back.
func (mp *macPool) sum(m *keyedMAC) [sha256.Size]byte {
	m.h.Reset()
	m.h.Write(m.msg)
	m.h.Sum(m.out[:0])
	out := m.out
	clear(m.out[:])
	clear(m.msg)
	m.msg = m.msg[:0]
	mp.p.Put(m)
	return out
}

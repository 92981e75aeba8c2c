package httpapi

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// bcryptPool bounds how many bcrypt hashes or compares run at once (at
// most the number of cores), so a flood of logins cannot take the CPU
// from authenticated requests. A caller that cannot get a slot within
// wait is refused as rate limited rather than queued without bound.
type bcryptPool struct {
	slots chan struct{}
	wait  time.Duration
}

func newBcryptPool(workers int, wait time.Duration) *bcryptPool {
	return &bcryptPool{slots: make(chan struct{}, workers), wait: wait}
}

// do runs f in a slot.
func (p *bcryptPool) do(ctx context.Context, f func()) error {
	select {
	case p.slots <- struct{}{}:
	default:
		t := time.NewTimer(p.wait)
		defer t.Stop()
		select {
		case p.slots <- struct{}{}:
		case <-t.C:
			return &rateLimitedError{retry: time.Second}
		case <-ctx.Done():
			return fmt.Errorf("wait for bcrypt: %w", ctx.Err())
		}
	}
	defer func() { <-p.slots }()
	f()
	return nil
}

// hashKey returns the bcrypt hash the server stores for an auth key.
func (a *api) hashKey(ctx context.Context, key []byte) ([]byte, error) {
	var h []byte
	var err error
	if perr := a.bcrypt.do(ctx, func() { h, err = bcrypt.GenerateFromPassword(key, a.BcryptCost) }); perr != nil {
		return nil, perr
	}
	if err != nil {
		return nil, fmt.Errorf("hash key: %w", err)
	}
	return h, nil
}

// keyMatches compares key with hash by bcrypt (constant time in the key).
// A nil hash (unknown user) is compared against a dummy hash of the
// current cost so that both paths cost the same. The error is only a
// refusal to run (busy); a mismatch is false, nil.
func (a *api) keyMatches(ctx context.Context, hash, key []byte) (bool, error) {
	ok := false
	err := a.bcrypt.do(ctx, func() {
		if hash == nil {
			_ = bcrypt.CompareHashAndPassword(a.dummyHash, key)
			return
		}
		ok = bcrypt.CompareHashAndPassword(hash, key) == nil
	})
	return ok, err
}

// rehashIfStale stores a new hash of key at the current cost when hash
// has another one (after --bcrypt-cost changed), so every account costs
// the same to check and none can be told apart by timing. A failure is
// logged, not returned: the sign-in itself succeeded.
func (a *api) rehashIfStale(ctx context.Context, userID int64, recovery bool, hash, key []byte) {
	if cost, err := bcrypt.Cost(hash); err != nil || cost == a.BcryptCost {
		return
	}
	h, err := a.hashKey(ctx, key)
	if err == nil {
		err = a.Store.RehashKey(ctx, userID, recovery, hash, h)
	}
	if err != nil {
		a.Logger.WarnContext(ctx, "rehash key at the new cost", "err", err)
	}
}

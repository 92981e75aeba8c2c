package core_test

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"sync"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/evilproxy"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// This file is one attack per finding of issue 10, against the real
// cipherleafd through evilproxy: a server that keeps every wrap it was
// ever sent and answers what it likes about keys (SPEC §3.1).

// keyAttack is a proxy that keeps every wrap, KDF and successor sent to
// the server, on top of whatever a test scripts.
type keyAttack struct {
	p *evilproxy.Proxy

	mu        sync.Mutex
	kdf       protocol.KDF
	pwWraps   [][]byte // Wrap(KEK, bundle, "password"), every one sent
	recWraps  [][]byte // Wrap(RWK, bundle, "recovery")
	succs     [][]byte // Wrap(AK_g, bundle, "rotation")
	keepers   []evilproxy.Attack
	scriptNow []evilproxy.Attack
}

func newKeyAttack(t *testing.T) *keyAttack {
	t.Helper()
	s := startServer(t)
	p, err := evilproxy.New(s.URL, s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	k := &keyAttack{p: p}
	keep := func(wk, rwk, succ []byte) {
		k.mu.Lock()
		defer k.mu.Unlock()
		for _, x := range []struct {
			b  []byte
			to *[][]byte
		}{{wk, &k.pwWraps}, {rwk, &k.recWraps}, {succ, &k.succs}} {
			if x.b != nil {
				*x.to = append(*x.to, x.b)
			}
		}
	}
	k.keepers = []evilproxy.Attack{
		evilproxy.Keep(evilproxy.RouteRegister, func(b []byte) {
			var r protocol.RegisterRequest
			if json.Unmarshal(b, &r) == nil {
				k.mu.Lock()
				k.kdf = r.KDF
				k.mu.Unlock()
				keep(r.WrappedKey, r.RecoveryWrappedKey, nil)
			}
		}),
		evilproxy.Keep(evilproxy.RoutePutKeys, func(b []byte) {
			var r protocol.KeysRequest
			if json.Unmarshal(b, &r) == nil {
				keep(r.WrappedKey, r.RecoveryWrappedKey, r.Successor)
			}
		}),
		evilproxy.Keep(evilproxy.RoutePassword, func(b []byte) {
			var r protocol.PasswordRequest
			if json.Unmarshal(b, &r) == nil {
				keep(r.WrappedKey, r.RecoveryWrappedKey, nil)
			}
		}),
	}
	k.script()
	return k
}

// script sets the attacks, always with the keepers.
func (k *keyAttack) script(attacks ...evilproxy.Attack) {
	k.p.Script(append(append([]evilproxy.Attack{}, k.keepers...), attacks...)...)
}

// device signs a new device in through the proxy.
func (k *keyAttack) device(t *testing.T, user string, first bool) *core.Core {
	t.Helper()
	return proxied(t, k.p, user, first)
}

// reach is what an attacker holding the old password and the old recovery
// key opens with every wrap the server ever kept: every bundle, then every
// successor it can open with any key it has, until nothing new opens. It
// is not bound by the rules of §3.1 L2.
func (k *keyAttack) reach(t *testing.T, password []byte, recoveryKey string) cryptobox.Bundle {
	t.Helper()
	k.mu.Lock()
	kdf := k.kdf
	pw, rec, succ := append([][]byte{}, k.pwWraps...), append([][]byte{}, k.recWraps...), append([][]byte{}, k.succs...)
	k.mu.Unlock()
	keys := map[uint32]cryptobox.AccountKey{}
	add := func(b cryptobox.Bundle) {
		for _, key := range b {
			keys[key.Gen] = key
		}
	}
	if password != nil {
		dk, err := cryptobox.Derive(password, cryptobox.Params{Time: kdf.Time, Memory: kdf.Memory, Threads: kdf.Threads, Salt: kdf.Salt}, cryptobox.DefaultPolicy)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range pw {
			if b, err := cryptobox.UnwrapBundle(&dk.KEK, w, cryptobox.PurposePassword); err == nil {
				add(b)
			}
		}
	}
	if recoveryKey != "" {
		rk, err := cryptobox.ParseRecoveryKey(recoveryKey)
		if err != nil {
			t.Fatal(err)
		}
		rwk, _ := rk.WrapKey()
		for _, w := range rec {
			if b, err := cryptobox.UnwrapBundle(rwk, w, cryptobox.PurposeRecovery); err == nil {
				add(b)
			}
		}
	}
	for grew := true; grew; {
		grew = false
		for _, s := range succ {
			for _, key := range keys {
				if b, err := cryptobox.UnwrapBundle(&key.Key, s, cryptobox.PurposeRotation); err == nil {
					for _, nk := range b {
						if _, ok := keys[nk.Gen]; !ok {
							keys[nk.Gen], grew = nk, true
						}
					}
				}
			}
		}
	}
	var out cryptobox.Bundle
	for _, key := range keys {
		out = append(out, key)
	}
	slices.SortFunc(out, func(x, y cryptobox.AccountKey) int { return cmp.Compare(y.Gen, x.Gen) })
	return out
}

// latestBlob is the newest envelope of note id the proxy saw, with the
// generation in its header.
func (k *keyAttack) latestBlob(t *testing.T, id string) (evilproxy.Recorded, uint32) {
	t.Helper()
	var last evilproxy.Recorded
	for _, r := range k.p.Recorded() {
		if r.ID == id && r.Rev >= last.Rev {
			last = r
		}
	}
	if last.Blob == nil {
		t.Fatalf("no blob of note %s recorded", id)
	}
	return last, binary.BigEndian.Uint32(last.Blob[1:5])
}

// TestE2EAttackForgedSuccessor (finding 3): whoever holds AK_1 after a
// rotation to generation 2 forges successors — to the last generation, and
// to a key of its own. A device at generation 2 takes neither: it still
// rotates to generation 3, and its notes are sealed under a key the
// attacker does not have.
func TestE2EAttackForgedSuccessor(t *testing.T) {
	k := newKeyAttack(t)
	ctx := context.Background()
	a := k.device(t, "forge", true)
	id := create(t, a, "n", "body")
	mustSync(t, a)
	old := k.reach(t, []byte("pw"), "") // AK_1 leaked
	if len(old) != 1 || old[0].Gen != 1 {
		t.Fatalf("attacker's keys = %d, want generation 1", len(old))
	}
	if err := a.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	var evil cryptobox.AccountKey
	evil.Gen = math.MaxUint32
	copy(evil.Key[:], []byte("attacker's account key, 32 bytes"))
	toLast, err := cryptobox.WrapBundle(&old[0].Key, cryptobox.Bundle{evil, old[0]}, cryptobox.PurposeRotation)
	if err != nil {
		t.Fatal(err)
	}
	mine := cryptobox.AccountKey{Gen: 3, Key: evil.Key}
	toMine, err := cryptobox.WrapBundle(&old[0].Key, cryptobox.Bundle{mine, old[0]}, cryptobox.PurposeRotation)
	if err != nil {
		t.Fatal(err)
	}
	k.script(evilproxy.AddSuccessors(toLast, toMine))
	if err := a.RotateKey(ctx); err != nil {
		t.Fatalf("RotateKey with forged successors served = %v, want it to rotate to generation 3", err)
	}
	setBody(t, a, id, "written after the forgery")
	mustSync(t, a)
	blob, gen := k.latestBlob(t, id)
	if gen != 3 {
		t.Fatalf("note sealed under generation %d after the forged successors, want 3", gen)
	}
	loc := cryptobox.Location{UserID: blob.User, NoteID: id, Rev: blob.Rev}
	if _, err := cryptobox.OpenNote(cryptobox.Bundle{mine, evil}, loc, blob.Blob); err == nil {
		t.Fatal("the attacker's key opens a note written after the forgery")
	}
	// A second device at generation 1 that never synced would follow
	// AK_1's forgery: the residual of SPEC §3.1 L8, which remedies bound.
}

// TestE2EAttackStaleWrap (finding 4): after a rotation the server serves an
// old password wrap. The device refuses it and never goes back.
func TestE2EAttackStaleWrap(t *testing.T) {
	k := newKeyAttack(t)
	ctx := context.Background()
	a := k.device(t, "stale", true)
	create(t, a, "n", "body")
	mustSync(t, a)
	k.mu.Lock()
	stale := k.pwWraps[0] // generation 1
	k.mu.Unlock()
	if err := a.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	k.script(evilproxy.ServeWrappedKey(stale))
	err := a.Login(ctx, core.LoginInput{ServerURL: k.p.URL(), Pin: k.p.Fingerprint(), Username: "stale", Password: []byte("pw")})
	if !errors.Is(err, core.ErrStaleKey) {
		t.Fatalf("Login served a generation-1 wrap after a rotation = %v, want %v", err, core.ErrStaleKey)
	}
	// Another device adopting the rotation through the same stale answer
	// stores its own wrap; its next password unlock is at generation 2.
	k.script()
	b := k.device(t, "stale", false)
	k.script(evilproxy.ServeWrappedKey(stale))
	if err := a.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b)
	b.Lock()
	if err := b.Unlock([]byte("pw")); err != nil {
		t.Fatalf("Unlock after adopting through a stale answer = %v", err)
	}
	id := create(t, b, "after", "stale answer")
	mustSync(t, b)
	if _, gen := k.latestBlob(t, id); gen != 3 {
		t.Errorf("note written after the stale answer under generation %d, want 3", gen)
	}
}

// TestE2EAttackRetiredGeneration (finding 3): after a remedy, whoever holds
// the old password (so AK_1) forges a note under generation 1. The device
// refuses it: generation 1 is retired and pruned.
func TestE2EAttackRetiredGeneration(t *testing.T) {
	k := newKeyAttack(t)
	ctx := context.Background()
	a := k.device(t, "retired", true)
	id := create(t, a, "n", "genuine")
	mustSync(t, a)
	old := k.reach(t, []byte("pw"), "")
	if _, err := a.SecureAccount(ctx, []byte("pw")); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	blob, gen := k.latestBlob(t, id)
	if gen != 2 {
		t.Fatalf("note under generation %d after the remedy, want 2", gen)
	}
	payload, err := (&note.Note{Title: "n", Body: "forged by the holder of AK_1"}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	forged, err := cryptobox.SealNote(old, cryptobox.Location{UserID: blob.User, NoteID: id, Rev: blob.Rev + 1}, payload)
	if err != nil {
		t.Fatal(err)
	}
	k.script(evilproxy.InjectChange(protocol.Change{ID: id, Rev: blob.Rev + 1, Blob: forged}))
	_, err = a.Sync(ctx)
	if !errors.Is(err, core.ErrTampered) {
		t.Fatalf("sync served a note under retired generation 1 = %v, want %v", err, core.ErrTampered)
	}
	if n, err := a.Get(id); err != nil || n.Body != "genuine" {
		t.Errorf("note after the refused forgery = %v, %v; want the genuine body", n, err)
	}
}

// TestE2EAttackRemediesLockOutOldSecrets (finding 2): the old password and
// the old recovery key both leaked. After a password change and the remedy
// (a new recovery key), every wrap and successor the server ever kept,
// opened with both old secrets, reaches no key that opens a note written
// afterwards. A routine rotation, by contrast, is not a remedy.
func TestE2EAttackRemediesLockOutOldSecrets(t *testing.T) {
	k := newKeyAttack(t)
	ctx := context.Background()
	ra := proxiedRK(t, k, "remedy")
	a := ra.Core
	b := k.device(t, "remedy", false)
	id := create(t, a, "n", "before")
	mustSync(t, a)
	mustSync(t, b)
	if err := a.RotateKey(ctx); err != nil { // routine: the leak follows it
		t.Fatal(err)
	}
	if got := k.reach(t, []byte("pw"), ra.rk); len(got) == 0 || got[0].Gen != 2 {
		t.Fatalf("old secrets after a routine rotation reach generation %v, want 2 (not a remedy)", got)
	}
	if err := a.ChangePassword(ctx, []byte("pw"), []byte("pw-new")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.NewRecoveryKey(ctx, []byte("pw-new")); err != nil {
		t.Fatal(err)
	}
	setBody(t, a, id, "after the remedy")
	mustSync(t, a)
	blob, gen := k.latestBlob(t, id)
	if gen != 3 {
		t.Fatalf("note under generation %d after the remedy, want 3", gen)
	}
	reached := k.reach(t, []byte("pw"), ra.rk)
	for _, key := range reached {
		if key.Gen >= 3 {
			t.Fatalf("the old password and recovery key reach generation %d", key.Gen)
		}
	}
	loc := cryptobox.Location{UserID: blob.User, NoteID: id, Rev: blob.Rev}
	if _, err := cryptobox.OpenNote(reached, loc, blob.Blob); err == nil {
		t.Fatal("the old secrets open a note written after the remedy")
	}
	// The other device was signed out by the remedy and learns the new key
	// only from the new password.
	if _, err := b.Sync(ctx); !errors.Is(err, core.ErrSessionExpired) {
		t.Fatalf("other device's sync after the remedy = %v, want %v", err, core.ErrSessionExpired)
	}
	if err := b.Login(ctx, core.LoginInput{ServerURL: k.p.URL(), Pin: k.p.Fingerprint(), Username: "remedy", Password: []byte("pw-new")}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Get(id); err != nil || n.Body != "after the remedy" {
		t.Errorf("other device after signing in again: %v, %v", n, err)
	}
}

// rkDevice is a registered device with its recovery key.
type rkDevice struct {
	*core.Core
	rk string
}

func proxiedRK(t *testing.T, k *keyAttack, user string) rkDevice {
	t.Helper()
	c := realDevice(t, t.TempDir())
	rk, err := c.Register(context.Background(), core.RegisterInput{ServerURL: k.p.URL(), Pin: k.p.Fingerprint(), Username: user, Password: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	return rkDevice{c, rk}
}

// TestE2EAttackKDFSwap (findings 6, 7): the server swaps the KDF salt or
// parameters. A device that signed in before refuses any change; a new
// device still refuses below the floor and above the (lowered) ceiling.
func TestE2EAttackKDFSwap(t *testing.T) {
	k := newKeyAttack(t)
	ctx := context.Background()
	a := k.device(t, "kdf", true)
	k.mu.Lock()
	real := k.kdf
	k.mu.Unlock()
	otherSalt := real
	otherSalt.Salt = append([]byte(nil), real.Salt...)
	otherSalt.Salt[0] ^= 1
	weaker := real // still above the floor, but not the account's
	weaker.Memory = 19456
	weaker.Time = 2
	weaker.Threads = real.Threads + 1
	login := func(c *core.Core) error {
		return c.Login(ctx, core.LoginInput{ServerURL: k.p.URL(), Pin: k.p.Fingerprint(), Username: "kdf", Password: []byte("pw")})
	}
	tests := []struct {
		name string
		kdf  protocol.KDF
		dev  func() *core.Core
		want error
	}{
		{"salt swapped, pinned device", otherSalt, func() *core.Core { return a }, core.ErrKDFChanged},
		{"parameters swapped, pinned device", weaker, func() *core.Core { return a }, core.ErrKDFChanged},
		{"below the floor, new device", protocol.KDF{Alg: real.Alg, Version: real.Version, Time: 1, Memory: 8, Threads: 1, Salt: real.Salt}, func() *core.Core { return realDevice(t, t.TempDir()) }, cryptobox.ErrWeakParams},
		{"old ceiling, new device", protocol.KDF{Alg: real.Alg, Version: real.Version, Time: 16, Memory: 1 << 20, Threads: 16, Salt: real.Salt}, func() *core.Core { return realDevice(t, t.TempDir()) }, cryptobox.ErrExcessiveParams},
		{"just above the ceiling, new device", protocol.KDF{Alg: real.Alg, Version: real.Version, Time: 4, Memory: 256<<10 + 1, Threads: 8, Salt: real.Salt}, func() *core.Core { return realDevice(t, t.TempDir()) }, cryptobox.ErrExcessiveParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logins int
			k.script(evilproxy.SwapKDF(tt.kdf), evilproxy.Keep(evilproxy.RouteLogin, func([]byte) { logins++ }))
			if err := login(tt.dev()); !errors.Is(err, tt.want) {
				t.Fatalf("Login with %s = %v, want %v", tt.name, err, tt.want)
			}
			if logins != 0 {
				t.Errorf("the device sent %d auth keys derived with the server's parameters, want 0", logins)
			}
		})
	}
	k.script()
	if err := login(a); err != nil {
		t.Errorf("Login with the real parameters = %v", err)
	}
}

// TestE2EAttackForkJoin (finding 1): X reads W's edit on one branch; the
// server then moves X to another branch where Y edited the same note to
// higher revisions, skipping versions, so that X's state and the branch
// agree. X detects the fork at that pull.
func TestE2EAttackForkJoin(t *testing.T) {
	k := newKeyAttack(t)
	ctx := context.Background()
	w := k.device(t, "join", true)
	id := create(t, w, "n", "v1")
	mustSync(t, w)
	y, x := k.device(t, "join", false), k.device(t, "join", false)
	mustSync(t, y)
	mustSync(t, x)
	ySess := currentSession(t, y)
	if err := k.p.Fork(ySess); err != nil {
		t.Fatal(err)
	}
	setBody(t, w, id, "W's edit on branch A")
	mustSync(t, w)
	mustSync(t, x) // X sees W's edit
	for i := range 4 {
		setBody(t, y, id, "Y's edit on branch B "+string(rune('0'+i)))
		mustSync(t, y)
	}
	if err := k.p.ShowBranch(currentSession(t, x), ySess); err != nil {
		t.Fatal(err)
	}
	_, err := x.Sync(ctx)
	if !errors.Is(err, core.ErrFork) {
		t.Fatalf("X moved to the other branch = %v, want %v", err, core.ErrFork)
	}
	if n, _ := x.Get(id); n == nil || n.Body != "W's edit on branch A" {
		t.Errorf("X's note after the detection = %v, want W's edit kept", n)
	}
}

// TestE2EHundredRotations (finding 8): 100 rotations in a row on the real
// server; a device that slept through all of them follows, and the
// original recovery key still recovers every note.
func TestE2EHundredRotations(t *testing.T) {
	k := newKeyAttack(t)
	ctx := context.Background()
	ra := proxiedRK(t, k, "hundred")
	a := ra.Core
	b := k.device(t, "hundred", false)
	id := create(t, a, "n", "body")
	mustSync(t, a)
	mustSync(t, b)
	for i := range 100 {
		if err := a.RotateKey(ctx); err != nil {
			t.Fatalf("rotation %d: %v", i+1, err)
		}
	}
	if _, gen := k.latestBlob(t, id); gen != 101 {
		t.Fatalf("note under generation %d after 100 rotations, want 101", gen)
	}
	mustSync(t, b)
	if n, err := b.Get(id); err != nil || n.Body != "body" {
		t.Fatalf("device that slept through 100 rotations: %v, %v", n, err)
	}
	c := realDevice(t, t.TempDir())
	if err := c.Recover(ctx, core.RecoverInput{ServerURL: k.p.URL(), Pin: k.p.Fingerprint(), Username: "hundred", RecoveryKey: ra.rk, NewPassword: []byte("pw2")}); err != nil {
		t.Fatalf("Recover after 100 rotations: %v", err)
	}
	if n, err := c.Get(id); err != nil || n.Body != "body" {
		t.Errorf("recovered note: %v, %v", n, err)
	}
}

func currentSession(t *testing.T, c *core.Core) string {
	t.Helper()
	ss, err := c.Sessions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Current {
			return s.ID
		}
	}
	t.Fatal("no current session")
	return ""
}

func setBody(t *testing.T, c *core.Core, id, body string) {
	t.Helper()
	edit(t, c, id, func(n *note.Note) { n.Body = body })
}

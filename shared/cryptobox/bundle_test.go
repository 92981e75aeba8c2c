package cryptobox

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func bundleOf(gs ...uint32) Bundle {
	b := make(Bundle, len(gs))
	for i, g := range gs {
		b[i] = AccountKey{Gen: g, Key: *testKey("bo")}
	}
	return b
}

func descending(n int) []uint32 {
	var out []uint32
	for g := uint32(n); g >= 1; g-- {
		out = append(out, g)
	}
	return out
}

func TestBundleMarshalValidation(t *testing.T) {
	tests := []struct {
		name string
		b    Bundle
		ok   bool
	}{
		{"one key", bundleOf(1), true},
		{"descending", bundleOf(5, 3, 1), true},
		{"64 keys", bundleOf(descending(64)...), true},
		{"65 keys", bundleOf(descending(65)...), false},
		{"empty", Bundle{}, false},
		{"nil", nil, false},
		{"zero generation", bundleOf(0), false},
		{"zero generation last", bundleOf(2, 0), false},
		{"ascending", bundleOf(1, 2), false},
		{"duplicate", bundleOf(2, 2), false},
		{"unordered middle", bundleOf(5, 1, 3), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := tt.b.MarshalBinary()
			if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, ErrBadBundle)) {
				t.Fatalf("MarshalBinary(%v) error = %v, want ok=%v", gens(tt.b), err, tt.ok)
			}
			if !tt.ok {
				return
			}
			if len(raw) != len(tt.b)*36 {
				t.Errorf("len(MarshalBinary(%v)) = %d, want %d", gens(tt.b), len(raw), len(tt.b)*36)
			}
			got, err := ParseBundle(raw)
			if err != nil || !slices.Equal(got, tt.b) {
				t.Errorf("ParseBundle(MarshalBinary(%v)) = %v, %v", gens(tt.b), gens(got), err)
			}
		})
	}
}

func TestParseBundleSizes(t *testing.T) {
	for _, n := range []int{0, 1, 4, 35, 37, 71, 73, 65 * 36} {
		if _, err := ParseBundle(make([]byte, n)); !errors.Is(err, ErrBadBundle) {
			t.Errorf("ParseBundle(%d zero bytes) error = %v, want %v", n, err, ErrBadBundle)
		}
	}
}

func TestBundleRotate(t *testing.T) {
	tests := []struct {
		name string
		b    Bundle
		want []uint32 // nil: ErrBadBundle
	}{
		{"first rotation", bundleOf(1), []uint32{2, 1}},
		{"after a drop", bundleOf(9, 4), []uint32{10, 9, 4}},
		{"63 keys", bundleOf(descending(63)...), descending(64)},
		{"full", bundleOf(descending(64)...), nil},
		{"last generation", bundleOf(math.MaxUint32), nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.b.Rotate()
			if tt.want == nil {
				if !errors.Is(err, ErrBadBundle) {
					t.Errorf("Rotate(%v) = %v, %v, want %v", gens(tt.b), gens(got), err, ErrBadBundle)
				}
				return
			}
			if err != nil || !slices.Equal(gens(got), tt.want) {
				t.Fatalf("Rotate(%v) = %v, %v, want %v", gens(tt.b), gens(got), err, tt.want)
			}
			if got[0].Key == tt.b[0].Key {
				t.Errorf("Rotate(%v) reused the current key", gens(tt.b))
			}
			if _, err := got.MarshalBinary(); err != nil {
				t.Errorf("Rotate(%v) made an invalid bundle: %v", gens(tt.b), err)
			}
		})
	}
}

func TestBundleWithoutLookup(t *testing.T) {
	b := bundleOf(5, 3, 1)
	tests := []struct {
		drop uint32
		want []uint32
	}{
		{3, []uint32{5, 1}},
		{1, []uint32{5, 3}},
		{5, []uint32{5, 3, 1}}, // never the current key
		{7, []uint32{5, 3, 1}},
	}
	for _, tt := range tests {
		if got := gens(b.Without(tt.drop)); !slices.Equal(got, tt.want) {
			t.Errorf("Without(%d) = %v, want %v", tt.drop, got, tt.want)
		}
	}
	if got := Bundle(nil).Without(1); got != nil {
		t.Errorf("Bundle(nil).Without(1) = %v, want nil", got)
	}
	for _, g := range []uint32{5, 3, 1} {
		if k, ok := b.Lookup(g); !ok || k.Gen != g {
			t.Errorf("Lookup(%d) = %d, %v, want %d, true", g, k.Gen, ok, g)
		}
	}
	if _, ok := b.Lookup(2); ok {
		t.Errorf("Lookup(2) = _, true, want false")
	}
}

func TestNewBundleWipe(t *testing.T) {
	b, err := NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 1 || b[0].Gen != 1 || b[0].Key == [KeySize]byte{} {
		t.Fatalf("NewBundle() = gens %v, key %x", gens(b), b[0].Key)
	}
	b.Wipe()
	if b[0].Key != [KeySize]byte{} {
		t.Errorf("Wipe() left key %x", b[0].Key)
	}
}

func TestBundleFollow(t *testing.T) {
	// chain[0] is generation 1; successor i opens chain[i+1] with chain[i]'s
	// current key. Generation 1 is dropped from the last bundle, as a
	// finished rotation may do.
	chain := []Bundle{bundleOf(1)}
	var succ [][]byte
	for i := range 3 {
		nb, err := chain[i].Rotate()
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			nb = nb.Without(1)
		}
		s, err := WrapBundle(&chain[i][0].Key, nb, PurposeRotation)
		if err != nil {
			t.Fatal(err)
		}
		chain, succ = append(chain, nb), append(succ, s)
	}
	wrongPurpose, err := WrapBundle(&chain[0][0].Key, chain[3], PurposeRecovery)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := WrapBundle(&chain[2][0].Key, chain[1], PurposeRotation) // goes back
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		from    int
		succ    [][]byte
		wantGen uint32
	}{
		{"oldest walks the whole chain", 0, succ, 4},
		{"middle walks the rest", 1, succ, 4},
		{"newest stays", 3, succ, 4},
		{"reversed order", 0, [][]byte{succ[2], succ[1], succ[0]}, 4},
		{"gap stops the walk", 0, [][]byte{succ[0], succ[2]}, 2},
		{"none", 0, nil, 1},
		{"garbage and wrong purpose ignored", 0, [][]byte{{1, 2, 3}, wrongPurpose, succ[0]}, 2},
		{"never backwards", 2, [][]byte{stale}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := slices.Clone(chain[tt.from])
			got := from.Follow(tt.succ)
			if got.Current().Gen != tt.wantGen {
				t.Fatalf("Follow(gen %d) = gen %d, want %d", tt.from+1, got.Current().Gen, tt.wantGen)
			}
			// The union of the published bundle and the device's keys
			// (SPEC §3.1 L2): a successor never takes a key away.
			want := chain[tt.wantGen-1]
			wantGens := gens(want)
			for _, g := range gens(chain[tt.from]) {
				if !slices.Contains(wantGens, g) {
					wantGens = append(wantGens, g)
				}
			}
			slices.Sort(wantGens)
			slices.Reverse(wantGens)
			if !slices.Equal(gens(got), wantGens) || got.Current().Key != want.Current().Key {
				t.Errorf("Follow(gen %d) = %v, want %v (the published bundle and the device's keys)", tt.from+1, gens(got), wantGens)
			}
			if !slices.Equal(from, chain[tt.from]) {
				t.Errorf("Follow changed or wiped its receiver")
			}
		})
	}
}

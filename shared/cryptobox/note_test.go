package cryptobox

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

const (
	userA = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	userB = "7e2d3c4b-5e6f-4071-9b8c-0d1e2f3a4b5c"
	noteA = "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"
	noteB = "1b2c3d4e-5f60-4b7c-9d8e-9fa0b1c2d3e4"
)

// testBundle returns a fixed bundle holding generations 3, 2 and 1.
func testBundle() Bundle {
	return Bundle{
		{Gen: 3, Key: *testKey("tb-3")},
		{Gen: 2, Key: *testKey("tb-2")},
		{Gen: 1, Key: *testKey("tb-1")},
	}
}

func TestNoteRoundTrip(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 5}
	for _, n := range []int{0, 1, 507, 508, 509, 65532, 65533, 1 << 20} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			payload := testBytes("payload", n)
			env, err := SealNote(b, loc, payload)
			if err != nil {
				t.Fatalf("SealNote(%d bytes) error = %v", n, err)
			}
			if want := NoteHeaderSize + BucketSize(4+n) + TagSize; len(env) != want {
				t.Errorf("len(SealNote(%d bytes)) = %d, want %d", n, len(env), want)
			}
			if g, err := EnvelopeGeneration(env); g != 3 || err != nil {
				t.Errorf("EnvelopeGeneration() = %d, %v, want 3", g, err)
			}
			got, err := OpenNote(b, loc, env)
			if err != nil || !bytes.Equal(got, payload) {
				t.Errorf("OpenNote() = %d bytes, %v, want %d bytes", len(got), err, n)
			}
		})
	}
}

func TestSealNoteErrors(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 1}
	tests := []struct {
		name    string
		b       Bundle
		loc     Location
		payload []byte
		want    error
	}{
		{"empty bundle", nil, loc, nil, ErrBadBundle},
		{"too large", b, loc, make([]byte, MaxPayload+1), ErrTooLarge},
		{"bad user id", b, Location{UserID: "alice", NoteID: noteA}, nil, ErrBadID},
		{"bad note id", b, Location{UserID: userA, NoteID: "note-1"}, nil, ErrBadID},
		{"upper-case id", b, Location{UserID: userA, NoteID: "0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3"}, nil, ErrBadID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if env, err := SealNote(tt.b, tt.loc, tt.payload); !errors.Is(err, tt.want) {
				t.Errorf("SealNote(%+v) = %d bytes, %v, want %v", tt.loc, len(env), err, tt.want)
			}
		})
	}
	if env, err := SealNote(b, loc, make([]byte, MaxPayload)); err != nil || len(env) != NoteHeaderSize+MaxPadded+TagSize {
		t.Errorf("SealNote(MaxPayload) = %d bytes, %v, want %d", len(env), err, NoteHeaderSize+MaxPadded+TagSize)
	}
}

// TestOpenNoteTamper flips every bit of an envelope, position class by
// position class.
func TestOpenNoteTamper(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 2}
	env, err := sealNoteWithNonce(b[0], loc, []byte(`{"v":1,"title":"t"}`), testBytes("tamper", NonceSize))
	if err != nil {
		t.Fatal(err)
	}
	tagAt := len(env) - TagSize
	// Generation 3 with one bit flipped names 2 or 1 (held: AEAD fails) or
	// an absent generation.
	genWant := func(i, bit int) error {
		g := binary.BigEndian.Uint32(env[1:5]) ^ 1<<(8*(4-i)+bit)
		if _, ok := b.Lookup(g); ok {
			return ErrOpen
		}
		return ErrUnknownGeneration
	}
	classes := []struct {
		name     string
		from, to int
		want     func(i, bit int) error
	}{
		{"version", 0, 1, func(int, int) error { return ErrUnsupportedVersion }},
		{"generation", 1, 5, genWant},
		{"nonce", 5, NoteHeaderSize, nil},
		{"ciphertext", NoteHeaderSize, tagAt, nil},
		{"tag", tagAt, len(env), nil},
	}
	for _, c := range classes {
		t.Run(c.name, func(t *testing.T) {
			for i := c.from; i < c.to; i++ {
				for bit := range 8 {
					want := ErrOpen
					if c.want != nil {
						want = c.want(i, bit)
					}
					bad := bytes.Clone(env)
					bad[i] ^= 1 << bit
					if got, err := OpenNote(b, loc, bad); !errors.Is(err, want) {
						t.Fatalf("OpenNote(bit %d of byte %d flipped) = %q, %v, want %v", bit, i, got, err, want)
					}
				}
			}
		})
	}
}

// TestOpenNoteSwap presents a blob at a location it was not sealed for.
func TestOpenNoteSwap(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 7}
	env, err := SealNote(b, loc, []byte("note A, revision 7"))
	if err != nil {
		t.Fatal(err)
	}
	otherAccount := Bundle{{Gen: 3, Key: *testKey("other-account")}}
	tests := []struct {
		name string
		b    Bundle
		loc  Location
	}{
		{"as note B", b, Location{UserID: userA, NoteID: noteB, Rev: 7}},
		{"as another user's", b, Location{UserID: userB, NoteID: noteA, Rev: 7}},
		{"as rev r-1", b, Location{UserID: userA, NoteID: noteA, Rev: 6}},
		{"as rev r+1", b, Location{UserID: userA, NoteID: noteA, Rev: 8}},
		{"as rev 0", b, Location{UserID: userA, NoteID: noteA, Rev: 0}},
		{"user and note swapped", b, Location{UserID: noteA, NoteID: userA, Rev: 7}},
		{"under another account's key", otherAccount, loc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := OpenNote(tt.b, tt.loc, env); !errors.Is(err, ErrOpen) {
				t.Errorf("OpenNote(%+v) = %q, %v, want %v", tt.loc, got, err, ErrOpen)
			}
		})
	}
}

// TestOpenNoteGenerationSwap re-labels an envelope with another held
// generation: the key and the AD both differ, so it must not open.
func TestOpenNoteGenerationSwap(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 1}
	env, _ := sealNoteWithNonce(b[1], loc, []byte("gen 2"), testBytes("gs", NonceSize))
	for _, g := range []uint32{1, 3} {
		bad := bytes.Clone(env)
		binary.BigEndian.PutUint32(bad[1:5], g)
		if got, err := OpenNote(b, loc, bad); !errors.Is(err, ErrOpen) {
			t.Errorf("OpenNote(generation relabelled %d) = %q, %v, want %v", g, got, err, ErrOpen)
		}
	}
}

func TestOpenNoteTruncated(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 1}
	env, _ := SealNote(b, loc, []byte("short"))
	for n := range len(env) {
		got, err := OpenNote(b, loc, env[:n])
		if err == nil {
			t.Fatalf("OpenNote(first %d bytes) = %q, nil, want an error", n, got)
		}
		if n > 0 && !errors.Is(err, ErrOpen) {
			t.Fatalf("OpenNote(first %d bytes) error = %v, want %v", n, err, ErrOpen)
		}
	}
	if _, err := OpenNote(b, loc, append(bytes.Clone(env), 0)); !errors.Is(err, ErrOpen) {
		t.Errorf("OpenNote(one byte appended) error = %v, want %v", err, ErrOpen)
	}
}

func TestOpenNoteBadLocation(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 1}
	env, _ := SealNote(b, loc, nil)
	for _, l := range []Location{{UserID: "", NoteID: noteA}, {UserID: userA, NoteID: noteA + " "}} {
		if _, err := OpenNote(b, l, env); !errors.Is(err, ErrBadID) {
			t.Errorf("OpenNote(%+v) error = %v, want %v", l, err, ErrBadID)
		}
	}
}

// TestOpenNoteMalformed seals bad padding with the real key: it passes the
// AEAD and must then fail as ErrMalformedNote.
func TestOpenNoteMalformed(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 1}
	good, _ := pad([]byte("hello"))
	withLen := func(l uint32) []byte {
		p := bytes.Clone(good)
		binary.BigEndian.PutUint32(p, l)
		return p
	}
	nonzero := bytes.Clone(good)
	nonzero[len(nonzero)-1] = 1
	tests := []struct {
		name   string
		padded []byte
	}{
		{"not a bucket", good[:511]},
		{"empty", nil},
		{"length beyond size", withLen(509)},
		{"length max uint32", withLen(^uint32(0))},
		{"non-zero padding", nonzero},
		{"odd size above 64k", make([]byte, 65536+512)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ak := b.Current()
			nk, _ := noteKey(&ak, loc.NoteID)
			ad, _ := noteAD(ak.Gen, loc)
			nonce := testBytes("m", NonceSize)
			env := append([]byte{noteVersion}, binary.BigEndian.AppendUint32(nil, ak.Gen)...)
			env = append(env, nonce...)
			env, _ = seal(env, nk, nonce, tt.padded, ad)
			if got, err := OpenNote(b, loc, env); !errors.Is(err, ErrMalformedNote) {
				t.Errorf("OpenNote(%s) = %q, %v, want %v", tt.name, got, err, ErrMalformedNote)
			}
		})
	}
}

// TestRotationKeepsOldGenerations: notes sealed before a rotation still
// open with the rotated bundle, new notes use the new generation, and a
// bundle that dropped a generation reports it as unknown.
func TestRotationKeepsOldGenerations(t *testing.T) {
	b1, err := NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	loc := Location{UserID: userA, NoteID: noteA, Rev: 1}
	old, _ := SealNote(b1, loc, []byte("before"))
	b2, err := b1.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if b2.Current().Gen != 2 || len(b2) != 2 || b1.Current().Gen != 1 || len(b1) != 1 {
		t.Fatalf("Rotate() = gens %v from %v", gens(b2), gens(b1))
	}
	if got, err := OpenNote(b2, loc, old); err != nil || string(got) != "before" {
		t.Errorf("OpenNote(gen-1 envelope, rotated bundle) = %q, %v, want %q", got, err, "before")
	}
	fresh, _ := SealNote(b2, loc, []byte("after"))
	if g, _ := EnvelopeGeneration(fresh); g != 2 {
		t.Errorf("EnvelopeGeneration(sealed after rotation) = %d, want 2", g)
	}
	if _, err := OpenNote(b1, loc, fresh); !errors.Is(err, ErrUnknownGeneration) {
		t.Errorf("OpenNote(gen-2 envelope, old bundle) error = %v, want %v", err, ErrUnknownGeneration)
	}
	b3 := b2.Without(1)
	if _, err := OpenNote(b3, loc, old); !errors.Is(err, ErrRetiredGeneration) {
		t.Errorf("OpenNote(gen-1 envelope, bundle without 1) error = %v, want %v", err, ErrRetiredGeneration)
	}
	// The successor blob of SPEC §3: the old current key learns the new bundle.
	succ, err := WrapBundle(&b1[0].Key, b2, PurposeRotation)
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnwrapBundle(&b1[0].Key, succ, PurposeRotation)
	if err != nil || len(got) != 2 || got[0] != b2[0] {
		t.Errorf("UnwrapBundle(successor) = gens %v, %v, want %v", gens(got), err, gens(b2))
	}
}

func TestEnvelopeGeneration(t *testing.T) {
	valid := append([]byte{1, 0, 0, 1, 2}, make([]byte, NonceSize+TagSize)...)
	tests := []struct {
		name string
		env  []byte
		gen  uint32
		want error
	}{
		{"empty", nil, 0, ErrOpen},
		{"version only", []byte{1}, 0, ErrOpen},
		{"newer version", []byte{2, 0, 0, 0, 1}, 0, ErrUnsupportedVersion},
		{"version zero", []byte{0}, 0, ErrUnsupportedVersion},
		{"header and tag", valid, 258, nil},
		{"one short", valid[:len(valid)-1], 0, ErrOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := EnvelopeGeneration(tt.env)
			if g != tt.gen || !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("EnvelopeGeneration(%x) = %d, %v, want %d, %v", tt.env, g, err, tt.gen, tt.want)
			}
		})
	}
}

func TestParseUUID(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want string
	}{
		{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3", true, "0a1b2c3d4e5f4a6b8c7d8e9fa0b1c2d3"},
		{"00000000-0000-0000-0000-000000000000", true, "00000000000000000000000000000000"},
		{"0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3", false, ""},
		{"0a1b2c3d4e5f4a6b8c7d8e9fa0b1c2d3", false, ""},
		{"{0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3}", false, ""},
		{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2dg", false, ""},
		{"0a1b2c3d-4e5f-4a6b-8c7d_8e9fa0b1c2d3", false, ""},
		{"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d", false, ""},
		{"+a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3", false, ""},
		{"", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseUUID(tt.in)
			if tt.ok != (err == nil) || (tt.ok && fmt.Sprintf("%x", got) != tt.want) {
				t.Errorf("ParseUUID(%q) = %x, %v, want %s (ok=%v)", tt.in, got, err, tt.want, tt.ok)
			}
			if !tt.ok && !errors.Is(err, ErrBadID) {
				t.Errorf("ParseUUID(%q) error = %v, want %v", tt.in, err, ErrBadID)
			}
		})
	}
}

func gens(b Bundle) []uint32 {
	var out []uint32
	for _, k := range b {
		out = append(out, k.Gen)
	}
	return out
}

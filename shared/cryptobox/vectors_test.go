package cryptobox

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// The vectors in ../testdata are generated once by
//
//	go test ./cryptobox -run TestVectors -update
//
// and then only read: every run recomputes each output from its inputs and
// opens every stored blob. All "random" inputs come from testBytes, so a
// regeneration reproduces the files byte for byte.
var update = flag.Bool("update", false, "rewrite the JSON test vectors in ../testdata")

const vectorDir = "../testdata"

// hexBytes is a byte string written as lowercase hex in the vector files.
type hexBytes []byte

func (h hexBytes) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

func (h *hexBytes) UnmarshalText(b []byte) error {
	d, err := hex.DecodeString(string(b))
	*h = d
	return err
}

// testBytes returns n deterministic bytes named by label (SHA-256 in
// counter mode). They stand in for random keys, salts and nonces.
func testBytes(label string, n int) []byte {
	var out []byte
	for i := uint32(0); len(out) < n; i++ {
		h := sha256.New()
		h.Write([]byte("cipherleaf test vector/" + label + "/"))
		h.Write(binary.BigEndian.AppendUint32(nil, i))
		out = h.Sum(out)
	}
	return out[:n]
}

func testKey(label string) *[KeySize]byte {
	var k [KeySize]byte
	copy(k[:], testBytes(label, KeySize))
	return &k
}

// vectorFile reads name into v, or with -update writes gen() to name first.
func vectorFile[T any](t *testing.T, name string, gen func() T) T {
	t.Helper()
	path := filepath.Join(vectorDir, name)
	if *update {
		b, err := json.MarshalIndent(gen(), "", "  ")
		if err != nil {
			t.Fatalf("encode %s: %v", name, err)
		}
		if err := os.MkdirAll(vectorDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (generate with -update): %v", name, err)
	}
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return v
}

// ---- kdf.json ----

type kdfVector struct {
	Name     string   `json:"name"`
	Password string   `json:"password"`     // as typed, maybe not NFC
	PassHex  hexBytes `json:"password_hex"` // its UTF-8 bytes, before NFC
	NFCHex   hexBytes `json:"nfc_hex"`      // the bytes Argon2id receives
	Time     uint32   `json:"t"`
	Memory   uint32   `json:"m"`
	Threads  uint8    `json:"p"`
	Salt     hexBytes `json:"salt"`
	IKM      hexBytes `json:"argon2id_output"` // 64 bytes
	KEK      hexBytes `json:"kek"`
	Auth     hexBytes `json:"auth"`
}

func genKDF() []kdfVector {
	cases := []struct {
		name, pw   string
		t, m       uint32
		p          uint8
		saltLabel  string
		nfcPreview string
	}{
		{"ascii", "correct horse battery staple", 1, 64, 1, "salt-1", ""},
		{"two-lanes", "hunter2", 2, 256, 2, "salt-2", ""},
		{"nfc-composed", "caf\u00e9 na\u00efve", 1, 64, 1, "salt-3", ""},
		{"nfd-decomposed", "cafe\u0301 nai\u0308ve", 1, 64, 1, "salt-3", ""},
		{"non-latin", "пароль 密码 🔑", 3, 128, 4, "salt-4", ""},
	}
	var out []kdfVector
	for _, c := range cases {
		p := Params{Time: c.t, Memory: c.m, Threads: c.p, Salt: testBytes(c.saltLabel, SaltSize)}
		k, err := Derive([]byte(c.pw), p, InsecureTestPolicy)
		if err != nil {
			panic(err)
		}
		nfc := nfcBytes([]byte(c.pw))
		out = append(out, kdfVector{
			Name: c.name, Password: c.pw, PassHex: []byte(c.pw), NFCHex: nfc,
			Time: c.t, Memory: c.m, Threads: c.p, Salt: p.Salt,
			IKM: argon2IDKey(nfc, p), KEK: k.KEK[:], Auth: k.Auth[:],
		})
	}
	return out
}

func TestVectorsKDF(t *testing.T) {
	vs := vectorFile(t, "kdf.json", genKDF)
	if len(vs) == 0 {
		t.Fatal("kdf.json has no vectors")
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			if !bytes.Equal([]byte(v.Password), v.PassHex) {
				t.Fatalf("password %q and password_hex %x differ", v.Password, v.PassHex)
			}
			if got := nfcBytes(v.PassHex); !bytes.Equal(got, v.NFCHex) {
				t.Errorf("NFC(%q) = %x, want %x", v.Password, got, v.NFCHex)
			}
			p := Params{Time: v.Time, Memory: v.Memory, Threads: v.Threads, Salt: v.Salt}
			if got := argon2IDKey(v.NFCHex, p); !bytes.Equal(got, v.IKM) {
				t.Errorf("Argon2id(%q) = %x, want %x", v.Password, got, v.IKM)
			}
			k, err := Derive(v.PassHex, p, InsecureTestPolicy)
			if err != nil {
				t.Fatalf("Derive(%q) error = %v", v.Password, err)
			}
			if !bytes.Equal(k.KEK[:], v.KEK) {
				t.Errorf("Derive(%q).KEK = %x, want %x", v.Password, k.KEK, v.KEK)
			}
			if !bytes.Equal(k.Auth[:], v.Auth) {
				t.Errorf("Derive(%q).Auth = %x, want %x", v.Password, k.Auth, v.Auth)
			}
			if _, err := Derive(v.PassHex, p, DefaultPolicy); !errors.Is(err, ErrWeakParams) {
				t.Errorf("Derive(%q) under DefaultPolicy error = %v, want %v", v.Password, err, ErrWeakParams)
			}
		})
	}
}

// ---- wrap.json ----

type wrapVector struct {
	Name      string   `json:"name"`
	Key       hexBytes `json:"key"`
	Purpose   Purpose  `json:"purpose"`
	AD        string   `json:"ad"`
	Nonce     hexBytes `json:"nonce"`
	Plaintext hexBytes `json:"plaintext"`
	Blob      hexBytes `json:"blob"`
}

func genWrap() []wrapVector {
	oneKey := Bundle{{Gen: 1, Key: *testKey("account-key-1")}}
	twoKeys := Bundle{{Gen: 2, Key: *testKey("account-key-2")}, oneKey[0]}
	raw1, _ := oneKey.MarshalBinary()
	raw2, _ := twoKeys.MarshalBinary()
	cases := []struct {
		name    string
		purpose Purpose
		pt      []byte
	}{
		{"password-one-key-bundle", PurposePassword, raw1},
		{"recovery-one-key-bundle", PurposeRecovery, raw1},
		{"device-two-key-bundle", PurposeDevice, raw2},
		{"rotation-two-key-bundle", PurposeRotation, raw2},
		{"backup-index", PurposeBackup, []byte(`{"user_id":"00000000-0000-4000-8000-000000000001","created":"2026-01-02T03:04:05Z","notes":[]}`)},
		{"password-empty-plaintext", PurposePassword, nil},
	}
	var out []wrapVector
	for _, c := range cases {
		key := testKey("wrap-key/" + c.name)
		nonce := testBytes("wrap-nonce/"+c.name, NonceSize)
		blob, err := wrapWithNonce(key, c.pt, c.purpose, nonce)
		if err != nil {
			panic(err)
		}
		out = append(out, wrapVector{c.name, key[:], c.purpose, string(wrapAD(c.purpose)), nonce, c.pt, blob})
	}
	return out
}

func TestVectorsWrap(t *testing.T) {
	vs := vectorFile(t, "wrap.json", genWrap)
	if len(vs) == 0 {
		t.Fatal("wrap.json has no vectors")
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			var key [KeySize]byte
			copy(key[:], v.Key)
			if got := string(wrapAD(v.Purpose)); got != v.AD {
				t.Errorf("wrapAD(%q) = %q, want %q", v.Purpose, got, v.AD)
			}
			blob, err := wrapWithNonce(&key, v.Plaintext, v.Purpose, v.Nonce)
			if err != nil || !bytes.Equal(blob, v.Blob) {
				t.Errorf("wrapWithNonce(%q) = %x, %v, want %x", v.Purpose, blob, err, v.Blob)
			}
			if len(v.Blob) != WrapOverhead+len(v.Plaintext) {
				t.Errorf("len(blob) = %d, want %d", len(v.Blob), WrapOverhead+len(v.Plaintext))
			}
			pt, err := Unwrap(&key, v.Blob, v.Purpose)
			if err != nil || !bytes.Equal(pt, v.Plaintext) {
				t.Errorf("Unwrap(%q) = %x, %v, want %x", v.Purpose, pt, err, v.Plaintext)
			}
		})
	}
}

// ---- note.json ----

type noteVector struct {
	Name     string   `json:"name"`
	Bundle   hexBytes `json:"bundle"` // MarshalBinary of the bundle
	Gen      uint32   `json:"generation"`
	UserID   string   `json:"user_id"`
	NoteID   string   `json:"note_id"`
	Rev      uint64   `json:"rev"`
	Nonce    hexBytes `json:"nonce"`
	Payload  string   `json:"payload"`
	NoteKey  hexBytes `json:"note_key"`
	AD       hexBytes `json:"ad"`
	Envelope hexBytes `json:"envelope"`
}

func genNote() []noteVector {
	b := Bundle{{Gen: 2, Key: *testKey("account-key-2")}, {Gen: 1, Key: *testKey("account-key-1")}}
	raw, _ := b.MarshalBinary()
	const user = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	cases := []struct {
		name, note string
		gen        uint32
		rev        uint64
		payload    string
	}{
		{"first-revision", "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3", 2, 1,
			`{"v":1,"title":"Groceries","body":"- milk\n- eggs","tags":["home"],"created":"2026-11-24T10:00:00.123456789Z","modified":"2026-11-24T10:05:00Z"}`},
		{"later-revision", "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3", 2, 7,
			`{"v":1,"title":"Groceries","body":"- milk\n- eggs\n- bread","tags":["home"],"created":"2026-11-24T10:00:00.123456789Z","modified":"2026-11-25T08:00:00Z"}`},
		{"old-generation", "11111111-2222-4333-8444-555555555555", 1, 3,
			`{"v":1,"title":"Före rotation ✓","body":"","tags":[],"created":"2025-01-01T00:00:00Z","modified":"2025-01-01T00:00:00Z"}`},
		{"empty-payload", "ffffffff-ffff-4fff-bfff-ffffffffffff", 2, 18446744073709551615, ``},
	}
	var out []noteVector
	for _, c := range cases {
		ak, _ := b.Lookup(c.gen)
		loc := Location{UserID: user, NoteID: c.note, Rev: c.rev}
		nonce := testBytes("note-nonce/"+c.name, NonceSize)
		env, err := sealNoteWithNonce(ak, loc, []byte(c.payload), nonce)
		if err != nil {
			panic(err)
		}
		nk, _ := noteKey(&ak, c.note)
		ad, _ := noteAD(c.gen, loc)
		out = append(out, noteVector{c.name, raw, c.gen, user, c.note, c.rev, nonce, c.payload, nk[:], ad, env})
	}
	return out
}

func TestVectorsNote(t *testing.T) {
	vs := vectorFile(t, "note.json", genNote)
	if len(vs) == 0 {
		t.Fatal("note.json has no vectors")
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			b, err := ParseBundle(v.Bundle)
			if err != nil {
				t.Fatalf("ParseBundle(%x) error = %v", v.Bundle, err)
			}
			ak, ok := b.Lookup(v.Gen)
			if !ok {
				t.Fatalf("Lookup(%d) found nothing", v.Gen)
			}
			loc := Location{UserID: v.UserID, NoteID: v.NoteID, Rev: v.Rev}
			nk, err := noteKey(&ak, v.NoteID)
			if err != nil || !bytes.Equal(nk[:], v.NoteKey) {
				t.Errorf("noteKey(%q) = %x, %v, want %x", v.NoteID, nk, err, v.NoteKey)
			}
			ad, err := noteAD(v.Gen, loc)
			if err != nil || !bytes.Equal(ad, v.AD) {
				t.Errorf("noteAD(%d, %+v) = %x, %v, want %x", v.Gen, loc, ad, err, v.AD)
			}
			env, err := sealNoteWithNonce(ak, loc, []byte(v.Payload), v.Nonce)
			if err != nil || !bytes.Equal(env, v.Envelope) {
				t.Errorf("sealNoteWithNonce(%+v) = %x, %v, want %x", loc, env, err, v.Envelope)
			}
			if g, err := EnvelopeGeneration(v.Envelope); err != nil || g != v.Gen {
				t.Errorf("EnvelopeGeneration() = %d, %v, want %d", g, err, v.Gen)
			}
			pt, err := OpenNote(b, loc, v.Envelope)
			if err != nil || string(pt) != v.Payload {
				t.Errorf("OpenNote(%+v) = %q, %v, want %q", loc, pt, err, v.Payload)
			}
		})
	}
}

// ---- padding.json ----

type paddingVector struct {
	Name    string `json:"name"`
	Payload int    `json:"payload_len"` // L
	Bucket  int    `json:"padded_len"`  // S, 0 when the payload is refused
}

func genPadding() []paddingVector {
	cases := []struct {
		name string
		l    int
	}{
		{"empty", 0},
		{"4+L=511", 507},
		{"4+L=512", 508},
		{"4+L=513", 509},
		{"4+L=1025", 1021},
		{"4+L=65535", 65531},
		{"4+L=65536", 65532},
		{"4+L=65537", 65533},
		{"4+L=131072", 131068},
		{"4+L=131073", 131069},
		{"max", MaxPayload},
		{"max+1", MaxPayload + 1},
	}
	var out []paddingVector
	for _, c := range cases {
		out = append(out, paddingVector{c.name, c.l, BucketSize(lengthBytes + c.l)})
	}
	return out
}

func TestVectorsPadding(t *testing.T) {
	vs := vectorFile(t, "padding.json", genPadding)
	if len(vs) == 0 {
		t.Fatal("padding.json has no vectors")
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			if got := BucketSize(lengthBytes + v.Payload); got != v.Bucket {
				t.Errorf("BucketSize(%d) = %d, want %d", lengthBytes+v.Payload, got, v.Bucket)
			}
			padded, err := pad(make([]byte, v.Payload))
			if v.Bucket == 0 {
				if !errors.Is(err, ErrTooLarge) {
					t.Errorf("pad(%d bytes) error = %v, want %v", v.Payload, err, ErrTooLarge)
				}
				return
			}
			if err != nil || len(padded) != v.Bucket {
				t.Fatalf("pad(%d bytes) = %d bytes, %v, want %d", v.Payload, len(padded), err, v.Bucket)
			}
			if l := binary.BigEndian.Uint32(padded); int(l) != v.Payload {
				t.Errorf("pad(%d bytes) length prefix = %d", v.Payload, l)
			}
		})
	}
}

// ---- recovery.json ----

type recoveryVector struct {
	Keys []struct {
		Raw     hexBytes `json:"raw"`
		Printed string   `json:"printed"`
		WrapKey hexBytes `json:"rwk"`
		AuthKey hexBytes `json:"rauth"`
	} `json:"keys"`
	Accepted []struct {
		Name  string   `json:"name"`
		Input string   `json:"input"`
		Raw   hexBytes `json:"raw"`
	} `json:"accepted"`
	Rejected []struct {
		Name  string `json:"name"`
		Input string `json:"input"`
	} `json:"rejected"`
}

func genRecovery() recoveryVector {
	var v recoveryVector
	keys := [][]byte{make([]byte, KeySize), testBytes("recovery-1", KeySize), testBytes("recovery-2", KeySize)}
	for _, raw := range keys {
		var r RecoveryKey
		copy(r[:], raw)
		w, _ := r.WrapKey()
		a, _ := r.AuthKey()
		v.Keys = append(v.Keys, struct {
			Raw     hexBytes `json:"raw"`
			Printed string   `json:"printed"`
			WrapKey hexBytes `json:"rwk"`
			AuthKey hexBytes `json:"rauth"`
		}{raw, r.String(), w[:], a[:]})
	}
	// Variants of a key whose printed form holds O, I and B.
	var r RecoveryKey
	for i := 0; ; i++ {
		copy(r[:], testBytes("recovery-lookalike/"+string(rune('a'+i)), KeySize))
		s := r.String()
		if strings.ContainsAny(s, "O") && strings.ContainsAny(s, "I") && strings.ContainsAny(s, "B") {
			break
		}
	}
	s := r.String()
	compact := strings.ReplaceAll(s, "-", "")
	lastBits := []byte(compact) // the last character carries 3 unused bits
	lastBits[54] = altLast(lastBits[54])
	accept := []struct{ name, in string }{
		{"printed", s},
		{"lower-case", strings.ToLower(s)},
		{"spaces", strings.ReplaceAll(s, "-", " ")},
		{"no-separators", compact},
		{"surrounding-whitespace", "\t " + s + "\r\n"},
		{"look-alike-0-for-O", strings.ReplaceAll(s, "O", "0")},
		{"look-alike-1-for-I", strings.ReplaceAll(s, "I", "1")},
		{"look-alike-8-for-B", strings.ReplaceAll(s, "B", "8")},
		{"unused-bits-set", string(lastBits)},
	}
	for _, a := range accept {
		v.Accepted = append(v.Accepted, struct {
			Name  string   `json:"name"`
			Input string   `json:"input"`
			Raw   hexBytes `json:"raw"`
		}{a.name, a.in, r[:]})
	}
	wrongSum := []byte(compact)
	wrongSum[0] = flipBase32(wrongSum[0])
	reject := []struct{ name, in string }{
		{"wrong-checksum", string(wrongSum)},
		{"one-character-short", compact[:54]},
		{"one-character-long", compact + "A"},
		{"empty", ""},
		{"character-9", "9" + compact[1:]},
		{"padding-character", compact[:54] + "="},
		{"non-ascii", "Ä" + compact[2:]},
	}
	for _, rj := range reject {
		v.Rejected = append(v.Rejected, struct {
			Name  string `json:"name"`
			Input string `json:"input"`
		}{rj.name, rj.in})
	}
	return v
}

// altLast returns another base32 character with the same top 2 bits (the
// last character of a recovery key carries 2 data bits and 3 unused ones).
func altLast(c byte) byte {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	i := strings.IndexByte(alpha, c)
	return alpha[i&^7|(i&7^7)]
}

func flipBase32(c byte) byte {
	if c == 'A' {
		return 'C'
	}
	return 'A'
}

func TestVectorsRecovery(t *testing.T) {
	v := vectorFile(t, "recovery.json", genRecovery)
	if len(v.Keys) == 0 || len(v.Accepted) == 0 || len(v.Rejected) == 0 {
		t.Fatal("recovery.json is incomplete")
	}
	for _, k := range v.Keys {
		t.Run("key-"+k.Printed[:5], func(t *testing.T) {
			var r RecoveryKey
			copy(r[:], k.Raw)
			if got := r.String(); got != k.Printed {
				t.Errorf("RecoveryKey(%x).String() = %q, want %q", k.Raw, got, k.Printed)
			}
			w, _ := r.WrapKey()
			a, _ := r.AuthKey()
			if !bytes.Equal(w[:], k.WrapKey) || !bytes.Equal(a[:], k.AuthKey) {
				t.Errorf("WrapKey, AuthKey = %x, %x, want %x, %x", w, a, k.WrapKey, k.AuthKey)
			}
		})
	}
	for _, a := range v.Accepted {
		t.Run("accept-"+a.Name, func(t *testing.T) {
			r, err := ParseRecoveryKey(a.Input)
			if err != nil || !bytes.Equal(r[:], a.Raw) {
				t.Errorf("ParseRecoveryKey(%q) = %x, %v, want %x", a.Input, r, err, a.Raw)
			}
		})
	}
	for _, rj := range v.Rejected {
		t.Run("reject-"+rj.Name, func(t *testing.T) {
			if r, err := ParseRecoveryKey(rj.Input); !errors.Is(err, ErrRecoveryKeyMistyped) {
				t.Errorf("ParseRecoveryKey(%q) = %x, %v, want %v", rj.Input, r, err, ErrRecoveryKeyMistyped)
			}
		})
	}
}

// ---- bundle.json ----

type bundleVector struct {
	Name  string   `json:"name"`
	Bytes hexBytes `json:"bytes"`
	Gens  []uint32 `json:"generations,omitempty"` // empty when invalid
}

func genBundle() []bundleVector {
	entry := func(gen uint32) []byte {
		return append(binary.BigEndian.AppendUint32(nil, gen), testBytes("bundle-key/"+string(rune('0'+gen%10)), KeySize)...)
	}
	cat := func(gens ...uint32) []byte {
		var out []byte
		for _, g := range gens {
			out = append(out, entry(g)...)
		}
		return out
	}
	var max []uint32
	for g := uint32(MaxBundleKeys); g >= 1; g-- {
		max = append(max, g)
	}
	var over []uint32
	for g := uint32(MaxBundleKeys + 1); g >= 1; g-- {
		over = append(over, g)
	}
	valid := []struct {
		name string
		gens []uint32
	}{
		{"one-key", []uint32{1}},
		{"rotated", []uint32{3, 2, 1}},
		{"gap-after-drop", []uint32{9, 4}},
		{"max-generation", []uint32{0xffffffff}},
		{"64-keys", max},
	}
	invalid := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"zero-generation", cat(0)},
		{"zero-generation-last", cat(2, 0)},
		{"oldest-first", cat(1, 2)},
		{"duplicate-generation", cat(2, 2)},
		{"short-entry", cat(1)[:35]},
		{"long-entry", append(cat(1), 0)},
		{"65-keys", cat(over...)},
	}
	var out []bundleVector
	for _, v := range valid {
		out = append(out, bundleVector{v.name, cat(v.gens...), v.gens})
	}
	for _, v := range invalid {
		out = append(out, bundleVector{Name: v.name, Bytes: v.b})
	}
	return out
}

func TestVectorsBundle(t *testing.T) {
	vs := vectorFile(t, "bundle.json", genBundle)
	if len(vs) == 0 {
		t.Fatal("bundle.json has no vectors")
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			b, err := ParseBundle(v.Bytes)
			if len(v.Gens) == 0 {
				if !errors.Is(err, ErrBadBundle) {
					t.Errorf("ParseBundle(%s) = %v, %v, want %v", v.Name, b, err, ErrBadBundle)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBundle(%s) error = %v", v.Name, err)
			}
			var gens []uint32
			for i, k := range b {
				gens = append(gens, k.Gen)
				if !bytes.Equal(k.Key[:], v.Bytes[i*bundleEntrySize+4:(i+1)*bundleEntrySize]) {
					t.Errorf("ParseBundle(%s)[%d].Key = %x", v.Name, i, k.Key)
				}
			}
			if !slices.Equal(gens, v.Gens) {
				t.Errorf("ParseBundle(%s) generations = %v, want %v", v.Name, gens, v.Gens)
			}
			enc, err := b.MarshalBinary()
			if err != nil || !bytes.Equal(enc, v.Bytes) {
				t.Errorf("MarshalBinary() = %x, %v, want %x", enc, err, v.Bytes)
			}
		})
	}
}

// nfcBytes and argon2IDKey recompute the intermediate values of SPEC §2
// straight from the primitives, independently of Derive.
func nfcBytes(pw []byte) []byte { return norm.NFC.Bytes(pw) }

func argon2IDKey(nfc []byte, p Params) []byte {
	return argon2.IDKey(nfc, p.Salt, p.Time, p.Memory, p.Threads, 64)
}

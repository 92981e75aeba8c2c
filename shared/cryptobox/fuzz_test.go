package cryptobox

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// Every decoder of this package has a fuzz test. Each is seeded from the
// unit cases, so a plain `go test` runs the seeds; `go test -fuzz=FuzzX`
// explores further. Decoders must never panic, and whatever they accept
// must encode back to the same bytes.

func FuzzOpenNote(f *testing.F) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 3}
	for i, p := range []string{"", "x", `{"v":1,"title":"t"}`, strings.Repeat("a", 600)} {
		env, err := sealNoteWithNonce(b[i%len(b)], loc, []byte(p), testBytes("fz", NonceSize))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(env)
		f.Add(env[:len(env)-1])
		f.Add(env[:NoteHeaderSize+TagSize])
		bad := bytes.Clone(env)
		bad[0] = 2
		f.Add(bad)
	}
	f.Add([]byte{})
	f.Add([]byte{1})
	op, err := NewNoteOpener(b)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, env []byte) {
		payload, err := OpenNote(b, loc, env)
		viaOpener, oerr := op.OpenTo(nil, loc, env)
		if !bytes.Equal(viaOpener, payload) || !sameErr(oerr, err) {
			t.Fatalf("NoteOpener.OpenTo(%x) = %x, %v; OpenNote: %x, %v", env, viaOpener, oerr, payload, err)
		}
		if err != nil {
			return
		}
		ak, _ := b.Lookup(uint32(env[1])<<24 | uint32(env[2])<<16 | uint32(env[3])<<8 | uint32(env[4]))
		again, err := sealNoteWithNonce(ak, loc, payload, env[5:NoteHeaderSize])
		if err != nil || !bytes.Equal(again, env) {
			t.Fatalf("OpenNote accepted %x but resealing gives %x, %v", env, again, err)
		}
	})
}

func FuzzEnvelopeGeneration(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{2, 0, 0, 0, 1})
	f.Add(append([]byte{1, 0, 0, 1, 2}, make([]byte, NonceSize+TagSize)...))
	f.Fuzz(func(t *testing.T, env []byte) {
		g, err := EnvelopeGeneration(env)
		if err != nil {
			return
		}
		if len(env) < NoteHeaderSize+TagSize || env[0] != noteVersion {
			t.Fatalf("EnvelopeGeneration(%x) = %d, nil for a short or foreign envelope", env, g)
		}
		if want := uint32(env[1])<<24 | uint32(env[2])<<16 | uint32(env[3])<<8 | uint32(env[4]); g != want {
			t.Fatalf("EnvelopeGeneration(%x) = %d, want %d", env, g, want)
		}
	})
}

func FuzzUnwrap(f *testing.F) {
	key := testKey("fuzz-wrap")
	for i, p := range allPurposes {
		blob, err := wrapWithNonce(key, testBytes("fw", i*20), p, testBytes("fwn", NonceSize))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob, uint8(i))
		f.Add(blob[:WrapOverhead-1], uint8(i))
	}
	f.Add([]byte{}, uint8(0))
	f.Add([]byte{2}, uint8(0))
	f.Fuzz(func(t *testing.T, blob []byte, pi uint8) {
		p := allPurposes[int(pi)%len(allPurposes)]
		pt, err := Unwrap(key, blob, p)
		if err != nil {
			return
		}
		again, err := wrapWithNonce(key, pt, p, blob[1:1+NonceSize])
		if err != nil || !bytes.Equal(again, blob) {
			t.Fatalf("Unwrap(%q) accepted %x but rewrapping gives %x, %v", p, blob, again, err)
		}
	})
}

func FuzzUnwrapBundle(f *testing.F) {
	key := testKey("fuzz-wrap-bundle")
	for i, b := range []Bundle{bundleOf(1), bundleOf(3, 2, 1), bundleOf(descending(64)...)} {
		raw, _ := b.MarshalBinary()
		blob, err := wrapWithNonce(key, raw, PurposePassword, testBytes("fwb", NonceSize))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob)
		f.Add(blob[:len(blob)-i-1])
	}
	bad, _ := wrapWithNonce(key, []byte("not a bundle"), PurposePassword, testBytes("fwb", NonceSize))
	f.Add(bad)
	f.Fuzz(func(t *testing.T, blob []byte) {
		b, err := UnwrapBundle(key, blob, PurposePassword)
		if err != nil {
			return
		}
		raw, err := b.MarshalBinary()
		if err != nil {
			t.Fatalf("UnwrapBundle accepted a bundle MarshalBinary refuses: %v", err)
		}
		again, err := wrapWithNonce(key, raw, PurposePassword, blob[1:1+NonceSize])
		if err != nil || !bytes.Equal(again, blob) {
			t.Fatalf("UnwrapBundle accepted %x but rewrapping gives %x, %v", blob, again, err)
		}
	})
}

func FuzzParseBundle(f *testing.F) {
	for _, b := range []Bundle{bundleOf(1), bundleOf(3, 2, 1), bundleOf(1, 2), bundleOf(0), bundleOf(descending(64)...), bundleOf(descending(65)...)} {
		raw := make([]byte, 0, len(b)*bundleEntrySize)
		for _, k := range b {
			raw = append(raw, byte(k.Gen>>24), byte(k.Gen>>16), byte(k.Gen>>8), byte(k.Gen))
			raw = append(raw, k.Key[:]...)
		}
		f.Add(raw)
		if len(raw) > 0 {
			f.Add(raw[:len(raw)-1])
		}
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBundle(data)
		if err != nil {
			return
		}
		again, err := b.MarshalBinary()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("ParseBundle(%x) round trip = %x, %v", data, again, err)
		}
	})
}

func FuzzParseRecoveryKey(f *testing.F) {
	var r RecoveryKey
	copy(r[:], testBytes("fuzz-recovery", KeySize))
	s := r.String()
	for _, in := range []string{s, strings.ToLower(s), strings.ReplaceAll(s, "-", " "),
		strings.ReplaceAll(s, "O", "0"), s[:len(s)-1], s + "A", "", "9" + s[1:], "Ä" + s[2:]} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseRecoveryKey(in)
		if err != nil {
			return
		}
		printed := r.String()
		if !printedRE.MatchString(printed) {
			t.Fatalf("String() = %q is not the printed form", printed)
		}
		again, err := ParseRecoveryKey(printed)
		if err != nil || again != r {
			t.Fatalf("ParseRecoveryKey(%q) = %x; its String %q parses to %x, %v", in, r, printed, again, err)
		}
	})
}

func FuzzParseUUID(f *testing.F) {
	for _, s := range []string{userA, noteA, strings.ToUpper(noteA), "", "0a1b2c3d4e5f4a6b8c7d8e9fa0b1c2d3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUUID(s)
		if err != nil {
			return
		}
		h := hex.EncodeToString(u[:])
		if want := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]; want != s {
			t.Fatalf("ParseUUID(%q) = %x, which prints as %q", s, u, want)
		}
	})
}

func FuzzOpenManifest(f *testing.F) {
	b := testBundle()
	for i, p := range []string{"", `{"v":1}`, strings.Repeat("m", 300)} {
		hdr := []byte{ManifestLiveOnly, ManifestAllRows}[i%2]
		blob, err := sealManifestWithNonce(hdr, b[i%len(b)], userA, 4, []byte(p), testBytes("fm", NonceSize))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob)
		f.Add(blob[:len(blob)-1])
		bad := bytes.Clone(blob)
		bad[0] ^= 0xff
		f.Add(bad)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, blob []byte) {
		payload, err := OpenManifest(b, userA, 4, blob)
		if err != nil {
			return
		}
		ak, _ := b.Lookup(uint32(blob[1])<<24 | uint32(blob[2])<<16 | uint32(blob[3])<<8 | uint32(blob[4]))
		again, err := sealManifestWithNonce(blob[0], ak, userA, 4, payload, blob[5:ManifestHeaderSize])
		if err != nil || !bytes.Equal(again, blob) {
			t.Fatalf("OpenManifest accepted %x but resealing gives %x, %v", blob, again, err)
		}
	})
}

package jsonscan

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// base64Cases are inputs of decodeBase64 with whether it takes them; what
// it takes must decode as base64.StdEncoding decodes it (checkBase64).
var base64Cases = []struct {
	in    string
	takes bool
}{
	{"", true},
	{"eA==", true},
	{"eHk=", true},
	{"eHl6", true},
	{"aGVsbG8gd29ybGQh", true},         // 12 bytes: two eight-character rounds' worth
	{"aGVsbG8gd29ybGQhIQ==", true},     // the long loop, then a padded quantum
	{"+/+/+/+/+/+/+/+/+/+/+/8=", true}, // '+' and '/', the last two of the alphabet
	{"eB==", true},                     // trailing bits set: StdEncoding (not Strict) takes it
	{"eHl=", true},
	{"eA", false},       // no padding
	{"eA=", false},      // short padding
	{"e===", false},     // one character cannot end a quantum
	{"eA=x", false},     // padding before the end
	{"eA==eA==", false}, // padding in the middle
	{"eA==\n", false},   // white space: StdEncoding skips it, JSON has none raw
	{"eH\nl6", false},
	{"eHl6!!!!", false},         // outside the alphabet
	{"aGVsbG8gd29y-GQh", false}, // URL alphabet
	{"aGVsbG8gd29yb_Qh", false},
	{"aGVsbG8\\d29ybGQh", false}, // an escape
	{"aGVs\x00G8gd29ybGQh", false},
	{"aGVs\xc3\xa9G8gd29ybGQh", false},
}

// checkBase64: when decodeBase64 takes src, base64.StdEncoding takes it
// and gives the same bytes; when StdEncoding takes src and src has no
// white space (which StdEncoding skips), decodeBase64 takes it too.
func checkBase64(t *testing.T, src []byte) (took bool) {
	t.Helper()
	dst := make([]byte, len(src)/4*3)
	n, ok := decodeBase64(dst, src)
	want, err := base64.StdEncoding.DecodeString(string(src))
	switch {
	case ok && err != nil:
		t.Fatalf("decodeBase64(%q) = %q, true; StdEncoding: %v", src, dst[:n], err)
	case ok && !bytes.Equal(dst[:n], want):
		t.Fatalf("decodeBase64(%q) = %q, want %q as StdEncoding", src, dst[:n], want)
	case !ok && err == nil && !bytes.ContainsAny(src, "\r\n"):
		t.Fatalf("decodeBase64(%q) declined; StdEncoding = %q", src, want)
	}
	return ok
}

func TestDecodeBase64(t *testing.T) {
	for _, tc := range base64Cases {
		t.Run(tc.in, func(t *testing.T) {
			if got := checkBase64(t, []byte(tc.in)); got != tc.takes {
				t.Errorf("decodeBase64(%q) took %v, want %v", tc.in, got, tc.takes)
			}
		})
	}
	// Every length up to a few rounds of the long loop, with each
	// position in turn made invalid.
	for size := range 40 {
		raw := make([]byte, size)
		for i := range raw {
			raw[i] = byte(i*37 + size)
		}
		enc := []byte(base64.StdEncoding.EncodeToString(raw))
		if !checkBase64(t, enc) {
			t.Fatalf("decodeBase64(%q) declined", enc)
		}
		for i := range enc {
			bad := bytes.Clone(enc)
			bad[i] = '*'
			if checkBase64(t, bad) {
				t.Fatalf("decodeBase64(%q) took it", bad)
			}
		}
	}
}

// FuzzDecodeBase64: decodeBase64 agrees with base64.StdEncoding on any
// input (checkBase64), and so does Bytes on the same input quoted.
func FuzzDecodeBase64(f *testing.F) {
	for _, tc := range base64Cases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkBase64(t, src)
		compareReaders(t, append(append([]byte{'"'}, src...), '"'))
	})
}

// TestArena: with an arena, Bytes hands out slices of one allocation,
// each capped at its length, and allocates once the arena is used up.
func TestArena(t *testing.T) {
	s := New([]byte(`["eHl6", "", "YWJj", "ZGVmZ2hp", null]`))
	s.UseArena(9)
	var got [][]byte
	ok := s.Array(func() bool {
		got = append(got, nil)
		return s.Bytes(&got[len(got)-1])
	})
	if !ok || !s.End() {
		t.Fatal("Bytes declined the array")
	}
	want := []string{"xyz", "", "abc", "defghi", ""}
	for i, w := range want {
		if string(got[i]) != w || cap(got[i]) != len(got[i]) {
			t.Errorf("blob %d = %q (cap %d), want %q capped at its length", i, got[i], cap(got[i]), w)
		}
	}
	if got[1] == nil || got[4] != nil {
		t.Errorf(`"" = %#v, want empty, not nil; null = %#v, want nil`, got[1], got[4])
	}
	if &got[0][:1][0] == &got[2][:1][0] || &s.arena[:1][0] != &got[0][:1][0] || &s.arena[3] != &got[2][:1][0] {
		t.Error("the first blobs are not consecutive in the arena")
	}
	if len(s.arena) != 6 {
		t.Errorf("arena used %d bytes, want 6 (the third blob did not fit)", len(s.arena))
	}
	got[0] = append(got[0], '!')
	if string(got[2]) != "abc" {
		t.Errorf("appending to one blob changed the next to %q", got[2])
	}
}

// BenchmarkBase64 decodes the base64 of a sealed 1 KiB note (1,400
// bytes) as Bytes now does and as base64.StdEncoding does.
func BenchmarkBase64(b *testing.B) {
	raw := make([]byte, 1400)
	for i := range raw {
		raw[i] = byte(i * 131)
	}
	src := []byte(base64.StdEncoding.EncodeToString(raw))
	dst := make([]byte, len(src)/4*3)
	b.Run("decodeBase64", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, ok := decodeBase64(dst, src); !ok {
				b.Fatal("declined")
			}
		}
	})
	b.Run("plain+StdEncoding", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if !isPlain(src) {
				b.Fatal("not plain")
			}
			if _, err := base64.StdEncoding.Decode(dst, src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

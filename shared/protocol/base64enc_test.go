package protocol

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// TestAppendBase64 checks every length up to a few rounds of the
// eight-byte loop, after a non-empty dst.
func TestAppendBase64(t *testing.T) {
	for size := range 40 {
		src := make([]byte, size)
		for i := range src {
			src[i] = byte(i*151 + size)
		}
		checkAppendBase64(t, src)
	}
	checkAppendBase64(t, bytes.Repeat([]byte{0xfb, 0xff, 0xbf}, 467)) // '+' and '/'
}

func checkAppendBase64(t *testing.T, src []byte) {
	t.Helper()
	prefix := []byte(`{"blob":"`)
	want := base64.StdEncoding.AppendEncode(bytes.Clone(prefix), src)
	if got := appendBase64(bytes.Clone(prefix), src); !bytes.Equal(got, want) {
		t.Fatalf("appendBase64(%q) = %s, want %s", src, got, want)
	}
}

// FuzzAppendBase64: appendBase64 writes what base64.StdEncoding writes.
func FuzzAppendBase64(f *testing.F) {
	for _, s := range []string{"", "x", "xy", "xyz", "sixbyt", "eight by", "\xfb\xff\xbf\xfb\xff\xbf\x00\x01\x02"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkAppendBase64(t, src)
	})
}

// BenchmarkBase64Encode encodes a sealed 1 KiB note (1,400 bytes) with
// appendBase64 and with encoding/base64.
func BenchmarkBase64Encode(b *testing.B) {
	src := make([]byte, 1400)
	for i := range src {
		src[i] = byte(i * 131)
	}
	dst := make([]byte, 0, 2048)
	b.Run("appendBase64", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			appendBase64(dst[:0], src)
		}
	})
	b.Run("StdEncoding", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			base64.StdEncoding.AppendEncode(dst[:0], src)
		}
	})
}

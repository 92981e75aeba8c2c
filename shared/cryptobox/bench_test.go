package cryptobox

import (
	"fmt"
	"testing"
)

// Run with: go test -run='^$' -bench=. -benchmem ./cryptobox

var noteSizes = []int{1 << 10, 64 << 10, 1 << 20}

func BenchmarkSealNote(b *testing.B) {
	bundle := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 1}
	for _, n := range noteSizes {
		b.Run(fmt.Sprintf("%dKiB", n>>10), func(b *testing.B) {
			payload := testBytes("bench", n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := SealNote(bundle, loc, payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpenNote(b *testing.B) {
	bundle := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 1}
	for _, n := range noteSizes {
		b.Run(fmt.Sprintf("%dKiB", n>>10), func(b *testing.B) {
			env, err := SealNote(bundle, loc, testBytes("bench", n))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := OpenNote(bundle, loc, env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDerive measures the default parameters of SPEC §2 (t=3,
// m=64 MiB, p=4): the cost of every unlock and login.
func BenchmarkDerive(b *testing.B) {
	p, err := NewParams()
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("t=%d,m=%dMiB,p=%d", p.Time, p.Memory>>10, p.Threads), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Derive([]byte("correct horse battery staple"), p, DefaultPolicy); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkWrap(b *testing.B) {
	key := testKey("bench-wrap")
	raw, _ := testBundle().MarshalBinary()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Wrap(key, raw, PurposePassword); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnwrap(b *testing.B) {
	key := testKey("bench-wrap")
	raw, _ := testBundle().MarshalBinary()
	blob, _ := Wrap(key, raw, PurposePassword)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unwrap(key, blob, PurposePassword); err != nil {
			b.Fatal(err)
		}
	}
}

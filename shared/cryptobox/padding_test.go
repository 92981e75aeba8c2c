package cryptobox

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func TestBucketSize(t *testing.T) {
	tests := []struct{ n, want int }{
		{-1, 0}, {0, 512}, {1, 512}, {511, 512}, {512, 512}, {513, 1024},
		{1024, 1024}, {1025, 2048}, {32769, 65536}, {65535, 65536},
		{65536, 65536}, {65537, 131072}, {131072, 131072}, {131073, 196608},
		{MaxPadded - 1, MaxPadded}, {MaxPadded, MaxPadded}, {MaxPadded + 1, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			if got := BucketSize(tt.n); got != tt.want {
				t.Errorf("BucketSize(%d) = %d, want %d", tt.n, got, tt.want)
			}
		})
	}
}

func TestPadRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 100, 507, 508, 509, 65532, 65533, 200000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			payload := testBytes("pad", n)
			p, err := pad(payload)
			if err != nil {
				t.Fatalf("pad(%d bytes) error = %v", n, err)
			}
			if !isBucket(len(p)) {
				t.Errorf("pad(%d bytes) = %d bytes, not a bucket", n, len(p))
			}
			got, err := unpad(p)
			if err != nil || !bytes.Equal(got, payload) {
				t.Errorf("unpad(pad(%d bytes)) = %d bytes, %v", n, len(got), err)
			}
		})
	}
	if _, err := pad(make([]byte, MaxPayload+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("pad(MaxPayload+1) error = %v, want %v", err, ErrTooLarge)
	}
}

func TestIsBucket(t *testing.T) {
	for s, want := range map[int]bool{0: false, 256: false, 512: true, 768: false, 1024: true,
		65536: true, 98304: false, 131072: true, 196608: true, MaxPadded: true, MaxPadded + 65536: false} {
		if got := isBucket(s); got != want {
			t.Errorf("isBucket(%d) = %v, want %v", s, got, want)
		}
	}
}

package cryptobox

import "encoding/binary"

// Padding buckets of SPEC §5.1.
const (
	minBucket   = 512
	pow2Limit   = 64 << 10
	MaxPadded   = 16 << 20
	lengthBytes = 4
)

// MaxPayload is the largest note payload that can be sealed.
const MaxPayload = MaxPadded - lengthBytes

// BucketSize returns the padded size for n bytes (length prefix included),
// or 0 if n exceeds MaxPadded.
func BucketSize(n int) int {
	if n > MaxPadded || n < 0 {
		return 0
	}
	if n <= pow2Limit {
		b := minBucket
		for b < n {
			b <<= 1
		}
		return b
	}
	return (n + pow2Limit - 1) / pow2Limit * pow2Limit
}

func isBucket(s int) bool { return s > 0 && BucketSize(s) == s }

// pad returns u32be(len) || payload || zeros, sized to its bucket.
func pad(payload []byte) ([]byte, error) {
	s := BucketSize(lengthBytes + len(payload))
	if s == 0 {
		return nil, ErrTooLarge
	}
	out := make([]byte, s)
	binary.BigEndian.PutUint32(out, uint32(len(payload)))
	copy(out[lengthBytes:], payload)
	return out, nil
}

// unpad checks the padding of an authenticated plaintext and returns the
// payload (aliasing padded).
func unpad(padded []byte) ([]byte, error) {
	if !isBucket(len(padded)) {
		return nil, ErrMalformedNote
	}
	l := int(binary.BigEndian.Uint32(padded))
	if l > len(padded)-lengthBytes {
		return nil, ErrMalformedNote
	}
	for _, c := range padded[lengthBytes+l:] {
		if c != 0 {
			return nil, ErrMalformedNote
		}
	}
	return padded[lengthBytes : lengthBytes+l], nil
}

package jsonscan

import "encoding/binary"

// Base64 of a blob, the bulk of a push batch (1,000 blobs of 1.4 KiB), is
// read here in one pass: the bytes between the quotes are decoded as they
// are checked, instead of being checked as plain JSON text, then checked
// again and decoded by encoding/base64 (about twice as fast, measured by
// BenchmarkBase64). Only the standard alphabet and '=' padding in the last
// quantum are taken; that is a subset of plain text (Plain), on which
// base64.StdEncoding decodes to the same bytes (FuzzDecodeBase64).

// bad is set in a table entry for a byte outside the alphabet.
const bad = 1 << 31

// b64 holds, for each of the four places in a quantum, every byte's six
// bits shifted into place in a 24-bit group, or bad.
var b64 = func() (t [4][256]uint32) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for k := range t {
		for c := range t[k] {
			t[k][c] = bad
		}
		for v, c := range []byte(alphabet) {
			t[k][c] = uint32(v) << (18 - 6*k)
		}
	}
	return t
}()

// decodeBase64 decodes src into dst, which has room for len(src)/4*3
// bytes, and returns the length decoded. It takes what
// base64.StdEncoding.Decode takes, with the same result, except white
// space, which it declines (JSON text never has a raw line break inside a
// string): quanta of the standard alphabet, the last of which may end in
// "=" or "==". Anything else returns false.
func decodeBase64(dst, src []byte) (int, bool) {
	if len(src)%4 != 0 {
		return 0, false
	}
	if len(src) == 0 {
		return 0, true
	}
	t0, t1, t2, t3 := &b64[0], &b64[1], &b64[2], &b64[3]
	last := len(src) - 4 // the quantum that may be padded
	n, i := 0, 0
	// Eight characters into six bytes; while dst has room past them, one
	// eight-byte store whose last two bytes the next round overwrites.
	for ; i+8 <= last && n+8 <= len(dst); i += 8 {
		s := src[i : i+8 : i+8]
		x := t0[s[0]] | t1[s[1]] | t2[s[2]] | t3[s[3]]
		y := t0[s[4]] | t1[s[5]] | t2[s[6]] | t3[s[7]]
		if (x|y)&bad != 0 {
			return 0, false
		}
		binary.BigEndian.PutUint64(dst[n:], uint64(x)<<40|uint64(y)<<16)
		n += 6
	}
	for ; i < last; i += 4 {
		s := src[i : i+4 : i+4]
		x := t0[s[0]] | t1[s[1]] | t2[s[2]] | t3[s[3]]
		if x&bad != 0 {
			return 0, false
		}
		d := dst[n : n+3 : n+3]
		d[0], d[1], d[2] = byte(x>>16), byte(x>>8), byte(x)
		n += 3
	}
	s := src[last : last+4 : last+4]
	x := t0[s[0]] | t1[s[1]]
	switch {
	case s[2] == '=' && s[3] == '=':
		if x&bad != 0 {
			return 0, false
		}
		dst[n] = byte(x >> 16)
		return n + 1, true
	case s[3] == '=':
		x |= t2[s[2]]
		if x&bad != 0 {
			return 0, false
		}
		d := dst[n : n+2 : n+2]
		d[0], d[1] = byte(x>>16), byte(x>>8)
		return n + 2, true
	}
	x |= t2[s[2]] | t3[s[3]]
	if x&bad != 0 {
		return 0, false
	}
	d := dst[n : n+3 : n+3]
	d[0], d[1], d[2] = byte(x>>16), byte(x>>8), byte(x)
	return n + 3, true
}

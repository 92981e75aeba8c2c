package tokens

import (
	"testing"
	"time"
)

// BenchmarkVerify measures verifying a token seen before (the cached path
// every request of a client takes).
func BenchmarkVerify(b *testing.B) {
	a := NewAccess(key, 10*time.Minute, nil)
	tok, _ := a.Issue("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := a.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyFirst measures a full verification (HMAC and claims).
func BenchmarkVerifyFirst(b *testing.B) {
	a := NewAccess(key, 10*time.Minute, nil)
	toks := make([]string, 1000)
	for i := range toks {
		toks[i], _ = a.Issue("u", string(rune('a'+i%26))+time.Duration(i).String())
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a.cache = verified{} // force the full path
		if _, _, err := a.Verify(toks[i%len(toks)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

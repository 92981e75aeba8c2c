package backup

import (
	"bytes"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
)

// FuzzRead feeds arbitrary files to the backup reader: it must
// refuse them with an error, never panic or accept a forged file.
func FuzzRead(f *testing.F) {
	f.Add([]byte(Header + `{"v":1}`))
	f.Add([]byte(Header + `{"v":1,"kdf":{"alg":"argon2id","v":19,"t":1,"m":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"wrapped_key":"AQ==","notes":[]}`))
	f.Add([]byte(Header + `{"v":1,"kdf":{"alg":"argon2id","v":19,"t":1,"m":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"wrapped_key":"AQ==","index_gen":2,"successors":["AQ==",""],"notes":[]}`))
	f.Add([]byte("CIPHERLEAF-BACKUP 2\n{}"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if notes, err := Read(bytes.NewReader(data), []byte("pw"), cryptobox.InsecureTestPolicy); err == nil {
			t.Fatalf("Read accepted a file no key made (%d notes)", len(notes))
		}
	})
}

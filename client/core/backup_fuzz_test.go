package core

import (
	"bytes"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
)

// FuzzReadBackup feeds arbitrary files to the backup reader: it must
// refuse them with an error, never panic or accept a forged file.
func FuzzReadBackup(f *testing.F) {
	f.Add([]byte(backupHeader + `{"v":1}`))
	f.Add([]byte(backupHeader + `{"v":1,"kdf":{"alg":"argon2id","v":19,"t":1,"m":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"wrapped_key":"AQ==","notes":[]}`))
	f.Add([]byte(backupHeader + `{"v":1,"kdf":{"alg":"argon2id","v":19,"t":1,"m":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"wrapped_key":"AQ==","index_gen":2,"successors":["AQ==",""],"notes":[]}`))
	f.Add([]byte("CIPHERLEAF-BACKUP 2\n{}"))
	f.Add([]byte("garbage"))
	c := &Core{cfg: Config{Policy: cryptobox.InsecureTestPolicy}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if notes, err := c.readBackup(bytes.NewReader(data), []byte("pw")); err == nil {
			t.Fatalf("readBackup accepted a file no key made (%d notes)", len(notes))
		}
	})
}

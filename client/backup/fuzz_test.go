package backup

import (
	"bytes"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
)

// FuzzRead feeds arbitrary files to the backup reader: it must
// refuse them with an error, never panic or accept a forged file.
func FuzzRead(f *testing.F) {
	v := readVectors2(f)
	vectorPassword, genuine := v.Password, map[string][]byte{}
	for _, a := range v.Attachments {
		genuine[a.ID] = a.Content
	}
	f.Add(v.File)
	f.Add([]byte(Header + `{"v":1}`))
	f.Add([]byte(Header + `{"v":1,"kdf":{"alg":"argon2id","v":19,"t":1,"m":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"wrapped_key":"AQ==","notes":[]}`))
	f.Add([]byte(Header + `{"v":1,"kdf":{"alg":"argon2id","v":19,"t":1,"m":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"wrapped_key":"AQ==","index_gen":2,"successors":["AQ==",""],"notes":[]}`))
	f.Add([]byte("CIPHERLEAF-BACKUP 2\n{}"))
	f.Add([]byte(Header + `{"v":2,"kdf":{"alg":"argon2id","v":19,"t":1,"m":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"wrapped_key":"AQ==","notes":[],"attachments":[{"id":"x","size":3}]}` + "\nabc"))
	f.Add([]byte("CIPHERLEAF-BACKUP 3\n{}"))
	f.Add(readVectors2(f).Tampered[0].File)
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if notes, err := Read(bytes.NewReader(data), []byte("pw"), cryptobox.InsecureTestPolicy); err == nil {
			t.Fatalf("Read accepted a file no key made (%d notes)", len(notes))
		}
		// With the vectors' password, a file that opens whole yields
		// exactly the genuine attachment contents (unauthenticated fields
		// such as the username may differ; content may not).
		if _, blobs, err := openAll(data, vectorPassword); err == nil {
			for id, b := range blobs {
				if !bytes.Equal(b, genuine[id]) {
					t.Fatalf("attachment %s opened with content that is not the genuine one", id)
				}
			}
		}
	})
}

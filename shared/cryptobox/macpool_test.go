package cryptobox

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
)

// TestMACPoolMatchesHMAC: a pooled state gives hmac.New's MAC for
// messages of every length around a block, used from several goroutines.
func TestMACPoolMatchesHMAC(t *testing.T) {
	var key [sha256.Size]byte
	copy(key[:], testBytes("macpool", sha256.Size))
	mp := newMACPool(&key)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 200 {
				msg := bytes.Repeat([]byte{byte(g), byte(n)}, n)[:n]
				want := hmac.New(sha256.New, key[:])
				want.Write(msg)
				m := mp.get()
				m.msg = append(m.msg, msg...)
				if got := mp.sum(m); !bytes.Equal(got[:], want.Sum(nil)) {
					errs <- fmt.Errorf("MAC of %d bytes = %x, want %x", n, got, want.Sum(nil))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestExpandNoteKey: the one-block Expand of NoteOpener is hkdf.Expand.
func TestExpandNoteKey(t *testing.T) {
	for _, name := range []string{"zero", "a", "b", "c"} {
		t.Run(name, func(t *testing.T) {
			var prk [sha256.Size]byte
			if name != "zero" {
				copy(prk[:], testBytes("prk-"+name, sha256.Size))
			}
			mp := newMACPool(&prk)
			for i := range 20 {
				var nid [16]byte
				binary.BigEndian.PutUint64(nid[8:], uint64(i)*0x9e3779b97f4a7c15)
				want, err := hkdf.Expand(sha256.New, prk[:], noteKeyInfo+string(nid[:]), KeySize)
				if err != nil {
					t.Fatal(err)
				}
				if got := expandNoteKey(mp, nid); !bytes.Equal(got[:], want) {
					t.Errorf("expandNoteKey(%x) = %x, want %x", nid, got, want)
				}
			}
		})
	}
}

// TestDigesterWipe: after Wipe no state keyed with the old key is used: an
// entry is the one of a zero key, as it was before states were pooled.
func TestDigesterWipe(t *testing.T) {
	d, err := NewDigester(testBundle())
	if err != nil {
		t.Fatal(err)
	}
	before, _ := d.Entry(noteA, 1, false, []byte("x"))
	d.Wipe()
	after, _ := d.Entry(noteA, 1, false, []byte("x"))
	zero := &Digester{}
	zero.macs = newMACPool(&zero.dk)
	want, _ := zero.Entry(noteA, 1, false, []byte("x"))
	if after != want || after == before {
		t.Errorf("Entry after Wipe = %x, want the zero key's %x (before: %x)", after, want, before)
	}
}

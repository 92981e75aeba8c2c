package cryptobox

import (
	"bytes"
	"errors"
	"testing"
)

const (
	mUser  = "11111111-2222-4333-8444-555555555555"
	mUser2 = "21111111-2222-4333-8444-555555555555"
)

func TestManifestSealOpen(t *testing.T) {
	b, err := NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewBundle()
	blob, err := SealManifest(b, mUser, 7, []byte(`{"v":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SealManifestAs(3, b, mUser, 1, nil); !errors.Is(err, ErrUnsupportedVersion) {
		t.Errorf("SealManifestAs(rule 3) = %v, want ErrUnsupportedVersion", err)
	}
	if old, err := SealManifestAs(ManifestAllRows, b, mUser, 7, []byte(`{"v":1}`)); err != nil || old[0] != ManifestAllRows {
		t.Errorf("SealManifestAs(ManifestAllRows) = %x, %v", old, err)
	} else if got, err := OpenManifest(b, mUser, 7, old); err != nil || string(got) != `{"v":1}` {
		t.Errorf("OpenManifest(0x01 blob) = %q, %v", got, err)
	}
	if _, err := SealManifest(nil, mUser, 1, nil); !errors.Is(err, ErrBadBundle) {
		t.Errorf("SealManifest(empty bundle) = %v, want ErrBadBundle", err)
	}
	if _, err := NewDigester(nil); !errors.Is(err, ErrBadBundle) {
		t.Errorf("NewDigester(empty bundle) = %v, want ErrBadBundle", err)
	}
	got, err := OpenManifest(b, mUser, 7, blob)
	if err != nil || !bytes.Equal(got, []byte(`{"v":1}`)) {
		t.Fatalf("OpenManifest = %q, %v; want round trip", got, err)
	}
	if blob[0] != ManifestLiveOnly {
		t.Errorf("SealManifest first byte = %#x, want %#x (live-only digest)", blob[0], ManifestLiveOnly)
	}
	flipped := bytes.Clone(blob)
	flipped[len(flipped)-1] ^= 1
	newer := bytes.Clone(blob)
	newer[0] = 3
	otherRule := bytes.Clone(blob)
	otherRule[0] = ManifestAllRows
	tests := []struct {
		name    string
		b       Bundle
		user    string
		version uint64
		blob    []byte
		want    error
	}{
		{"other version", b, mUser, 8, blob, ErrOpen},
		{"older version", b, mUser, 6, blob, ErrOpen},
		{"other user", b, mUser2, 7, blob, ErrOpen},
		{"other key", other, mUser, 7, blob, ErrOpen},
		{"flipped tag", b, mUser, 7, flipped, ErrOpen},
		{"truncated", b, mUser, 7, blob[:20], ErrOpen},
		{"empty", b, mUser, 7, nil, ErrOpen},
		{"newer format", b, mUser, 7, newer, ErrUnsupportedVersion},
		{"other digest rule", b, mUser, 7, otherRule, ErrOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := OpenManifest(tt.b, tt.user, tt.version, tt.blob); !errors.Is(err, tt.want) {
				t.Errorf("OpenManifest = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDigestIncremental(t *testing.T) {
	b, _ := NewBundle()
	d, err := NewDigester(b)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Wipe()
	ids := []string{
		"aaaaaaaa-2222-4333-8444-555555555555",
		"bbbbbbbb-2222-4333-8444-555555555555",
		"cccccccc-2222-4333-8444-555555555555",
	}
	entry := func(id string, rev uint64, del bool, blob string) Entry {
		e, err := d.Entry(id, rev, del, []byte(blob))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	// Full computation of the final state.
	var full Digest
	full.Add(entry(ids[0], 2, false, "a2"))
	full.Add(entry(ids[1], 1, false, "b1"))
	full.Add(entry(ids[2], 2, true, ""))
	// Incremental path, in another order, through intermediate states.
	var inc Digest
	inc.Add(entry(ids[2], 1, false, "c1"))
	inc.Add(entry(ids[0], 1, false, "a1"))
	inc.Add(entry(ids[1], 1, false, "b1"))
	inc.Sub(entry(ids[0], 1, false, "a1"))
	inc.Add(entry(ids[0], 2, false, "a2"))
	inc.Sub(entry(ids[2], 1, false, "c1"))
	inc.Add(entry(ids[2], 2, true, ""))
	if inc != full {
		t.Fatalf("incremental digest %x, want %x", inc, full)
	}
	// Every kind of tampering changes the digest.
	tampered := map[string]func(*Digest){
		"dropped note":     func(x *Digest) { x.Sub(entry(ids[1], 1, false, "b1")) },
		"rolled back":      func(x *Digest) { x.Sub(entry(ids[0], 2, false, "a2")); x.Add(entry(ids[0], 1, false, "a1")) },
		"replayed deleted": func(x *Digest) { x.Sub(entry(ids[2], 2, true, "")); x.Add(entry(ids[2], 1, false, "c1")) },
		"other blob":       func(x *Digest) { x.Sub(entry(ids[1], 1, false, "b1")); x.Add(entry(ids[1], 1, false, "a2")) },
	}
	for name, f := range tampered {
		t.Run(name, func(t *testing.T) {
			x := full
			f(&x)
			if x == full {
				t.Errorf("%s: digest unchanged", name)
			}
		})
	}
	// Sub undoes Add exactly, across carries.
	var z, max Digest
	for i := range max {
		max[i] = 0xff
	}
	z.Add(Entry(max))
	z.Sub(Entry(max))
	if z != (Digest{}) {
		t.Errorf("Add then Sub = %x, want zero", z)
	}
	other, _ := NewBundle()
	d2, _ := NewDigester(other)
	e1, _ := d.Entry(ids[0], 1, false, nil)
	e2, _ := d2.Entry(ids[0], 1, false, nil)
	if e1 == e2 {
		t.Error("entries under different keys are equal")
	}
}

func BenchmarkDigestEntry1KiB(b *testing.B) {
	bundle, _ := NewBundle()
	d, _ := NewDigester(bundle)
	blob := make([]byte, 1024+NoteHeaderSize+TagSize)
	b.SetBytes(int64(len(blob)))
	var x Digest
	for b.Loop() {
		e, _ := d.Entry("aaaaaaaa-2222-4333-8444-555555555555", 3, false, blob)
		x.Add(e)
	}
}

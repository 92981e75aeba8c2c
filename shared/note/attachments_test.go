package note

import (
	"errors"
	"strings"
	"testing"
)

func sampleAttachment() Attachment {
	return Attachment{ID: "0a1b2c3d-4e5f-4a6b-8c7d-000000000001", Name: "photo.png", Type: "image/png",
		Size: 65537, Chunks: 2, SHA256: strings.Repeat("ab", 32), Key: make([]byte, 32)}
}

func TestAttachmentsRoundTrip(t *testing.T) {
	n := sample()
	n.Attachments = []Attachment{sampleAttachment()}
	data, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"attachments":[{"id":"0a1b2c3d-4e5f-4a6b-8c7d-000000000001","name":"photo.png","type":"image/png","size":65537,"chunks":2,"sha256":"`) {
		t.Errorf("Marshal() = %s, want the attachments list of SPEC §11.3", data)
	}
	got, err := Unmarshal(data)
	if err != nil || !equal(got, n) {
		t.Fatalf("Unmarshal(Marshal()) = %+v, %v, want %+v", got, err, n)
	}
	if a, ok := got.FindAttachment(sampleAttachment().ID); !ok || a.Name != "photo.png" {
		t.Errorf("FindAttachment = %+v, %v", a, ok)
	}
	plain := sample()
	data, _ = plain.Marshal()
	if strings.Contains(string(data), "attachments") {
		t.Errorf("a note without attachments writes %s", data)
	}
}

func TestAttachmentsInvalid(t *testing.T) {
	mod := func(f func(a *Attachment)) []Attachment {
		a := sampleAttachment()
		f(&a)
		return []Attachment{a}
	}
	tests := []struct {
		name string
		list []Attachment
	}{
		{"upper-case id", mod(func(a *Attachment) { a.ID = strings.ToUpper(a.ID) })},
		{"empty name", mod(func(a *Attachment) { a.Name = "" })},
		{"long name", mod(func(a *Attachment) { a.Name = strings.Repeat("a", 256) })},
		{"name not UTF-8", mod(func(a *Attachment) { a.Name = "\xff" })},
		{"negative size", mod(func(a *Attachment) { a.Size = -1 })},
		{"wrong chunk count", mod(func(a *Attachment) { a.Chunks = 1 })},
		{"short key", mod(func(a *Attachment) { a.Key = a.Key[:31] })},
		{"upper-case hash", mod(func(a *Attachment) { a.SHA256 = strings.Repeat("AB", 32) })},
		{"duplicate id", []Attachment{sampleAttachment(), sampleAttachment()}},
		{"too many", make([]Attachment, 257)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := sample()
			n.Attachments = tt.list
			if _, err := n.Marshal(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Marshal() error = %v, want %v", err, ErrInvalid)
			}
		})
	}
}

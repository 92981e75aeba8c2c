package merge

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"cipherleaf.dev/shared/note"
)

func att(i int) note.Attachment {
	return note.Attachment{ID: fmt.Sprintf("0a1b2c3d-4e5f-4a6b-8c7d-%012d", i), Name: fmt.Sprint(i), Type: "text/plain",
		Size: 1, Chunks: 1, SHA256: fmt.Sprintf("%064d", i), Key: make([]byte, 32)}
}

func ids(list []note.Attachment) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Name)
	}
	return out
}

func TestNoteAttachments(t *testing.T) {
	at := func(list ...int) *note.Note {
		n := &note.Note{Title: "t", Body: "b", Created: time.Unix(0, 0).UTC(), Modified: time.Unix(1, 0).UTC()}
		for _, i := range list {
			n.Attachments = append(n.Attachments, att(i))
		}
		return n
	}
	tests := []struct {
		name               string
		base, ours, theirs *note.Note
		want               []string
	}{
		{"both attach at once: both kept", at(), at(1), at(2), []string{"1", "2"}},
		{"one detaches: removed", at(1, 2), at(1, 2), at(2), []string{"2"}},
		{"both keep", at(1), at(1), at(1), []string{"1"}},
		{"one detaches, other attaches", at(1), at(), at(1, 2), []string{"2"}},
		{"no base: union", nil, at(1), at(2), []string{"1", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := Note(tt.base, tt.ours, tt.theirs)
			if !ok {
				t.Fatal("Note() conflicted")
			}
			if got := ids(m.Attachments); !slices.Equal(got, tt.want) {
				t.Errorf("Note().Attachments = %v, want %v", got, tt.want)
			}
		})
	}
}

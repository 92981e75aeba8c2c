package fynelog

import (
	"bytes"
	"errors"
	"io"
	"log"
	"testing"

	"fyne.io/fyne/v2"
)

func TestFilter(t *testing.T) {
	tests := []struct {
		name string
		log  func()
		want []string // substrings that must appear, in order; nil: nothing at all
		deny []string
	}{
		{"preferences EOF at quit is dropped", func() { fyne.LogError("Preferences load error:", io.EOF) },
			nil, []string{"Preferences", "EOF", "At:"}},
		{"preferences with another cause is kept", func() { fyne.LogError("Preferences load error:", errors.New("permission denied")) },
			[]string{"Fyne error:  Preferences load error:", "Cause: permission denied", "At: "}, nil},
		{"other Fyne errors are kept", func() { fyne.LogError("window creation error", io.EOF) },
			[]string{"Fyne error:  window creation error", "Cause: EOF", "At: "}, nil},
		{"a line after a dropped message is kept", func() {
			fyne.LogError("Preferences load error:", io.EOF)
			log.Print("next")
		}, []string{"next"}, []string{"Preferences"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			prev, flags := log.Writer(), log.Flags()
			log.SetOutput(New(&out))
			log.SetFlags(0)
			t.Cleanup(func() { log.SetOutput(prev); log.SetFlags(flags) })
			tt.log()
			got := out.String()
			if tt.want == nil && got != "" {
				t.Fatalf("output = %q, want nothing", got)
			}
			rest := got
			for _, w := range tt.want {
				i := bytes.Index([]byte(rest), []byte(w))
				if i < 0 {
					t.Fatalf("output = %q, want %q (in order)", got, w)
				}
				rest = rest[i+len(w):]
			}
			for _, d := range tt.deny {
				if bytes.Contains([]byte(got), []byte(d)) {
					t.Errorf("output = %q, want no %q", got, d)
				}
			}
		})
	}
}

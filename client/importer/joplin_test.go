package importer

import (
	"archive/tar"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestJoplinFixture(t *testing.T) {
	var c collected
	if err := ReadJoplin(fixtures(t, "joplin", "03_10_2022.jex"), &c); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		title, notebook, tags, id, created string
		body                               []string
		links                              []string
		attachments                        []string // "name type md5" (md5 of the tar's resources/ file, checked with tar xO | md5sum)
	}{
		{"2. Importing and exporting notes", "Welcome! (Desktop)", "", "1026d571129b48ee9345e9775a9adc43", "2022-05-11T01:43:42.226Z",
			[]string{"# Importing and exporting notes\n\n## Importing from Evernote"}, nil, nil},
		{"Hello", "Welcome! (Desktop)", "joplin:todo", "134b97356411423bb758910cb8028c42", "2022-05-12T17:59:33.992Z",
			[]string{"- [ ] Hello\n\nNevermind", "| dvssvsa | svadsv |"}, nil, nil},
		{"5. Joplin Privacy Policy", "Welcome! (Desktop)", "", "6aa272273a794e4c885c36e86d9d145e", "", []string{"# Joplin Privacy Policy"}, nil, nil},
		{"4. Tips", "Welcome! (Desktop)", "", "866e20f8cd2e4155bea3c5aa1a3e7dd7", "",
			[]string{"![](attachment:import-0)", "](note:import-0)"}, []string{"joplin:eb2284ecfb564da6bf3e770381043d23"},
			[]string{"WebClipper.png image/png 69b66bba052257b3cb659c4a0505b5c7"}},
		{"1. Welcome to Joplin!", "Welcome! (Desktop)/helo", "hope,mine,welcome", "bb4137f438d24da090984da833424ece", "",
			[]string{"# Welcome to Joplin!", "](attachment:import-0)", "](attachment:import-1)"}, nil,
			[]string{"AllClients.png image/png 51b3c0a4d57227d2d9231fdcadce4701", "SubNotebooks.png image/png 7cb9e5f360d9a1666607a22c1f87f2e7"}},
		{"3. Synchronising your notes", "Welcome! (Desktop)", "notes,sync,welcome", "eb2284ecfb564da6bf3e770381043d23", "",
			[]string{"- [x] ehhehe\n- [ ] hehe", "](attachment:import-0)"}, nil,
			[]string{"print.pdf application/pdf b7e75d9657ca65846be6116a2f56c4d7"}},
	}
	if len(c.notes) != len(tests) || len(c.skipped) != 0 {
		t.Fatalf("%d notes, skipped %q; want %d", len(c.notes), c.skipped, len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			n, data := c.notes[i], c.data[i]
			if n.Title != tt.title || n.Notebook != tt.notebook || strings.Join(n.Tags, ",") != tt.tags || n.Source != "joplin:"+tt.id {
				t.Errorf("= %q in %q tags %q source %s", n.Title, n.Notebook, n.Tags, n.Source)
			}
			if tt.created != "" && n.Created.Format(time.RFC3339Nano) != tt.created {
				t.Errorf("created %v", n.Created)
			}
			rest := n.Body
			for _, s := range tt.body {
				j := strings.Index(rest, s)
				if j < 0 {
					t.Fatalf("body lacks %q:\n%s", s, n.Body)
				}
				rest = rest[j+len(s):]
			}
			if strings.Join(n.Links, ",") != strings.Join(tt.links, ",") {
				t.Errorf("links %q", n.Links)
			}
			if len(n.Attachments) != len(tt.attachments) {
				t.Fatalf("attachments %+v", n.Attachments)
			}
			for j, a := range n.Attachments {
				if got := a.Name + " " + a.Type + " " + md5hex(data[j]); got != tt.attachments[j] {
					t.Errorf("attachment %d = %s, want %s", j, got, tt.attachments[j])
				}
			}
			if strings.Contains(n.Body, "](:/") {
				t.Errorf("a :/id link is left: %s", n.Body)
			}
		})
	}
}

func writeTar(t *testing.T, entries map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.jex")
	f, _ := os.Create(p)
	tw := tar.NewWriter(f)
	for name, body := range entries {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	f.Close()
	return p
}

func TestJoplinCases(t *testing.T) {
	good := "T\n\nbody\n\nid: 0123456789abcdef0123456789abcdef\nparent_id: \ntype_: 1"
	tests := []struct {
		name    string
		path    func(t *testing.T) string
		refused string
		skipped int
	}{
		{"tar slip", func(t *testing.T) string { return writeTar(t, map[string]string{"../x.md": good}) }, "leaves the archive", 0},
		{"absolute", func(t *testing.T) string { return writeTar(t, map[string]string{"/x.md": good}) }, "absolute path", 0},
		{"not a tar", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "x.jex")
			os.WriteFile(p, []byte("hello, not a tar at all"), 0o600)
			return p
		}, "not a tar", 0},
		{"truncated", func(t *testing.T) string {
			p := writeTar(t, map[string]string{"a.md": good + strings.Repeat("\n", 2000)})
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:1024], 0o600)
			return p
		}, "truncated", 0},
		{"unknown item type", func(t *testing.T) string {
			return writeTar(t, map[string]string{"a.md": good, "b.md": "R\n\nid: 1123456789abcdef0123456789abcdef\ntype_: 13"})
		}, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collected
			err := ReadJoplin(tt.path(t), &c)
			if tt.refused != "" {
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.refused) || len(c.notes) != 0 {
					t.Fatalf("err %v notes %d, want refusal %q before any note", err, len(c.notes), tt.refused)
				}
				return
			}
			if err != nil || len(c.notes) != 1 || len(c.skipped) != tt.skipped {
				t.Fatalf("err %v notes %d skipped %q", err, len(c.notes), c.skipped)
			}
		})
	}
}

func FuzzJoplinRaw(f *testing.F) {
	f.Add("T\n\nbody [x](:/0123456789abcdef0123456789abcdef)\n\nid: 1123456789abcdef0123456789abcdef\ntype_: 1\nis_todo: 1")
	f.Add("\n\n\nid: x")
	f.Fuzz(func(t *testing.T, in string) {
		it := parseJoplinRaw("a.md", in)
		if it.meta == nil {
			t.Fatal("nil meta")
		}
	})
}

// FuzzArchive feeds arbitrary bytes to the zip and tar readers.
func FuzzArchive(f *testing.F) {
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte(strings.Repeat("\x00", 1024)))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := filepath.Join(t.TempDir(), "a")
		os.WriteFile(p, in, 0o600)
		tr, err := openTree(p)
		if err != nil {
			return
		}
		defer tr.Close()
		for _, name := range tr.names() {
			if strings.HasPrefix(name, "/") || strings.Contains("/"+name+"/", "/../") {
				t.Fatalf("unsafe name %q accepted", name)
			}
			_, _ = tr.read(name, 1<<20)
		}
	})
}

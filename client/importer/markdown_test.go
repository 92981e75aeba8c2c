package importer

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMarkdownFixture reads the Obsidian vault fixture note by note.
func TestMarkdownFixture(t *testing.T) {
	var c collected
	if err := ReadMarkdown(fixtures(t, "markdown", "obsidian-kepano"), &c); err != nil {
		t.Fatal(err)
	}
	const root = "markdown:obsidian-kepano/"
	tests := []struct {
		title, notebook, tags string
		links                 []string // Links, as sources
		body                  []string // substrings in order
		attachment            string   // name of the one attachment, if any
	}{
		{"Books", "obsidian-kepano/Categories", "categories", nil, []string{"tags:\n  - categories\n---\n", "![[Books.base]]"}, ""},
		{"Evergreen", "obsidian-kepano/Categories", "categories", nil, []string{"[[Composability|composable]]", "![[Evergreen.base]]"}, ""},
		{"Meetings", "obsidian-kepano/Categories", "categories", nil, []string{"![[Meetings.base]]"}, ""},
		{"In good hands", "obsidian-kepano/Clippings", "", []string{"References/Steph Ango.md"}, []string{`- "[Steph Ango](note:import-0)"`, "*being in good hands*"}, ""},
		{"2023-09-12", "obsidian-kepano/Daily", "", nil, []string{"## Notes", "![[Daily.base]]"}, ""},
		{"2023 Japan Trip", "obsidian-kepano/Notes", "", []string{"References/Kyoto.md"}, []string{`"[Kyoto](note:import-0)"`, `"[[Japan]]"`}, ""},
		{"2023-09-12 Meeting with Steph", "obsidian-kepano/Notes", "",
			[]string{"Categories/Meetings.md", "References/Obsidian.md", "References/Steph Ango.md", "References/Out of Control.md"},
			[]string{"Discussed the book [Out of Control](note:import-3) on the topic of [[Emergence]]"}, ""},
		{"Evergreen notes turn ideas into objects that you can manipulate", "obsidian-kepano/Notes", "0🌲",
			[]string{"References/Steph Ango.md", "Categories/Evergreen.md"}, []string{"Using [evergreen](note:import-1) notes", "- [[All input is error]]"}, ""},
		{"Minimal Theme", "obsidian-kepano/Notes", "", []string{"References/Obsidian.md"}, []string{"- [x] Color schemes\n- [x] E-ink mode\n- [x] Mobile support"}, ""},
		{"Fushimi Inari", "obsidian-kepano/References", "", []string{"References/Kyoto.md"}, nil, ""},
		{"Kevin Kelly", "obsidian-kepano/References", "", nil, []string{"![[Books.base#Author]]", "![[Podcast episodes.base#Guest]]"}, ""},
		{"Kyoto", "obsidian-kepano/References", "", nil, []string{"![[Trips.base"}, ""},
		{"Obsidian", "obsidian-kepano/References", "", nil, nil, ""},
		{"Out of Control", "obsidian-kepano/References", "", []string{"Categories/Books.md", "References/Kevin Kelly.md"},
			[]string{`"[Books](note:import-0)"`, `cover: "[out-of-control.jpg](attachment:import-0)"`, `"[Kevin Kelly](note:import-1)"`}, "out-of-control.jpg"},
		{"Steph Ango", "obsidian-kepano/References", "", []string{"References/Obsidian.md"}, nil, ""},
		{"Readme", "obsidian-kepano", "", nil, []string{"My personal [Obsidian](https://obsidian.md/) vault template."}, ""},
		{"Book Template", "obsidian-kepano/Templates", "to-read", []string{"Categories/Books.md"}, []string{"created: {{date}}"}, ""},
	}
	if len(c.notes) != len(tests) {
		var got []string
		for _, n := range c.notes {
			got = append(got, n.Title)
		}
		t.Fatalf("%d notes %q, want %d", len(c.notes), got, len(tests))
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			n, data := c.byTitle(t, tt.title)
			seen[tt.title] = true
			if n.Notebook != tt.notebook || strings.Join(n.Tags, ",") != tt.tags {
				t.Errorf("notebook %q tags %q, want %q %q", n.Notebook, n.Tags, tt.notebook, tt.tags)
			}
			var want []string
			for _, l := range tt.links {
				want = append(want, root+l)
			}
			if strings.Join(n.Links, "|") != strings.Join(want, "|") {
				t.Errorf("links %q, want %q", n.Links, want)
			}
			rest := n.Body
			for _, s := range tt.body {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Fatalf("body lacks %q (in order):\n%s", s, n.Body)
				}
				rest = rest[i+len(s):]
			}
			if tt.attachment == "" {
				if len(n.Attachments) != 0 {
					t.Errorf("attachments %+v", n.Attachments)
				}
				return
			}
			wantBytes, _ := os.ReadFile(filepath.Join(fixtures(t, "markdown", "obsidian-kepano", "Attachments"), tt.attachment))
			if len(n.Attachments) != 1 || n.Attachments[0].Name != tt.attachment || n.Attachments[0].Type != "image/jpeg" || string(data[0]) != string(wantBytes) {
				t.Errorf("attachments %+v (%d bytes), want %s", n.Attachments, len(data[0]), tt.attachment)
			}
		})
	}
	if len(c.skipped) != 9 {
		t.Errorf("skipped %q, want the 9 .base files", c.skipped)
	}
	for _, s := range c.skipped {
		if !strings.HasPrefix(s, "Templates/Bases/") || !strings.HasSuffix(s, ".base: Obsidian .base file, not a note") {
			t.Errorf("skipped %q", s)
		}
	}
}

func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "vault.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	f.Close()
	return p
}

func TestMarkdownCases(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		refused string
		check   func(t *testing.T, c *collected)
	}{
		{name: "zip with inline tags, embeds and a canvas", files: map[string]string{
			"a.md":      "# Head\nText #one and #two/sub, not #123 nor `#code`\n```\n#fenced\n```\n![[b.png]] ![alt](img/c.png) [[b#Part|see b]] [[missing]]\n",
			"b.md":      "---\ntags: x, y\n---\nB",
			"b.png":     "PNG",
			"img/c.png": "C",
			"x.canvas":  "{}",
			"loose.pdf": "%PDF",
		}, check: func(t *testing.T, c *collected) {
			a, data := c.byTitle(t, "a")
			if strings.Join(a.Tags, ",") != "one,two/sub" {
				t.Errorf("tags %q", a.Tags)
			}
			for _, s := range []string{"![](attachment:import-0)", "![alt](attachment:import-1)", "[see b](note:import-0)", "[[missing]]"} {
				if !strings.Contains(a.Body, s) {
					t.Errorf("body lacks %q: %s", s, a.Body)
				}
			}
			if len(data) != 2 || string(data[0]) != "PNG" || string(data[1]) != "C" || a.Notebook != "vault" {
				t.Errorf("attachments %q notebook %q", data, a.Notebook)
			}
			b, _ := c.byTitle(t, "b")
			if strings.Join(b.Tags, ",") != "x,y" {
				t.Errorf("b tags %q", b.Tags)
			}
			if got := strings.Join(c.skipped, ";"); !strings.Contains(got, "loose.pdf: no note embeds this file") || !strings.Contains(got, "x.canvas: Obsidian .canvas file") {
				t.Errorf("skipped %q", c.skipped)
			}
		}},
		{name: "zip slip", files: map[string]string{"../evil.md": "x"}, refused: "leaves the archive"},
		{name: "absolute path", files: map[string]string{"/etc/evil.md": "x"}, refused: "absolute path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collected
			err := ReadMarkdown(writeZip(t, tt.files), &c)
			if tt.refused != "" {
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.refused) || len(c.notes) != 0 {
					t.Fatalf("err %v, %d notes; want refusal %q before any note", err, len(c.notes), tt.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, &c)
		})
	}
}

func FuzzMarkdownNote(f *testing.F) {
	f.Add("---\ntags: [a, b]\n---\n#x [[y|z]] ![[p.png]] ![](q.png)")
	f.Add("---\ntags:\n  - a\ncreated: {{date}}\n---\n")
	f.Add("```\n#no\n```\n[[y#h]]")
	f.Fuzz(func(t *testing.T, text string) {
		tr := &tree{files: map[string]treeFile{
			"n.md":  {size: int64(len(text)), open: bytesOpener([]byte(text))},
			"y.md":  {open: bytesOpener(nil)},
			"p.png": {open: bytesOpener([]byte("p"))},
		}}
		m := &mdVault{t: tr, root: "r", byBase: map[string][]string{"y": {"y.md"}, "y.md": {"y.md"}, "p.png": {"p.png"}}, used: map[string]bool{}}
		n, err := m.note("n.md")
		if err != nil {
			return
		}
		for _, a := range n.Attachments {
			if a.Open == nil {
				t.Fatal("attachment without content")
			}
		}
		_ = n.Resolve(nil, nil)
	})
}

// TestZipBomb: an entry that unpacks to far more than it weighs is refused
// from the zip's directory, before any note is read.
func TestZipBomb(t *testing.T) {
	zip := writeZip(t, map[string]string{"a.md": "fine", "bomb.md": strings.Repeat("\x00", 8<<20)})
	for _, read := range []func(string, Sink) error{ReadMarkdown, ReadKeep, ReadJoplin} {
		var c collected
		err := read(zip, &c)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "zip bomb") || len(c.notes) != 0 {
			t.Errorf("err %v, %d notes; want a zip bomb refusal before any note", err, len(c.notes))
		}
	}
}

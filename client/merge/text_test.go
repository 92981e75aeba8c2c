package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var textTests = []struct {
	name               string
	base, ours, theirs string
	want               string
	wantOK             bool
}{
	{"all equal", "a\nb\n", "a\nb\n", "a\nb\n", "a\nb\n", true},
	{"ours unchanged", "a\nb\nc\n", "a\nb\nc\n", "a\nB\nc\n", "a\nB\nc\n", true},
	{"theirs unchanged", "a\nb\nc\n", "a\nB\nc\n", "a\nb\nc\n", "a\nB\nc\n", true},
	{"same edit both sides", "a\nb\nc\n", "a\nX\nc\n", "a\nX\nc\n", "a\nX\nc\n", true},
	{"same edit plus disjoint edit", "a\nb\nc\nd\ne\n", "a\nX\nc\nd\nE\n", "a\nX\nc\nd\ne\n", "a\nX\nc\nd\nE\n", true},
	{"disjoint start and end", "a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nD\n", "A\nb\nc\nD\n", true},
	{"disjoint middle", "a\nb\nc\nd\ne\nf\ng\n", "a\nB\nc\nd\ne\nf\ng\n", "a\nb\nc\nd\ne\nF\ng\n", "a\nB\nc\nd\ne\nF\ng\n", true},
	{"insert start, delete end", "a\nb\nc\n", "new\na\nb\nc\n", "a\nb\n", "new\na\nb\n", true},
	{"delete start, append end", "a\nb\nc\n", "b\nc\n", "a\nb\nc\nd\n", "b\nc\nd\n", true},
	{"both append same", "a\n", "a\nb\n", "a\nb\n", "a\nb\n", true},
	{"both append different", "a\n", "a\nb\n", "a\nc\n", "", false},
	{"both insert different at start", "a\nb\n", "x\na\nb\n", "y\na\nb\n", "", false},
	{"same line edited differently", "a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n", "", false},
	{"delete vs edit same line", "a\nb\nc\n", "a\nc\n", "a\nB\nc\n", "", false},
	{"edit vs delete same line", "a\nb\nc\n", "a\nB\nc\n", "a\nc\n", "", false},
	{"both delete same line", "a\nb\nc\n", "a\nc\n", "a\nc\n", "a\nc\n", true},
	{"adjacent lines edited", "a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n", "", false},
	{"insert next to edit", "a\nb\nc\n", "a\nnew\nb\nc\n", "a\nB\nc\n", "", false},
	{"empty base one side", "", "hello\n", "", "hello\n", true},
	{"empty base both same", "", "hello\n", "hello\n", "hello\n", true},
	{"empty base both different", "", "hello\n", "world\n", "", false},
	{"everything deleted on one side", "a\nb\n", "", "a\nb\n", "", true},
	{"crlf disjoint", "a\r\nb\r\nc\r\nd\r\n", "A\r\nb\r\nc\r\nd\r\n", "a\r\nb\r\nc\r\nD\r\n", "A\r\nb\r\nc\r\nD\r\n", true},
	{"crlf vs lf line ending change conflicts", "a\r\nb\r\n", "a\nb\r\n", "a\r\nB\r\n", "", false},
	{"no trailing newline disjoint", "a\nb\nc", "A\nb\nc", "a\nb\nC", "A\nb\nC", true},
	{"no trailing newline, add newline vs edit start", "a\nb\nc", "A\nb\nc", "a\nb\nc\n", "A\nb\nc\n", true},
	{"no trailing newline, both append", "a\nb", "a\nb\nc", "a\nb\nd", "", false},
	{"repeated lines", "x\nx\nx\nx\nx\n", "y\nx\nx\nx\nx\n", "x\nx\nx\nx\ny\n", "y\nx\nx\nx\ny\n", true},
	{"invalid utf-8", "a\n\xff\nc\nd\n", "A\n\xff\nc\nd\n", "a\n\xff\nc\n\xfe\n", "A\n\xff\nc\n\xfe\n", true},
}

func TestText(t *testing.T) {
	for _, tt := range textTests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Text(tt.base, tt.ours, tt.theirs)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Text(%q, %q, %q) = %q, %v, want %q, %v", tt.base, tt.ours, tt.theirs, got, ok, tt.want, tt.wantOK)
			}
			// A merge is symmetric in its two sides.
			got, ok = Text(tt.base, tt.theirs, tt.ours)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Text(%q, %q, %q) = %q, %v, want %q, %v", tt.base, tt.theirs, tt.ours, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestSplitLines(t *testing.T) {
	for _, s := range []string{"", "a", "a\n", "a\r\nb", "\n\n", "a\nb\n\nc"} {
		lines := splitLines(s)
		if strings.Join(lines, "") != s {
			t.Errorf("splitLines(%q) = %q, does not join back", s, lines)
		}
		for i, l := range lines {
			if i < len(lines)-1 && !strings.HasSuffix(l, "\n") {
				t.Errorf("splitLines(%q)[%d] = %q, want a newline at the end", s, i, l)
			}
		}
	}
}

// edit returns base with some lines deleted and some fresh, unique lines
// inserted, named after tag.
func edit(r *rand.Rand, base []string, tag string) []string {
	var out []string
	for i := 0; i <= len(base); i++ {
		if r.IntN(8) == 0 {
			for k := range 1 + r.IntN(2) {
				out = append(out, fmt.Sprintf("%s-%d-%d\n", tag, i, k))
			}
		}
		if i < len(base) && r.IntN(8) != 0 {
			out = append(out, base[i])
		}
	}
	return out
}

// TestTextProperty checks on random edits of texts with unique lines that
// a successful merge keeps every line added on either side, drops every
// line removed on either side, and keeps the order of both sides.
func TestTextProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	merged := 0
	for iter := range 3000 {
		var base []string
		for i := range r.IntN(30) {
			base = append(base, fmt.Sprintf("base-%d\n", i))
		}
		ours, theirs := edit(r, base, "ours"), edit(r, base, "theirs")
		b, o, th := strings.Join(base, ""), strings.Join(ours, ""), strings.Join(theirs, "")
		got, ok := Text(b, o, th)
		if !ok {
			continue
		}
		merged++
		m := splitLines(got)
		in := func(l string, s []string) bool { return slices.Contains(s, l) }
		for _, side := range [][]string{ours, theirs} {
			for _, l := range side {
				if !in(l, base) && !in(l, m) {
					t.Fatalf("#%d Text(%q, %q, %q) = %q: added line %q lost", iter, b, o, th, got, l)
				}
			}
			for _, l := range base {
				if !in(l, side) && in(l, m) {
					t.Fatalf("#%d Text(%q, %q, %q) = %q: removed line %q kept", iter, b, o, th, got, l)
				}
			}
			// The lines of m that come from this side or base keep that side's order.
			last := -1
			for _, l := range m {
				if k := slices.Index(side, l); k >= 0 {
					if k <= last {
						t.Fatalf("#%d Text(%q, %q, %q) = %q: order of %q broken", iter, b, o, th, got, side)
					}
					last = k
				}
			}
		}
		for _, l := range m {
			if !in(l, base) && !in(l, ours) && !in(l, theirs) {
				t.Fatalf("#%d Text(%q, %q, %q) = %q: line %q from nowhere", iter, b, o, th, got, l)
			}
		}
	}
	if merged < 300 {
		t.Errorf("only %d of 3000 random merges succeeded; the property was barely tested", merged)
	}
	t.Logf("%d of 3000 random merges succeeded", merged)
}

func FuzzText(f *testing.F) {
	for _, tt := range textTests {
		f.Add(tt.base, tt.ours, tt.theirs)
	}
	f.Fuzz(func(t *testing.T, base, x, y string) {
		if got, ok := Text(base, x, base); got != x || !ok {
			t.Errorf("Text(%q, %q, base) = %q, %v, want %q, true", base, x, got, ok, x)
		}
		if got, ok := Text(base, base, y); got != y || !ok {
			t.Errorf("Text(%q, base, %q) = %q, %v, want %q, true", base, y, got, ok, y)
		}
		if got, ok := Text(base, x, x); got != x || !ok {
			t.Errorf("Text(%q, %q, %q) = %q, %v, want %q, true", base, x, x, got, ok, x)
		}
		// The same without the shortcuts for unchanged sides: this walks
		// the diff and must rebuild each side exactly.
		if got, ok := merge3(base, x, base); got != x || !ok {
			t.Errorf("merge3(%q, %q, base) = %q, %v, want %q, true", base, x, got, ok, x)
		}
		if got, ok := merge3(base, base, y); got != y || !ok {
			t.Errorf("merge3(%q, base, %q) = %q, %v, want %q, true", base, y, got, ok, y)
		}
		if got, ok := merge3(base, x, x); got != x || !ok {
			t.Errorf("merge3(%q, %q, %q) = %q, %v, want %q, true", base, x, x, got, ok, x)
		}
		// Merging is symmetric in the two sides.
		m1, ok1 := Text(base, x, y)
		m2, ok2 := Text(base, y, x)
		if m1 != m2 || ok1 != ok2 {
			t.Errorf("Text(%q, %q, %q) = %q, %v but swapped = %q, %v", base, x, y, m1, ok1, m2, ok2)
		}
	})
}

// BenchmarkText64KiB merges two sets of scattered edits to a 64 KiB body.
func BenchmarkText64KiB(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var base []string
	n := 0
	for n < 64<<10 {
		l := fmt.Sprintf("line %d of the body, with some words to make it realistic %x\n", len(base), r.Uint32())
		base = append(base, l)
		n += len(l)
	}
	ours, theirs := slices.Clone(base), slices.Clone(base)
	for i := 0; i+25 < len(base); i += 50 {
		ours[i] = "ours changed this line\n"
		theirs[i+25] = "theirs changed this line\n"
	}
	bs, os, ts := strings.Join(base, ""), strings.Join(ours, ""), strings.Join(theirs, "")
	if _, ok := Text(bs, os, ts); !ok {
		b.Fatal("benchmark merge conflicts")
	}
	b.SetBytes(int64(len(bs)))
	for b.Loop() {
		Text(bs, os, ts)
	}
}

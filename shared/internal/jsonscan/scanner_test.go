package jsonscan

import (
	"encoding/json"
	"reflect"
	"testing"
)

// readers are the value readers, each with the Go type encoding/json
// decodes the same value into; a reader must take the whole input (and
// then agree with encoding/json) or decline.
var readers = []struct {
	name string
	read func(s *Scanner) (any, bool)
	mk   func() any // a pointer for json.Unmarshal
}{
	{"Plain", func(s *Scanner) (any, bool) { b, ok := s.Plain(); return string(b), ok }, func() any { return new(string) }},
	{"String", func(s *Scanner) (any, bool) { var v string; ok := s.String(&v); return v, ok }, func() any { return new(string) }},
	{"Uint", func(s *Scanner) (any, bool) { var v uint64; ok := s.Uint(&v); return v, ok }, func() any { return new(uint64) }},
	{"Bytes", func(s *Scanner) (any, bool) { var v []byte; ok := s.Bytes(&v); return v, ok }, func() any { return new([]byte) }},
	{"Bool", func(s *Scanner) (any, bool) { var v bool; ok := s.Bool(&v); return v, ok }, func() any { return new(bool) }},
	{"Tags", func(s *Scanner) (any, bool) {
		v := []string{}
		ok := s.Array(func() bool {
			v = append(v, "")
			return s.String(&v[len(v)-1])
		})
		return v, ok
	}, func() any { return new([]string) }},
	{"Object", func(s *Scanner) (any, bool) {
		v := map[string]uint64{}
		var seen Seen
		bits := map[string]Seen{"a": 1, "b": 2, "c": 4}
		ok := s.Object(func(key []byte) bool {
			bit, known := bits[string(key)]
			var n uint64
			ok := known && seen.Once(bit) && s.Uint(&n)
			v[string(key)] = n
			return ok
		})
		return v, ok
	}, func() any { return new(map[string]uint64) }},
}

// compareReaders checks, for each reader, that if it takes all of b the
// value is what encoding/json decodes from b.
func compareReaders(t *testing.T, b []byte) {
	t.Helper()
	for _, r := range readers {
		s := New(b)
		got, ok := r.read(&s)
		if !ok || !s.End() {
			continue
		}
		want := r.mk()
		if err := json.Unmarshal(b, want); err != nil {
			t.Fatalf("%s(%q) = %#v, true; encoding/json: %v", r.name, b, got, err)
		}
		if w := reflect.ValueOf(want).Elem().Interface(); !reflect.DeepEqual(got, w) {
			t.Fatalf("%s(%q) = %#v, want %#v as encoding/json", r.name, b, got, w)
		}
	}
}

// cases are inputs with what each reader that takes them must say
// (checked against encoding/json by compareReaders), and which readers
// take them.
var cases = []struct {
	in    string
	takes []string
}{
	{`"abc"`, []string{"Plain", "String"}},
	{` "a b:c" `, []string{"Plain", "String"}},
	{`""`, []string{"Plain", "String", "Bytes"}},
	{`"aGVsbG8="`, []string{"Plain", "String", "Bytes"}},
	{`"aGVsbG8"`, []string{"Plain", "String"}},
	{`null`, []string{"Bytes"}},
	{`"a\"b"`, []string{"String"}},
	{`"caf\u00e9 \ud83d\ude00 \ud800 \n\\\/"`, []string{"String"}},
	{"\"caf\xc3\xa9\"", []string{"String"}},
	{"\"bad \xff\"", []string{"String"}},
	{`"\'"`, nil},
	{`"\u12"`, nil},
	{"\"tab\there\"", nil},
	{`"open`, nil},
	{`0`, []string{"Uint"}},
	{`18446744073709551615`, []string{"Uint"}},
	{`18446744073709551616`, nil},
	{`01`, nil},
	{`-1`, nil},
	{`1.5`, nil},
	{`1e3`, nil},
	{`true`, []string{"Bool"}},
	{` false`, []string{"Bool"}},
	{`TRUE`, nil},
	{`truex`, nil},
	{`[]`, []string{"Tags"}},
	{`[ "a" , "b\n" ]`, []string{"Tags"}},
	{`["a",]`, nil},
	{`[,]`, nil},
	{`{}`, []string{"Object"}},
	{`{"a":1, "c" : 3}`, []string{"Object"}},
	{`{"a":1,"a":2}`, nil},
	{`{"A":1}`, nil},
	{`{"\u0061":1}`, nil},
	{`{"a":1,}`, nil},
	{`{"a" 1}`, nil},
	{``, nil},
}

func TestReaders(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			for _, r := range readers {
				s := New([]byte(tc.in))
				got, ok := r.read(&s)
				took := ok && s.End()
				want := false
				for _, n := range tc.takes {
					want = want || n == r.name
				}
				if took != want {
					t.Errorf("%s(%q) = %#v, took %v, want %v", r.name, tc.in, got, took, want)
				}
			}
			compareReaders(t, []byte(tc.in))
		})
	}
}

// TestLiteral: Literal returns the literal as found, quotes and escapes
// included, and leaves the scanner after it.
func TestLiteral(t *testing.T) {
	for _, tc := range []struct{ in, lit, rest string }{
		{` "a\"b\u00e9" , 1`, `"a\"b\u00e9"`, ` , 1`},
		{`"x"`, `"x"`, ``},
	} {
		s := New([]byte(tc.in))
		lit, ok := s.Literal()
		if !ok || string(lit) != tc.lit || string(s.b[s.i:]) != tc.rest {
			t.Errorf("Literal(%q) = %q, %v, rest %q; want %q, rest %q", tc.in, lit, ok, s.b[s.i:], tc.lit, tc.rest)
		}
	}
}

// TestUnquote: Unquote decodes literals as encoding/json does, and
// declines what is not a literal.
func TestUnquote(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{`"plain"`, "plain", true},
		{`"\n\"\\\/\b\f\r\t"`, "\n\"\\/\b\f\r\t", true},
		{`"\u00e9\ud83d\ude00"`, "é😀", true},
		{`"\ud800x"`, "\ufffdx", true},
		{"\"\xff\"", "\ufffd", true},
		{`"\x"`, "", false},
		{`plain`, "", false},
		{`"`, "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := Unquote([]byte(tc.in))
			if got != tc.want || ok != tc.ok {
				t.Errorf("Unquote(%q) = %q, %v, want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// FuzzReaders: on any input each reader either declines or decodes what
// encoding/json decodes; Unquote of any literal Literal takes agrees with
// encoding/json too.
func FuzzReaders(f *testing.F) {
	for _, tc := range cases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		compareReaders(t, b)
		s := New(b)
		if lit, ok := s.Literal(); ok && s.End() {
			var want string
			if err := json.Unmarshal(lit, &want); err != nil {
				t.Fatalf("Literal(%q) took it; encoding/json: %v", b, err)
			}
			if got, ok := Unquote(lit); !ok || got != want {
				t.Fatalf("Unquote(%q) = %q, %v, want %q", lit, got, ok, want)
			}
		}
	})
}

// FuzzIsPlain: isPlain's eight bytes at a time agree with the plain table
// byte by byte.
func FuzzIsPlain(f *testing.F) {
	for _, s := range []string{"", "plain text here", "with \"quote\" inside", `back\slash`, "tab\tand\x7f", "caf\xc3\xa9 au lait", "\x1f0123456789", "0123456~\x7f"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := true
		for _, c := range b {
			want = want && plain[c]
		}
		if got := isPlain(b); got != want {
			t.Errorf("isPlain(%q) = %v, want %v", b, got, want)
		}
	})
}

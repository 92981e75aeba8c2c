package note

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fastSeeds are payloads for FuzzUnmarshalFast: what Marshal writes and
// near misses of it.
func fastSeeds() []string {
	seeds := []string{
		`{"v":1,"title":"t","body":"b","tags":[],"created":"0001-01-01T00:00:00Z","modified":"0001-01-01T00:00:00Z"}`,
		` { "v" : 1 , "tags" : [ "a" , "b" ] } `, `{"v":1,"tags":["a",]}`, `{"v":1,"tags":null}`, `{"v":1,"title":null}`,
		`{"v":1,"title":"a","title":"b"}`, `{"v":1,"Title":"x"}`, `{"v":1,"t\u0069tle":"x"}`, `{"v":01}`, `{"v":1.0}`,
		`{"v":1e0}`, `{"v":-1}`, `{"v":0}`, `{"v":2}`, `{"v":1,"body":"caf\u00e9 \ud83d\ude00 \ud800 \n\"\\"}`,
		"{\"v\":1,\"body\":\"bad \xff utf8\"}", "{\"v\":1,\"body\":\"raw\ttab\"}", `{"v":1,"created":"not a time"}`,
		`{"v":1,"trashed_at":"2026-11-24T10:00:00+02:00","kind":"notebook","notebook":"0a1b2c3d-4e5f-4a6b-8c7d-000000000001"}`,
		`{"v":1,"attachments":[]}`, `{"v":1,"color":"#ff0"}`, `{"v":1}x`, `{"v":1,}`, `{}`, `null`, ``, `{"v":1,"tags":["` + strings.Repeat("x", 200) + `"]}`,
		`{"v":1,"device":"Laptop","source":"enex:a.enex#3","conflict_of":"0a1b2c3d-4e5f-4a6b-8c7d-000000000001"}`,
		`{"v":1,"title":"\`, `{"v":1,"title":"a\\"}`, `{"v":1,"body":"\'x"}`, `{"v":1,"body":"\u12"}`,
	}
	for _, n := range []*Note{sample(), {}, {Title: "x", Kind: KindNotebook, TrashedAt: time.Unix(1e9, 1), Device: "d", Source: "s"}} {
		data, _ := n.Marshal()
		seeds = append(seeds, string(data))
	}
	return seeds
}

func TestUnmarshalFastTakesMarshalled(t *testing.T) {
	long := strings.Repeat("lorem \"ipsum\"\n\\ é ", 100)
	for name, n := range map[string]*Note{
		"sample":   sample(),
		"empty":    {},
		"long":     {Title: "t", Body: long, Tags: []string{"a", "b"}},
		"notebook": {Title: "Work", Kind: KindNotebook, Notebook: "0a1b2c3d-4e5f-4a6b-8c7d-000000000001", TrashedAt: time.Unix(2e9, 3), Device: "Laptop"},
		"copy":     {Title: "t", ConflictOf: "0a1b2c3d-4e5f-4a6b-8c7d-000000000001", Source: "enex:x#1"},
	} {
		t.Run(name, func(t *testing.T) {
			data, err := n.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, ok := unmarshalFast(data)
			if !ok {
				t.Fatalf("unmarshalFast(%q) declined", data)
			}
			want, err := unmarshalJSON(data)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("unmarshalFast(%q) = %+v, want %+v (%v)", data, got, want, err)
			}
		})
	}
}

func TestUnmarshalFastDeclines(t *testing.T) {
	for _, s := range []string{
		`{"v":1,"title":"a","title":"b"}`, `{"v":1,"tags":null}`, `{"v":1,"Title":"x"}`, `{"v":1,"t\u0069tle":"x"}`,
		`{"v":2}`, `{"v":0}`, `{"v":01}`, `{"v":1.0}`, `{"v":1,"attachments":[]}`, `{"v":1,"color":"#ff0"}`,
		`{"title":"no version"}`, `{"v":1}x`, `{"v":1,}`, `null`, ``, `{"v":1,"created":"not a time"}`,
		"{\"v\":1,\"body\":\"raw\ttab\"}", `{"v":1,"title":"\`, `{"v":1,"body":"\'x"}`, `{"v":1,"body":"\u12"}`,
	} {
		t.Run(s, func(t *testing.T) {
			if n, ok := unmarshalFast([]byte(s)); ok {
				t.Fatalf("unmarshalFast(%q) = %+v, want declined", s, n)
			}
		})
	}
}

// FuzzUnmarshalFast: whatever unmarshalFast takes, encoding/json decodes
// to the same note; and Unmarshal always answers as unmarshalJSON does.
func FuzzUnmarshalFast(f *testing.F) {
	for _, s := range fastSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := unmarshalJSON(data)
		got, gerr := Unmarshal(data)
		if (gerr == nil) != (werr == nil) || errors.Is(gerr, ErrNewerVersion) != errors.Is(werr, ErrNewerVersion) ||
			gerr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("Unmarshal(%q) = %+v, %v; encoding/json = %+v, %v", data, got, gerr, want, werr)
		}
		// What the fast path takes, encoding/json decodes: the only error
		// left is the same broken rule of SPEC §5.2 on the same note.
		if _, ok := unmarshalFast(data); ok && werr != nil && gerr.Error() != werr.Error() {
			t.Fatalf("unmarshalFast took %q: Unmarshal error %v, encoding/json %v", data, gerr, werr)
		}
	})
}

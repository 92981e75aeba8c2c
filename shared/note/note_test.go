package note

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func sample() *Note {
	return &Note{
		Title:    "Groceries",
		Body:     "- milk\n- eggs",
		Tags:     []string{"home", "list"},
		Created:  time.Date(2026, 11, 24, 10, 0, 0, 123456789, time.UTC),
		Modified: time.Date(2026, 11, 24, 10, 5, 0, 0, time.UTC),
	}
}

// equal compares two notes as the payload defines them: times as instants,
// nil and empty tags alike, extra fields by value.
func equal(a, b *Note) bool {
	if a.Title != b.Title || a.Body != b.Body || a.ConflictOf != b.ConflictOf ||
		!a.Created.Equal(b.Created) || !a.Modified.Equal(b.Modified) ||
		len(a.Tags) != len(b.Tags) || (len(a.Tags) > 0 && !slices.Equal(a.Tags, b.Tags)) ||
		len(a.extra) != len(b.extra) || !reflect.DeepEqual(a.Attachments, b.Attachments) ||
		a.Kind != b.Kind || a.Notebook != b.Notebook || !a.TrashedAt.Equal(b.TrashedAt) || a.Device != b.Device || a.TrashDays != b.TrashDays {
		return false
	}
	for k, v := range a.extra {
		if !jsonEqual(v, b.extra[k]) {
			return false
		}
	}
	return true
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

func TestRoundTrip(t *testing.T) {
	conflicted := sample()
	conflicted.ConflictOf = "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"
	local := sample()
	local.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		n    *Note
	}{
		{"full", sample()},
		{"empty", &Note{}},
		{"conflicted copy", conflicted},
		{"non-UTC time", local},
		{"unicode", &Note{Title: "Före ✓ 密码", Body: "<script>&amp;\u2028", Tags: []string{"ü"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.n.Marshal()
			if err != nil {
				t.Fatalf("Marshal(%+v) error = %v", tt.n, err)
			}
			got, err := Unmarshal(data)
			if err != nil || !equal(got, tt.n) {
				t.Errorf("Unmarshal(%s) = %+v, %v, want %+v", data, got, err, tt.n)
			}
			if got != nil && got.Created.Location() != time.UTC {
				t.Errorf("Unmarshal(%s).Created = %v, want UTC", data, got.Created)
			}
		})
	}
}

func TestMarshalWireFormat(t *testing.T) {
	data, err := sample().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"title":"Groceries","body":"- milk\n- eggs","tags":["home","list"],"created":"2026-11-24T10:00:00.123456789Z","modified":"2026-11-24T10:05:00Z"}`
	if string(data) != want {
		t.Errorf("Marshal() = %s, want %s", data, want)
	}
	empty, _ := (&Note{}).Marshal()
	if !strings.Contains(string(empty), `"tags":[]`) {
		t.Errorf("Marshal(empty) = %s, want tags as []", empty)
	}
}

func TestUnknownFieldsPreserved(t *testing.T) {
	in := `{"v":1,"title":"t","body":"b","tags":[],"created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z",` +
		`"color":"#ff0","pinned":true,"stickers":[{"id":1,"name":"a.png"}],"Title":"not the title"}`
	n, err := Unmarshal([]byte(in))
	if err != nil {
		t.Fatalf("Unmarshal(%s) error = %v", in, err)
	}
	if n.Title != "t" {
		t.Errorf("Unmarshal(%s).Title = %q, want %q (field names are case-sensitive)", in, n.Title, "t")
	}
	n.Body = "edited"
	out, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"color": `"#ff0"`, "pinned": `true`,
		"stickers": `[{"id":1,"name":"a.png"}]`, "Title": `"not the title"`, "body": `"edited"`, "title": `"t"`} {
		if !jsonEqual(m[k], []byte(want)) {
			t.Errorf("Marshal() field %q = %s, want %s", k, m[k], want)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	long := strings.Repeat("x", MaxTitleBytes+1)
	manyTags, _ := json.Marshal(slices.Repeat([]string{"t"}, MaxTags+1))
	tests := []struct {
		name, in string
		want     error
	}{
		{"newer version", `{"v":2,"title":"t"}`, ErrNewerVersion},
		{"newer version with other shapes", `{"v":2,"title":{"rich":true},"tags":"x"}`, ErrNewerVersion},
		{"version zero", `{"v":0}`, ErrInvalid},
		{"version missing", `{"title":"t"}`, ErrInvalid},
		{"version upper-case key", `{"V":1}`, ErrInvalid},
		{"version string", `{"v":"1"}`, ErrInvalid},
		{"version fraction", `{"v":1.5}`, ErrInvalid},
		{"not json", `{"v":1`, ErrInvalid},
		{"null", `null`, ErrInvalid},
		{"array", `[1]`, ErrInvalid},
		{"empty", ``, ErrInvalid},
		{"title wrong type", `{"v":1,"title":5}`, ErrInvalid},
		{"tags wrong type", `{"v":1,"tags":"a"}`, ErrInvalid},
		{"bad time", `{"v":1,"created":"yesterday"}`, ErrInvalid},
		{"time before year 0 in UTC", `{"v":1,"created":"0000-01-01T00:00:00+01:00"}`, ErrInvalid},
		{"title too long", `{"v":1,"title":"` + long + `"}`, ErrInvalid},
		{"tag too long", `{"v":1,"tags":["` + strings.Repeat("t", MaxTagBytes+1) + `"]}`, ErrInvalid},
		{"empty tag", `{"v":1,"tags":[""]}`, ErrInvalid},
		{"too many tags", `{"v":1,"tags":` + string(manyTags) + `}`, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, err := Unmarshal([]byte(tt.in)); !errors.Is(err, tt.want) {
				t.Errorf("Unmarshal(%.60q) = %+v, %v, want %v", tt.in, n, err, tt.want)
			}
		})
	}
}

func TestLimitsAccepted(t *testing.T) {
	n := &Note{Title: strings.Repeat("é", MaxTitleBytes/2), Tags: slices.Repeat([]string{strings.Repeat("t", MaxTagBytes)}, MaxTags)}
	data, err := n.Marshal()
	if err != nil {
		t.Fatalf("Marshal(at the limits) error = %v", err)
	}
	if _, err := Unmarshal(data); err != nil {
		t.Errorf("Unmarshal(at the limits) error = %v", err)
	}
}

func TestMarshalValidates(t *testing.T) {
	tests := []struct {
		name string
		n    *Note
	}{
		{"title too long", &Note{Title: strings.Repeat("x", MaxTitleBytes+1)}},
		{"empty tag", &Note{Tags: []string{""}}},
		{"invalid UTF-8 title", &Note{Title: "\xff"}},
		{"invalid UTF-8 tag", &Note{Tags: []string{"\xff"}}},
		{"invalid UTF-8 conflict_of", &Note{ConflictOf: "\xff"}},
		{"year 10000", &Note{Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"negative year in UTC", &Note{Modified: time.Date(0, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if data, err := tt.n.Marshal(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Marshal(%+v) = %s, %v, want %v", tt.n, data, err, ErrInvalid)
			}
		})
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, n := range []*Note{sample(), {}} {
		data, _ := n.Marshal()
		f.Add(data)
	}
	for _, s := range []string{
		`{"v":1,"title":"t","color":"#ff0","Title":"x","nested":{"a":[1,2,{"b":null}]}}`,
		`{"v":2,"title":{"rich":true}}`, `{"v":1,"created":"0000-01-01T00:00:00+01:00"}`,
		`{"v":1,"tags":null,"title":null}`, `{"v":1,"attachments":[]}`, `{"v":1,"attachments":null}`,
		`{"v":1,"attachments":[{"id":"0a1b2c3d-4e5f-4a6b-8c7d-000000000001","name":"a.png","type":"image/png","size":65537,"chunks":2,"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","key":"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="}]}`, `{"v":1,"title":"a","title":"b"}`, `null`,
		`{"v":1,"kind":"notebook","title":"Work","notebook":"0a1b2c3d-4e5f-4a6b-8c7d-000000000001"}`,
		`{"v":1,"trashed_at":"2026-11-24T10:00:00+02:00"}`, `{"v":1,"trashed_at":"0001-01-01T00:00:00Z","kind":"note"}`,
		`{"v":1,"notebook":"NOT-AN-ID"}`, `{"v":1,"kind":"folder"}`, `{"v":1`, ``,
		`{"v":1,"device":"Laptop"}`, `{"v":1,"device":7}`,
		`{"v":1,"kind":"settings","trash_days":7}`, `{"v":1,"kind":"settings","trash_days":-3}`,
		`{"v":1,"kind":"settings","trash_days":7.5}`, `{"v":1,"trash_days":"7"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Unmarshal(data)
		if err != nil {
			return
		}
		out, err := n.Marshal()
		if err != nil {
			t.Fatalf("Unmarshal(%q) = %+v, but Marshal() error = %v", data, n, err)
		}
		again, err := Unmarshal(out)
		if err != nil || !equal(again, n) {
			t.Fatalf("Unmarshal(Marshal(Unmarshal(%q))) = %+v, %v, want %+v", data, again, err, n)
		}
	})
}

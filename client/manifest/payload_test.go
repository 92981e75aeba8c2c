package manifest

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const (
	devA  = "11111111-1111-4111-8111-111111111111"
	devB  = "22222222-2222-4222-8222-222222222222"
	hashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	hashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	zeros = "0000000000000000000000000000000000000000000000000000000000000000"
)

var goodPayloads = []string{
	`{"v":1,"version":1,"prev":"","count":0,"digest":"` + zeros + `","writer":"` + devA + `","heads":{"` + devA + `":{"version":1,"prev":""}}}`,
	`{"v":1,"version":7,"prev":"` + hashA + `","count":1234,"digest":"` + hashB + `","writer":"` + devB + `","heads":{"` + devA + `":{"version":1,"prev":""},"` + devB + `":{"version":7,"prev":"` + hashA + `"}}}`,
}

func TestPayloadRoundTrip(t *testing.T) {
	for _, in := range goodPayloads {
		p, err := UnmarshalPayload([]byte(in))
		if err != nil {
			t.Fatalf("UnmarshalPayload(%q) = %v", in, err)
		}
		out, err := p.Marshal()
		if err != nil {
			t.Fatalf("Marshal = %v", err)
		}
		q, err := UnmarshalPayload(out)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip of %q = %+v, %v; want %+v", in, q, err, p)
		}
	}
}

func TestPayloadRejects(t *testing.T) {
	g := goodPayloads[1]
	tests := map[string]string{
		"empty":              ``,
		"not an object":      `[]`,
		"trailing data":      g + `{}`,
		"unknown field":      strings.Replace(g, `"v":1,`, `"v":1,"x":0,`, 1),
		"Version in caps":    strings.Replace(g, `"version":7,"prev"`, `"Version":7,"prev"`, 1),
		"no v":               strings.Replace(g, `"v":1,`, ``, 1),
		"v 2":                strings.Replace(g, `"v":1,`, `"v":2,`, 1),
		"version 0":          strings.Replace(g, `"version":7,"prev"`, `"version":0,"prev"`, 1),
		"short digest":       strings.Replace(g, hashB, hashB[2:], 1),
		"upper-case digest":  strings.Replace(g, hashB, strings.ToUpper(hashB), 1),
		"no prev":            strings.Replace(g, `"prev":"`+hashA+`","count"`, `"prev":"","count"`, 1),
		"bad writer":         strings.Replace(g, `"writer":"`+devB, `"writer":"`+devB[:35], 1),
		"duplicate key":      strings.Replace(g, `"v":1,`, `"v":1,"v":1,`, 1),
		"Prev in a head":     strings.Replace(g, `{"version":1,"prev":""}`, `{"version":1,"Prev":""}`, 1),
		"duplicate head":     strings.Replace(g, `"`+devA+`":{"version":1,"prev":""}`, `"`+devA+`":{"version":1,"prev":""},"`+devA+`":{"version":1,"prev":""}`, 1),
		"writer has no head": strings.Replace(g, `"`+devB+`":{"version":7`, `"`+devB+`":{"version":6`, 1),
		"head from future":   strings.Replace(g, `"`+devA+`":{"version":1,"prev":""}`, `"`+devA+`":{"version":9,"prev":"`+hashA+`"}`, 1),
		"head version 0":     strings.Replace(g, `"`+devA+`":{"version":1,"prev":""}`, `"`+devA+`":{"version":0,"prev":""}`, 1),
		"bad head id":        strings.Replace(g, `"`+devA+`":{`, `"x":{`, 1),
		"version 1 prev":     strings.Replace(goodPayloads[0], `"prev":"","count"`, `"prev":"`+hashA+`","count"`, 1),
		"negative count":     strings.Replace(g, `"count":1234`, `"count":-1`, 1),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := UnmarshalPayload([]byte(in)); !errors.Is(err, ErrBadPayload) {
				t.Fatalf("UnmarshalPayload(%q) = %v, want ErrBadPayload", in, err)
			}
		})
	}
}

func FuzzUnmarshalPayload(f *testing.F) {
	for _, s := range goodPayloads {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"v":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := UnmarshalPayload(data)
		if err != nil {
			return
		}
		out, err := p.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a decoded payload = %v", err)
		}
		q, err := UnmarshalPayload(out)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("decode→encode→decode = %+v, %v; want %+v", q, err, p)
		}
	})
}

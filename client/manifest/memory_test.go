package manifest

import (
	"errors"
	"reflect"
	"testing"
)

func TestMemoryRoundTrip(t *testing.T) {
	for _, m := range []Memory{
		{},
		{HighestVersion: 9, HighestHash: [32]byte{1}, LastWrite: &Head{7, hashA}, Pending: []Head{{10, hashB}}, Digest: [32]byte{2}, Count: 3},
	} {
		data, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got Memory
		if err := got.UnmarshalBinary(data); err != nil || !reflect.DeepEqual(got, m) {
			t.Fatalf("UnmarshalBinary(%s) = %+v, %v; want %+v", data, got, err, m)
		}
	}
}

func TestMemoryPending(t *testing.T) {
	h1, h2 := Head{3, hashA}, Head{3, hashB}
	m := Memory{}.WithPending(h1).WithPending(h2)
	if got := m.WithoutPending(h1).Pending; !reflect.DeepEqual(got, []Head{h2}) {
		t.Fatalf("WithoutPending = %v, want [%v]", got, h2)
	}
	if len(m.Pending) != 2 {
		t.Fatalf("WithoutPending changed its receiver: %v", m.Pending)
	}
}

func FuzzMemoryUnmarshal(f *testing.F) {
	m := Memory{HighestVersion: 9, LastWrite: &Head{7, hashA}, Pending: []Head{{10, hashB}}}
	data, _ := m.MarshalBinary()
	f.Add(data)
	data, _ = Memory{}.MarshalBinary()
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Memory
		if err := m.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrBadMemory) {
				t.Fatalf("UnmarshalBinary = %v, want ErrBadMemory", err)
			}
			return
		}
		out, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var q Memory
		if err := q.UnmarshalBinary(out); err != nil || !reflect.DeepEqual(m, q) {
			t.Fatalf("round trip = %+v, %v; want %+v", q, err, m)
		}
	})
}

package events

import (
	"errors"
	"sync"
	"testing"
)

func TestHub(t *testing.T) {
	h := NewHub()
	a, stopA, err := h.Subscribe(1)
	if err != nil {
		t.Fatal(err)
	}
	b, stopB, _ := h.Subscribe(1)
	other, stopO, _ := h.Subscribe(2)
	defer stopO()

	h.Publish(1, 3)
	h.Publish(1, 5)
	h.Publish(1, 4) // older than published: dropped
	for name, ch := range map[string]<-chan uint64{"a": a, "b": b} {
		if got := <-ch; got != 5 {
			t.Errorf("subscriber %s read %d, want the newest 5", name, got)
		}
	}
	select {
	case s := <-other:
		t.Errorf("another account's subscriber got %d", s)
	default:
	}
	stopA()
	stopA() // twice is safe
	h.Publish(1, 6)
	if got := <-b; got != 6 {
		t.Errorf("b read %d, want 6", got)
	}
	stopB()
	if n := h.Streams(); n != 1 {
		t.Errorf("Streams = %d, want 1", n)
	}
}

func TestHubLimit(t *testing.T) {
	h := NewHub()
	var stops []func()
	for range MaxStreams {
		_, stop, err := h.Subscribe(7)
		if err != nil {
			t.Fatal(err)
		}
		stops = append(stops, stop)
	}
	if _, _, err := h.Subscribe(7); !errors.Is(err, ErrTooManyStreams) {
		t.Errorf("Subscribe beyond MaxStreams = %v, want ErrTooManyStreams", err)
	}
	stops[0]()
	if _, _, err := h.Subscribe(7); err != nil {
		t.Errorf("Subscribe after one ended = %v", err)
	}
}

func TestHubConcurrent(t *testing.T) {
	h := NewHub()
	ch, stop, _ := h.Subscribe(1)
	defer stop()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for s := range 100 {
				h.Publish(1, uint64(i*100+s+1))
			}
		})
	}
	wg.Wait()
	if got := <-ch; got != 800 {
		t.Errorf("after concurrent publishing read %d, want the newest 800", got)
	}
}

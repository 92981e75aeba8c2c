package core

import "sync"

// dispatcher delivers events to subscribers from its own goroutine, in
// order, so that publishers never block and never hold a lock while a
// subscriber runs.
type dispatcher struct {
	mu     sync.Mutex
	subs   map[int]func(Event)
	next   int
	queue  []Event
	wake   chan struct{}
	quit   chan struct{}
	closed bool
}

func newDispatcher() *dispatcher {
	d := &dispatcher{subs: map[int]func(Event){}, wake: make(chan struct{}, 1), quit: make(chan struct{})}
	go d.loop()
	return d
}

func (d *dispatcher) subscribe(fn func(Event)) func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := d.next
	d.next++
	d.subs[id] = fn
	return func() {
		d.mu.Lock()
		delete(d.subs, id)
		d.mu.Unlock()
	}
}

func (d *dispatcher) publish(e Event) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.queue = append(d.queue, e)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) close() {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.quit)
	}
	d.mu.Unlock()
}

func (d *dispatcher) loop() {
	for {
		select {
		case <-d.quit:
			return
		case <-d.wake:
		}
		for {
			d.mu.Lock()
			if len(d.queue) == 0 || d.closed {
				d.mu.Unlock()
				break
			}
			e := d.queue[0]
			d.queue = d.queue[1:]
			fns := make([]func(Event), 0, len(d.subs))
			for _, fn := range d.subs {
				fns = append(fns, fn)
			}
			d.mu.Unlock()
			for _, fn := range fns {
				fn(e)
			}
		}
	}
}

// Subscribe registers fn for events; fn runs on a background goroutine.
func (c *Core) Subscribe(fn func(Event)) (cancel func()) { return c.events.subscribe(fn) }

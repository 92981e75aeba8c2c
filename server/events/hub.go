// Package events carries live-push pokes (SPEC §7.10): whenever an
// account's notes change, every event stream open for that account learns
// the account's latest sequence number. Hub does it inside one process;
// store/postgres relays pokes between replicas through LISTEN/NOTIFY.
package events

import (
	"errors"
	"sync"
)

// ErrTooManyStreams: the account already has MaxStreams streams open here.
var ErrTooManyStreams = errors.New("too many event streams for this account")

// MaxStreams bounds the streams one account may hold open on one replica.
const MaxStreams = 32

// Hub fans each account's latest sequence number out to its subscribers.
// A slow subscriber never blocks a publisher: it holds only the newest
// sequence number it has not read yet.
type Hub struct {
	mu    sync.Mutex
	users map[int64]*user
}

type user struct {
	latest uint64
	subs   map[chan uint64]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{users: map[int64]*user{}} }

// Subscribe returns a channel that receives userID's sequence numbers as
// they grow (coalesced: only the newest unread one is kept), and the
// function that ends the subscription.
func (h *Hub) Subscribe(userID int64) (<-chan uint64, func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	u := h.users[userID]
	if u == nil {
		u = &user{subs: map[chan uint64]struct{}{}}
		h.users[userID] = u
	}
	if len(u.subs) >= MaxStreams {
		return nil, nil, ErrTooManyStreams
	}
	ch := make(chan uint64, 1)
	u.subs[ch] = struct{}{}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(u.subs, ch)
			if len(u.subs) == 0 {
				delete(h.users, userID)
			}
		})
	}, nil
}

// Publish tells userID's subscribers that its sequence is now seq. A seq
// not above one already published is dropped (writes may finish out of
// order).
func (h *Hub) Publish(userID int64, seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	u := h.users[userID]
	if u == nil || seq <= u.latest {
		return
	}
	u.latest = seq
	for ch := range u.subs {
		select { // drop the unread older value, keep the newest
		case <-ch:
		default:
		}
		ch <- seq
	}
}

// Streams is how many streams are open in this process (for metrics and
// tests).
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, u := range h.users {
		n += len(u.subs)
	}
	return n
}

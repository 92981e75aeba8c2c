package postgres

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"cipherleaf.dev/server/events"
)

// TestRelay: a poke published on one replica reaches a stream open on
// another, through LISTEN/NOTIFY on the shared database.
func TestRelay(t *testing.T) {
	ctx := context.Background()
	s1 := openTest(t, Options{})
	// A second Store on the same database, as a second replica has.
	s2, err := Open(ctx, s1.db.Config().ConnString(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r1, err := s1.NewRelay(ctx, events.NewHub(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := s2.NewRelay(ctx, events.NewHub(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()

	on2, stop, err := r2.Subscribe(42)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	on1, stop1, _ := r1.Subscribe(42)
	defer stop1()
	r1.Publish(42, 7)
	for name, ch := range map[string]<-chan uint64{"the other replica": on2, "the same replica": on1} {
		select {
		case seq := <-ch:
			if seq != 7 {
				t.Errorf("%s got %d, want 7", name, seq)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no poke on %s within 5 s", name)
		}
	}
}

// TestRelayReconnects: when the listening connection is cut (a database
// restart or failover does that), the relay connects again and pokes
// flow once more.
func TestRelayReconnects(t *testing.T) {
	ctx := context.Background()
	s1 := openTest(t, Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r, err := s1.NewRelay(ctx, events.NewHub(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ch, stop, _ := r.Subscribe(5)
	defer stop()
	// Cut every LISTENing backend of this database.
	var cut int
	if err := s1.db.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`).Scan(&cut); err != nil || cut != 1 {
		t.Fatalf("cut %d listening connections, %v; want 1", cut, err)
	}
	// Another replica's pokes, sent until one arrives: the first ones may
	// be sent before the relay has listened again.
	other := &Relay{s: s1, hub: events.NewHub(), id: "other", log: log}
	deadline := time.After(15 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for seq := uint64(1); ; seq++ {
		other.Publish(5, seq)
		select {
		case <-ch:
			return
		case <-tick.C:
		case <-deadline:
			t.Fatal("no poke through the relay within 15 s of cutting its connection")
		}
	}
}

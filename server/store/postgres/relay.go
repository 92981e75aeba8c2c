package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server/events"
)

// pokeChannel is the LISTEN/NOTIFY channel of live-push pokes.
const pokeChannel = "cipherleaf_poke"

// Relay carries live-push pokes between replicas (SPEC §7.10): Publish
// pokes this replica's streams and sends a NOTIFY; one connection per
// replica LISTENs and pokes the local streams for writes made on the
// other replicas. No other broker is needed.
type Relay struct {
	s   *Store
	hub *events.Hub
	id  string // this replica's random id: its own notifications are skipped
	log *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewRelay starts listening (before it returns, so no poke sent after it
// is missed) and relays until Close.
func (s *Store) NewRelay(ctx context.Context, hub *events.Hub, log *slog.Logger) (*Relay, error) {
	b := make([]byte, 8)
	rand.Read(b)
	r := &Relay{s: s, hub: hub, id: hex.EncodeToString(b), log: log}
	conn, err := r.listen(ctx)
	if err != nil {
		return nil, err
	}
	ctx, r.cancel = context.WithCancel(context.WithoutCancel(ctx))
	r.wg.Add(1)
	go r.run(ctx, conn)
	return r, nil
}

// listen opens a connection of its own (not from the pool, which it would
// hold forever) and LISTENs on it.
func (r *Relay) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, r.s.db.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("listen for pokes: %w", err)
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pokeChannel); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("listen for pokes: %w", err)
	}
	return conn, nil
}

func (r *Relay) run(ctx context.Context, conn *pgx.Conn) {
	defer r.wg.Done()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err == nil {
			r.deliver(n.Payload)
			continue
		}
		conn.Close(context.Background())
		if ctx.Err() != nil {
			return
		}
		r.log.Warn("poke relay: connection lost, reconnecting", "err", err)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second): // retry pace, not a wait for an event
			}
			if conn, err = r.listen(ctx); err == nil {
				break
			}
		}
	}
}

// deliver pokes the local streams for "REPLICA USER SEQ" from another replica.
func (r *Relay) deliver(payload string) {
	f := strings.Fields(payload)
	if len(f) != 3 || f[0] == r.id {
		return
	}
	user, err1 := strconv.ParseInt(f[1], 10, 64)
	seq, err2 := strconv.ParseUint(f[2], 10, 64)
	if err1 == nil && err2 == nil {
		r.hub.Publish(user, seq)
	}
}

// Publish pokes userID's streams on every replica.
func (r *Relay) Publish(userID int64, seq uint64) {
	r.hub.Publish(userID, seq)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	payload := r.id + " " + strconv.FormatInt(userID, 10) + " " + strconv.FormatUint(seq, 10)
	if _, err := r.s.db.Exec(ctx, `SELECT pg_notify($1, $2)`, pokeChannel, payload); err != nil {
		r.log.Warn("poke relay: notify", "err", err)
	}
}

// Subscribe implements the stream side (see events.Hub).
func (r *Relay) Subscribe(userID int64) (<-chan uint64, func(), error) {
	return r.hub.Subscribe(userID)
}

// Close stops listening.
func (r *Relay) Close() {
	r.cancel()
	r.wg.Wait()
}

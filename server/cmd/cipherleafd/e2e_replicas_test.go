package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// roundRobin is a TCP proxy that hands each new connection to the next
// backend (TLS passes through: every replica has the same certificate),
// skipping a backend that refuses the connection.
type roundRobin struct {
	ln       net.Listener
	backends []string
	next     atomic.Uint64
}

func newRoundRobin(t *testing.T, backends ...string) *roundRobin {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &roundRobin{ln: ln, backends: backends}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *roundRobin) serve(c net.Conn) {
	defer c.Close()
	for range p.backends {
		addr := p.backends[p.next.Add(1)%uint64(len(p.backends))]
		b, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			continue
		}
		defer b.Close()
		done := make(chan struct{}, 2)
		go func() { io.Copy(b, c); done <- struct{}{} }()
		go func() { io.Copy(c, b); done <- struct{}{} }()
		<-done
		return
	}
}

// TestE2EReplicasKill: concurrent writers go through a round-robin proxy
// to two replicas on one PostgreSQL, a new connection per request; one
// replica is killed with SIGKILL in the middle. Every write that was
// acknowledged is there afterwards, the revisions of each note advance by
// exactly one per acknowledged write (no lost or doubled CAS), and stale
// writes are refused as conflicts across replicas.
func TestE2EReplicasKill(t *testing.T) {
	dsn := pgDatabase(t)
	dataA := filepath.Join(t.TempDir(), "data")
	a := start(t, dataA, "--db", dsn)
	b := startEnv(t, []string{"CIPHERLEAF_DB=" + dsn}, replicaData(t, dataA), "--secret-file", filepath.Join(dataA, "secret.key"))
	hostport := func(base string) string { return strings.TrimPrefix(base, "https://") }
	proxy := newRoundRobin(t, hostport(a.base), hostport(b.base))
	via := "https://" + proxy.ln.Addr().String()
	lr := a.register("alice")

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true, // every request a new connection: round robin per request
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, VerifyConnection: func(cs tls.ConnectionState) error {
			h := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if "sha256:"+hex.EncodeToString(h[:]) != a.fingerprint {
				return errors.New("certificate does not match the pin")
			}
			return nil
		}},
	}}
	put := func(id string, base uint64) (int, uint64, error) { // safe off the test goroutine
		body := fmt.Sprintf(`{"base_rev":%d,"blob":"eA=="}`, base)
		req, _ := http.NewRequest("PUT", via+"/api/v1/notes/"+id, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+lr.AccessToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		var wr protocol.WriteResponse
		if resp.StatusCode == 200 {
			if err := json.NewDecoder(resp.Body).Decode(&wr); err != nil {
				return 0, 0, err
			}
		}
		return resp.StatusCode, wr.Rev, nil
	}

	const writers = 6
	var acked [writers]atomic.Uint64 // last acknowledged revision of each writer's note
	var conflicts atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			id := noteID(100 + w)
			base := uint64(0)
			for {
				select {
				case <-stop:
					return
				default:
				}
				st, rev, err := put(id, base)
				switch {
				case err != nil || st >= 500:
					// The replica died under the request: the write may or
					// may not have committed. Learn the truth with a stale
					// write, as a client's conflict path does.
					st2, _, err2 := put(id, 0)
					if err2 == nil && st2 == 409 {
						conflicts.Add(1)
					}
					cur, ok := currentRev(b, lr.AccessToken, id)
					if !ok {
						t.Errorf("writer %d: cannot read its note from the surviving replica", w)
						return
					}
					if cur > base {
						base = cur
						acked[w].Store(cur)
					}
				case st == 200:
					if rev != base+1 {
						t.Errorf("writer %d: rev %d from base %d", w, rev, base)
					}
					base = rev
					acked[w].Store(rev)
				case st == 409:
					t.Errorf("writer %d: conflict on its own note at base %d", w, base)
					return
				default:
					t.Errorf("writer %d: status %d", w, st)
					return
				}
			}
		})
	}
	// Kill replica a once both have served writes.
	waitUntil(t, 20*time.Second, func() bool {
		n := uint64(0)
		for w := range writers {
			n += acked[w].Load()
		}
		return n >= 60
	})
	a.cmd.Process.Kill()
	<-a.done
	before := uint64(0)
	for w := range writers {
		before += acked[w].Load()
	}
	waitUntil(t, 20*time.Second, func() bool {
		n := uint64(0)
		for w := range writers {
			n += acked[w].Load()
		}
		return n >= before+60 // the survivor keeps serving through the proxy
	})
	close(stop)
	wg.Wait()

	got := map[string]uint64{}
	for _, c := range b.allChanges(lr.AccessToken) {
		got[c.ID] = c.Rev
	}
	for w := range writers {
		if rev := got[noteID(100+w)]; rev < acked[w].Load() {
			t.Errorf("note of writer %d at rev %d, but rev %d was acknowledged", w, rev, acked[w].Load())
		}
	}
	if st, _, err := put(noteID(100), 1); err != nil || st != 409 {
		t.Errorf("stale write after the run = %d, %v; want 409", st, err)
	}
	t.Logf("acknowledged before the kill %d, after %d; stale probes %d", before, func() uint64 {
		n := uint64(0)
		for w := range writers {
			n += acked[w].Load()
		}
		return n
	}(), conflicts.Load())
}

// currentRev reads a note's revision from replica d, off the test
// goroutine (no Fatal): 0 and false if it cannot.
func currentRev(d *daemon, token, id string) (uint64, bool) {
	req, _ := http.NewRequest("GET", d.base+"/api/v1/notes?since=0&limit=5000", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var cr protocol.ChangesResponse
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&cr) != nil || cr.More {
		return 0, false
	}
	for _, c := range cr.Changes {
		if c.ID == id {
			return c.Rev, true
		}
	}
	return 0, true
}

// waitUntil polls cond until it holds or d passes.
func waitUntil(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not reached within %v", d)
		}
		<-tick.C
	}
}

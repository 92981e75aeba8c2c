package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// Hostile mode (SPEC §7.6): floods from issue 11 run one at a time while
// honest users keep writing notes, and each flood's honest write
// latencies are printed next to the idle ones.

// hostileConfig sets the size of the floods.
type hostileConfig struct {
	honest    int           // honest writers, each its own session
	flooders  int           // concurrent attackers per flood
	phase     time.Duration // length of each measured phase
	blobSize  int
	bcryptArg string // --bcrypt-cost of the server under attack
}

// clientFrom is an HTTP/1.1 client pinned to the server whose connections
// come from loopback address ip (Linux routes all of 127.0.0.0/8 to lo),
// so one machine can play many sources.
func (s *server) clientFrom(ip string, conns int) *http.Client {
	c := s.client(conns)
	tr := c.Transport.(*http.Transport)
	tr.DialContext = (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).DialContext
	return c
}

// status sends one request and returns only its status (0 on a transport
// error), reading the answer to the end so the connection is reused.
func status(ctx context.Context, c *http.Client, method, url string, body []byte, hdr ...string) int {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// honestWriters are signed-in users writing their own notes in a loop.
type honestWriters struct {
	api    string
	blob   []byte
	ws     []*honestWriter
	rssMax atomic.Int64
}

type honestWriter struct {
	c     *http.Client
	token string
	id    string
	rev   uint64
}

func newHonestWriters(ctx context.Context, srv *server, api string, n, blobSize int) (*honestWriters, error) {
	h := &honestWriters{api: api, blob: key(7, blobSize)}
	for i := 0; i < n; i++ {
		// Each honest user comes from its own address, as real users do.
		c := srv.clientFrom(fmt.Sprintf("127.0.4.%d", i+1), 1)
		lr, err := register(ctx, c, api, fmt.Sprintf("honest%d", i))
		if err != nil {
			return nil, err
		}
		h.ws = append(h.ws, &honestWriter{c: c, token: lr.AccessToken, id: writerNoteID(i)})
	}
	return h, nil
}

// run writes for d and returns the sorted latencies of the writes.
func (h *honestWriters) run(ctx context.Context, srv *server, d time.Duration) ([]time.Duration, error) {
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	done := make(chan struct{})
	go func() { // sample the server's memory meanwhile
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if rss, _, err := srv.memory(); err == nil && rss > h.rssMax.Load() {
					h.rssMax.Store(rss)
				}
			}
		}
	}()
	b64, _ := json.Marshal(h.blob)
	for _, w := range h.ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for time.Now().Before(end) && ctx.Err() == nil {
				body := append(append(strconv.AppendUint([]byte(`{"base_rev":`), w.rev, 10), `,"blob":`...), append(b64, '}')...)
				var wr protocol.WriteResponse
				t0 := time.Now()
				if err := callRaw(ctx, w.c, "PUT", h.api+"/notes/"+w.id, w.token, body, &wr); err != nil {
					mu.Lock()
					firstErr = fmt.Errorf("honest write: %w", err)
					mu.Unlock()
					return
				}
				lat = append(lat, time.Since(t0))
				w.rev = wr.Rev
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(done)
	slices.Sort(all)
	return all, firstErr
}

// flood runs attack in n goroutines until stop is closed, counting the
// answers by status.
type floodCounts struct {
	mu sync.Mutex
	by map[int]int
}

func (f *floodCounts) add(st int) { f.mu.Lock(); f.by[st]++; f.mu.Unlock() }
func (f *floodCounts) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]int, 0, len(f.by))
	for k := range f.by {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d×%d", f.by[k], k)
	}
	return strings.Join(parts, " ")
}

func flood(n int, attack func(i int, stop <-chan struct{}, counts *floodCounts)) (stopFlood func() *floodCounts) {
	stop := make(chan struct{})
	counts := &floodCounts{by: map[int]int{}}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); attack(i, stop, counts) }()
	}
	return func() *floodCounts { close(stop); wg.Wait(); return counts }
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// runHostile starts its own server (limits at their defaults, except as
// noted per flood) and measures honest writes idle and under each flood.
func runHostile(ctx context.Context, bin, dir string, cfg hostileConfig, add func(string, float64, string, string, bool), stderr io.Writer) error {
	// The login flood runs against a server with the per-source limits
	// off: it stands for an attacker with unlimited addresses, so every
	// attempt reaches bcrypt and only the bcrypt pool protects the honest
	// users. The other floods come from one source, against the default
	// limits.
	if err := hostilePhases(ctx, bin, dir+"-1", cfg, true, add, stderr); err != nil {
		return err
	}
	return hostilePhases(ctx, bin, dir+"-2", cfg, false, add, stderr)
}

// defaultLimits undo startServer's raised auth limits.
var defaultLimits = []string{"--auth-ip-rate", "2", "--auth-ip-burst", "30", "--auth-user-rate", "0.2", "--auth-user-burst", "10"}

func hostilePhases(ctx context.Context, bin, dir string, cfg hostileConfig, loginFlood bool, add func(string, float64, string, string, bool), stderr io.Writer) error {
	args := append([]string{"--bcrypt-cost", cfg.bcryptArg}, defaultLimits...)
	if loginFlood {
		args = []string{"--bcrypt-cost", cfg.bcryptArg, "--lockout-after", "0", "--account-lockout-after", "0", "--auth-inflight-per-ip", "0"}
	}
	srv, err := startServer(bin, dir, args, stderr)
	if err != nil {
		return err
	}
	defer srv.stop()
	api := srv.base + protocol.PathPrefix
	if err := waitHealthy(ctx, srv.client(1), srv.base); err != nil {
		return err
	}
	h, err := newHonestWriters(ctx, srv, api, cfg.honest, cfg.blobSize)
	if err != nil {
		return err
	}
	if _, err := register(ctx, srv.clientFrom("127.0.5.1", 1), api, "victim"); err != nil {
		return err
	}
	measure := func(name string) ([]time.Duration, error) {
		lat, err := h.run(ctx, srv, cfg.phase)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(lat) == 0 {
			return nil, fmt.Errorf("%s: no honest write finished", name)
		}
		return lat, nil
	}
	if _, err := h.run(ctx, srv, cfg.phase/4); err != nil { // warm up
		return err
	}
	idle, err := measure("idle")
	if err != nil {
		return err
	}
	idleP50, idleP99 := percentile(idle, .5), percentile(idle, .99)
	limits := "default limits"
	if loginFlood {
		limits = "per-IP limits off"
	}
	add("honest write p50, idle ("+limits+")", ms(idleP50), "ms", "", true)
	add("honest write p99, idle ("+limits+")", ms(idleP99), "ms", "", true)
	report := func(flood string, lat []time.Duration, counts *floodCounts, goal bool) {
		p50, p99 := percentile(lat, .5), percentile(lat, .99)
		if goal {
			add(fmt.Sprintf("honest write p50, %s", flood), ms(p50), "ms", fmt.Sprintf("<= %.1f ms (2x idle)", ms(2*idleP50)), p50 <= 2*idleP50)
		} else {
			add(fmt.Sprintf("honest write p50, %s", flood), ms(p50), "ms", "", true)
		}
		add(fmt.Sprintf("honest write p99, %s", flood), ms(p99), "ms", "", true)
		fmt.Fprintf(stderr, "cipherleaf-load: %s: flood answers %s\n", flood, counts)
	}
	if !loginFlood {
		return sourceFloods(ctx, srv, api, cfg, h, measure, report, add)
	}

	// 1. Wrong-key logins for the victim from flooders distinct sources.
	wrong, _ := json.Marshal(protocol.LoginRequest{Username: "victim", AuthKey: key(9, 32), DeviceName: "x"})
	stop := flood(cfg.flooders, func(i int, stop <-chan struct{}, counts *floodCounts) {
		c := srv.clientFrom(fmt.Sprintf("127.0.6.%d", i+1), 1)
		for !stopped(stop) {
			counts.add(status(ctx, c, "POST", api+"/auth/login", wrong))
		}
	})
	lat, err := measure("login flood")
	counts := stop()
	if err != nil {
		return err
	}
	report(fmt.Sprintf("%d-way wrong-login flood from %d IPs", cfg.flooders, cfg.flooders), lat, counts, true)
	return nil
}

// sourceFloods are the floods from a single source, against the default
// limits.
func sourceFloods(ctx context.Context, srv *server, api string, cfg hostileConfig, h *honestWriters,
	measure func(string) ([]time.Duration, error), report func(string, []time.Duration, *floodCounts, bool),
	add func(string, float64, string, string, bool)) error {
	// 2. /auth/params flood for the victim from one source; the victim's
	// own logins from elsewhere must all succeed.
	params, _ := json.Marshal(protocol.ParamsRequest{Username: "victim"})
	stop := flood(cfg.flooders, func(i int, stop <-chan struct{}, counts *floodCounts) {
		c := srv.clientFrom("127.0.6.200", 1)
		for !stopped(stop) {
			counts.add(status(ctx, c, "POST", api+"/auth/params", params))
		}
	})
	lat, err := measure("params flood")
	victim := srv.clientFrom("127.0.5.1", 1)
	right, _ := json.Marshal(protocol.LoginRequest{Username: "victim", AuthKey: key(1, 32), DeviceName: "v"})
	ok := 0
	for i := 0; i < 5; i++ {
		if status(ctx, victim, "POST", api+"/auth/login", right) == 200 {
			ok++
		}
	}
	counts := stop()
	if err != nil {
		return err
	}
	report(fmt.Sprintf("%d-way /auth/params flood from 1 IP", cfg.flooders), lat, counts, false)
	add("victim logins OK during the params flood", float64(ok), "of 5", "5", ok == 5)

	// 3. Made-up methods and paths (metric labels), from one source.
	rssBefore, _, _ := srv.memory()
	h.rssMax.Store(0)
	stop = flood(cfg.flooders, func(i int, stop <-chan struct{}, counts *floodCounts) {
		c := srv.clientFrom("127.0.6.201", 1)
		for n := 0; !stopped(stop); n++ {
			counts.add(status(ctx, c, fmt.Sprintf("M%d%d", i, n), fmt.Sprintf("%s/x%d", api, n), nil))
		}
	})
	lat, err = measure("label flood")
	counts = stop()
	if err != nil {
		return err
	}
	report(fmt.Sprintf("%d-way made-up methods flood", cfg.flooders), lat, counts, false)
	add("server RSS growth, made-up methods flood", mb(h.rssMax.Load()-rssBefore), "MB", "<= 10 MB", mb(h.rssMax.Load()-rssBefore) <= 10)

	// 4. 32 MiB bodies to an unauthenticated route, from one source.
	h.rssMax.Store(0)
	big := bytes.Repeat([]byte("a"), 32<<20)
	stop = flood(16, func(i int, stop <-chan struct{}, counts *floodCounts) {
		c := srv.clientFrom("127.0.6.202", 1)
		c.Transport.(*http.Transport).TLSClientConfig.MinVersion = tls.VersionTLS13
		for !stopped(stop) {
			counts.add(status(ctx, c, "POST", api+"/auth/register", big))
		}
	})
	lat, err = measure("body flood")
	counts = stop()
	if err != nil {
		return err
	}
	report("16-way 32 MiB body flood from 1 IP", lat, counts, false)
	add("server RSS, 32 MiB body flood (max sampled)", mb(h.rssMax.Load()), "MB", "<= 60 MB", mb(h.rssMax.Load()) <= 60)
	return nil
}

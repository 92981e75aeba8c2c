package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// pushLatency measures an edit on device A becoming visible on device B
// through live push (SPEC §7.10), polling off: B holds an event stream on
// the last replica; A writes a note on the first; the time runs from A's
// write until B, poked, has pulled the note through its cursor.
func pushLatency(ctx context.Context, srvs []*server, samples int) (p50, p95 time.Duration, err error) {
	a, b := srvs[0], srvs[len(srvs)-1]
	apiA, apiB := a.base+protocol.PathPrefix, b.base+protocol.PathPrefix
	ca, cb := a.client(2), b.client(2)
	login := func(c *http.Client, api, dev string) (protocol.LoginResponse, error) {
		var lr protocol.LoginResponse
		err := call(ctx, c, "POST", api+"/auth/login", "", protocol.LoginRequest{Username: "load", AuthKey: key(1, 32), DeviceName: dev}, &lr)
		return lr, err
	}
	la, err := login(ca, apiA, "push-a")
	if err != nil {
		return 0, 0, err
	}
	lb, err := login(cb, apiB, "push-b")
	if err != nil {
		return 0, 0, err
	}
	var since uint64
	var cr protocol.ChangesResponse
	for more := true; more; more = cr.More { // B is up to date first
		cr = protocol.ChangesResponse{}
		if err := call(ctx, cb, "GET", fmt.Sprintf("%s/notes?since=%d&limit=%d", apiB, since, protocol.MaxPageLimit), lb.AccessToken, nil, &cr); err != nil {
			return 0, 0, err
		}
		since = cr.Next
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, _ := http.NewRequestWithContext(sctx, "GET", apiB+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+lb.AccessToken)
	req.Header.Set("Last-Event-ID", fmt.Sprint(since))
	stream := b.client(1)
	stream.Timeout = 0
	resp, err := stream.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	pokes := make(chan struct{}, 64)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event: poke") {
				pokes <- struct{}{}
			}
		}
	}()
	var lat []time.Duration
	for i := range samples {
		id := fmt.Sprintf("22222222-0000-4000-8000-%012d", i)
		t0 := time.Now()
		if err := call(ctx, ca, "PUT", apiA+"/notes/"+id, la.AccessToken, protocol.PutNoteRequest{Blob: key(9, 1024)}, nil); err != nil {
			return 0, 0, err
		}
		for seen := false; !seen; {
			select {
			case <-pokes:
			case <-time.After(10 * time.Second):
				return 0, 0, fmt.Errorf("push: no poke within 10 s")
			}
			var cr protocol.ChangesResponse
			if err := call(ctx, cb, "GET", fmt.Sprintf("%s/notes?since=%d", apiB, since), lb.AccessToken, nil, &cr); err != nil {
				return 0, 0, err
			}
			for _, c := range cr.Changes {
				seen = seen || c.ID == id
			}
			since = cr.Next
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	return percentile(lat, 0.50), percentile(lat, 0.95), nil
}

// idleStreams opens n event streams (one connection each) and returns the
// server's RSS while they are open.
func idleStreams(ctx context.Context, srv *server, n int) (int64, error) {
	api := srv.base + protocol.PathPrefix
	c := srv.client(4)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// One account may hold 32 streams on a replica (SPEC §7.10): use
	// accounts of 30 streams each.
	var tokens []string
	for i := 0; i*30 < n; i++ {
		name := fmt.Sprintf("streams%d", i)
		r, err := register(ctx, c, api, name)
		if err != nil {
			return 0, err
		}
		tokens = append(tokens, r.AccessToken)
	}
	sc := srv.client(n)
	sc.Timeout = 0
	for i := range n {
		req, _ := http.NewRequestWithContext(sctx, "GET", api+"/events", nil)
		req.Header.Set("Authorization", "Bearer "+tokens[i/30])
		resp, err := sc.Do(req)
		if err != nil {
			return 0, fmt.Errorf("open stream %d: %w", i, err)
		}
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("open stream %d: status %d", i, resp.StatusCode)
		}
		defer resp.Body.Close()
	}
	rss, _, err := srv.memory()
	return rss, err
}

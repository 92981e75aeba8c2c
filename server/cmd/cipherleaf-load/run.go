package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"cipherleaf.dev/server/store/postgres/pgtest"
	"cipherleaf.dev/shared/protocol"
)

// result is one measured number and its goal.
type result struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Goal  string  `json:"goal"`
	Met   bool    `json:"met"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cipherleaf-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("server", "", "path to the cipherleafd binary (default: build it with go build)")
	notes := fs.Int("notes", 10000, "notes to upload in batches")
	blobSize := fs.Int("blob", 1024, "bytes per note blob")
	clients := fs.Int("clients", 64, "concurrent writing clients")
	dur := fs.Duration("duration", 5*time.Second, "length of the concurrent-write phase")
	asJSON := fs.Bool("json", false, "print results as JSON")
	hostile := fs.Bool("hostile", false, "instead: honest users' write latency idle and under each flood of issue 11 (SPEC §7.6)")
	hcfg := hostileConfig{}
	fs.IntVar(&hcfg.honest, "honest", 4, "hostile mode: honest writers")
	fs.IntVar(&hcfg.flooders, "flooders", 32, "hostile mode: concurrent attackers per flood")
	fs.DurationVar(&hcfg.phase, "phase", 3*time.Second, "hostile mode: length of each measured phase")
	fs.StringVar(&hcfg.bcryptArg, "bcrypt-cost", "12", "hostile mode: --bcrypt-cost of the attacked server")
	streams := fs.Int("streams", 2000, "idle event streams held open to measure the server's RSS (0: skip)")
	pushSamples := fs.Int("push-samples", 100, "edits timed from device A's write to device B's pull through live push")
	usePG := fs.Bool("postgres", false, "run cipherleafd on PostgreSQL (--db): a private cluster started for the run, fsync on")
	replicas := fs.Int("replicas", 1, "with --postgres: cipherleafd replicas sharing the database; writers are spread round-robin")
	var serverArgs multiFlag
	fs.Var(&serverArgs, "server-arg", "extra argument for cipherleafd serve (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "cipherleaf-load")
	if err != nil {
		return fmt.Errorf("make data folder: %w", err)
	}
	defer os.RemoveAll(dir)
	if *bin == "" {
		*bin = filepath.Join(dir, "cipherleafd")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", *bin, "cipherleaf.dev/server/cmd/cipherleafd")
		cmd.Stdout, cmd.Stderr = stderr, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build cipherleafd: %w", err)
		}
	}
	var results []result
	add := func(name string, v float64, unit, goal string, met bool) {
		results = append(results, result{name, v, unit, goal, met})
	}
	if *hostile {
		hcfg.blobSize = *blobSize
		if err := runHostile(ctx, *bin, filepath.Join(dir, "data"), hcfg, add, stderr); err != nil {
			return err
		}
		return printResults(stdout, *asJSON, "cipherleafd under hostile floods over loopback TLS", results)
	}
	if *replicas < 1 || (*replicas > 1 && !*usePG) {
		return errors.New("--replicas N needs N >= 1, and --postgres for N > 1")
	}
	title := "cipherleafd over loopback TLS"
	if *usePG {
		cl, err := pgtest.Start(pgtest.Config{Durable: true})
		if err != nil {
			return err
		}
		defer cl.Stop()
		dsn, err := cl.NewDatabase(ctx)
		if err != nil {
			return err
		}
		serverArgs = append(serverArgs, "--db", dsn)
		title = fmt.Sprintf("cipherleafd on PostgreSQL (%d replica(s)) over loopback TLS", *replicas)
	}
	data := filepath.Join(dir, "data")
	srv, err := startServer(*bin, data, append([]string{"--bcrypt-cost", "4"}, serverArgs...), stderr)
	if err != nil {
		return err
	}
	defer srv.stop()
	srvs := []*server{srv}
	for i := 1; i < *replicas; i++ {
		rdata := filepath.Join(dir, fmt.Sprintf("replica%d", i))
		if err := copySecrets(data, rdata); err != nil {
			return err
		}
		r, err := startServer(*bin, rdata, append([]string{"--bcrypt-cost", "4"}, serverArgs...), stderr)
		if err != nil {
			return err
		}
		defer r.stop()
		srvs = append(srvs, r)
	}
	api := srv.base + protocol.PathPrefix
	hc := srv.client(*clients + 4)
	if err := waitHealthy(ctx, hc, srv.base); err != nil {
		return err
	}
	rss, _, err := srv.memory()
	if err != nil {
		return err
	}
	add("server RSS idle", mb(rss), "MB", "<= 15 MB", mb(rss) <= 15)

	// One account; the first session uploads and downloads.
	login, err := register(ctx, hc, api, "load")
	if err != nil {
		return err
	}

	// Batch upload.
	blobs := make([][]byte, *notes)
	for i := range blobs {
		blobs[i] = make([]byte, *blobSize)
		rand.Read(blobs[i])
	}
	bodies := make([][]byte, 0, *notes/protocol.MaxBatchOps+1)
	for lo := 0; lo < *notes; lo += protocol.MaxBatchOps {
		var br protocol.BatchRequest
		for i := lo; i < min(lo+protocol.MaxBatchOps, *notes); i++ {
			br.Ops = append(br.Ops, protocol.BatchOp{Op: protocol.OpPut, ID: noteID(i), Blob: blobs[i]})
		}
		b, _ := json.Marshal(br)
		bodies = append(bodies, b)
	}
	start := time.Now()
	for _, b := range bodies {
		var resp protocol.BatchResponse
		if err := callRaw(ctx, hc, "POST", api+"/notes/batch", login.AccessToken, b, &resp); err != nil {
			return fmt.Errorf("batch upload: %w", err)
		}
		for _, r := range resp.Results {
			if r.Status != protocol.StatusOK {
				return fmt.Errorf("batch upload: note %s: %s", r.ID, r.Status)
			}
		}
	}
	up := time.Since(start)
	add(fmt.Sprintf("batch upload %d x %d B", *notes, *blobSize), up.Seconds(), "s", "<= 0.5 s", up <= 500*time.Millisecond)

	// Paged download.
	start = time.Now()
	got := 0
	since := uint64(0)
	for {
		var cr protocol.ChangesResponse
		if err := call(ctx, hc, "GET", fmt.Sprintf("%s/notes?since=%d&limit=%d", api, since, protocol.MaxPageLimit), login.AccessToken, nil, &cr); err != nil {
			return fmt.Errorf("download: %w", err)
		}
		got += len(cr.Changes)
		since = cr.Next
		if !cr.More {
			break
		}
	}
	down := time.Since(start)
	if got != *notes {
		return fmt.Errorf("download: got %d notes, want %d", got, *notes)
	}
	add(fmt.Sprintf("paged download %d notes", got), down.Seconds(), "s", "<= 0.3 s", down <= 300*time.Millisecond)

	// Concurrent single-note writers, each its own session and connection.
	w, err := concurrentWrites(ctx, srvs, *clients, *dur, *blobSize)
	if err != nil {
		return err
	}
	add(fmt.Sprintf("%d clients single-note writes", *clients), w.perSec, "writes/s", ">= 10000", w.perSec >= 10000)
	add("write latency p50", ms(w.p50), "ms", "", true)
	add("write latency p99", ms(w.p99), "ms", "<= 20 ms", w.p99 <= 20*time.Millisecond)
	add("server RSS under load (max sampled)", mb(w.maxRSS), "MB", "<= 40 MB", mb(w.maxRSS) <= 40)
	_, hwm, err := srv.memory()
	if err != nil {
		return err
	}
	add("server peak RSS, whole run (VmHWM)", mb(hwm), "MB", "<= 40 MB", mb(hwm) <= 40)

	if *pushSamples > 0 {
		p50, p95, err := pushLatency(ctx, srvs, *pushSamples)
		if err != nil {
			return err
		}
		add("edit A -> visible on B by push, p50", ms(p50), "ms", "", true)
		add("edit A -> visible on B by push, p95", ms(p95), "ms", "<= 100 ms", p95 <= 100*time.Millisecond)
	}
	if *streams > 0 {
		rss, err := idleStreams(ctx, srv, *streams)
		if err != nil {
			return err
		}
		add(fmt.Sprintf("server RSS holding %d idle event streams", *streams), mb(rss), "MB", "<= 150 MB", mb(rss) <= 150)
	}
	return printResults(stdout, *asJSON, title, results)
}

// copySecrets gives a replica's data folder the first one's secret and
// certificate (server/README.md, Scaling out).
func copySecrets(from, to string) error {
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	for _, f := range []string{"secret.key", "tls-cert.pem", "tls-key.pem"} {
		b, err := os.ReadFile(filepath.Join(from, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, f), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// printResults prints results as JSON or as a table under title.
func printResults(stdout io.Writer, asJSON bool, title string, results []result) error {
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"cores": runtime.NumCPU(), "results": results})
	}
	fmt.Fprintf(stdout, "%s, %d cores (server and load generator share them)\n", title, runtime.NumCPU())
	for _, r := range results {
		mark := "met"
		if !r.Met {
			mark = "NOT met"
		}
		if r.Goal == "" {
			mark = ""
		}
		fmt.Fprintf(stdout, "  %-56s %10.3f %-8s goal %-10s %s\n", r.Name, r.Value, r.Unit, r.Goal, mark)
	}
	return nil
}

func mb(b int64) float64         { return float64(b) / (1 << 20) }
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func noteID(i int) string        { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
func writerNoteID(i int) string  { return fmt.Sprintf("11111111-0000-4000-8000-%012d", i) }
func key(b byte, n int) []byte   { return bytes.Repeat([]byte{b}, n) }
func percentile(s []time.Duration, p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func callRaw(ctx context.Context, c *http.Client, method, url, token string, body []byte, out any) error {
	return call(ctx, c, method, url, token, body, out)
}

func waitHealthy(ctx context.Context, c *http.Client, base string) error {
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := call(ctx, c, "GET", base+"/healthz", "", nil, nil); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("server not healthy: %w", err)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func register(ctx context.Context, c *http.Client, api, name string) (*protocol.LoginResponse, error) {
	req := protocol.RegisterRequest{Username: name, AuthKey: key(1, 32), RecoveryAuthKey: key(2, 32),
		KDF:        protocol.KDF{Alg: protocol.KDFAlgArgon2id, Version: protocol.KDFVersion, Time: 3, Memory: 65536, Threads: 4, Salt: key(3, 16)},
		WrappedKey: key(4, 77), RecoveryWrappedKey: key(5, 77), DeviceName: "load"}
	var lr protocol.LoginResponse
	if err := call(ctx, c, "POST", api+"/auth/register", "", req, &lr); err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	return &lr, nil
}

type writeStats struct {
	perSec   float64
	p50, p99 time.Duration
	maxRSS   int64
}

// concurrentWrites logs in n clients (one session and connection each) and
// has each write its own note in a loop for d, tracking revisions.
// With several replicas client i writes to replica i mod N; RSS is the
// first replica's.
func concurrentWrites(ctx context.Context, srvs []*server, n int, d time.Duration, blobSize int) (*writeStats, error) {
	srv := srvs[0]
	api := srv.base + protocol.PathPrefix
	type worker struct {
		c     *http.Client
		api   string
		token string
		lat   []time.Duration
		err   error
	}
	ws := make([]*worker, n)
	setup := srv.client(4)
	for i := range ws {
		var lr protocol.LoginResponse
		if err := call(ctx, setup, "POST", api+"/auth/login", "", protocol.LoginRequest{Username: "load", AuthKey: key(1, 32), DeviceName: fmt.Sprintf("w%d", i)}, &lr); err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		to := srvs[i%len(srvs)]
		ws[i] = &worker{c: to.client(1), api: to.base + protocol.PathPrefix, token: lr.AccessToken, lat: make([]time.Duration, 0, 4096)}
	}
	blob := key(7, blobSize)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var maxRSS int64
	var rssDone = make(chan struct{})
	go func() {
		defer close(rssDone)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if rss, _, err := srv.memory(); err == nil && rss > maxRSS {
					maxRSS = rss
				}
			}
		}
	}()
	start := time.Now()
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := w.api + "/notes/" + writerNoteID(i)
			// The body is built by hand around the pre-encoded blob so the
			// generator spends its CPU share on the wire, not on JSON.
			b64, _ := json.Marshal(blob)
			prefix, suffix := []byte(`{"base_rev":`), append(append([]byte(`,"blob":`), b64...), '}')
			body := make([]byte, 0, len(prefix)+len(suffix)+20)
			var rev uint64
			for {
				select {
				case <-stop:
					return
				default:
				}
				body = append(strconv.AppendUint(append(body[:0], prefix...), rev, 10), suffix...)
				var wr protocol.WriteResponse
				t0 := time.Now()
				if err := callRaw(ctx, w.c, "PUT", url, w.token, body, &wr); err != nil {
					w.err = err
					return
				}
				w.lat = append(w.lat, time.Since(t0))
				rev = wr.Rev
			}
		}()
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	<-rssDone
	var all []time.Duration
	for _, w := range ws {
		if w.err != nil {
			return nil, fmt.Errorf("writer: %w", w.err)
		}
		all = append(all, w.lat...)
	}
	slices.Sort(all)
	return &writeStats{
		perSec: float64(len(all)) / elapsed.Seconds(),
		p50:    percentile(all, 0.50),
		p99:    percentile(all, 0.99),
		maxRSS: maxRSS,
	}, nil
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint([]string(*m)) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

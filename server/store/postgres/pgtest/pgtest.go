// Package pgtest runs a private, throw-away PostgreSQL cluster for tests:
// initdb and postgres from the Debian "postgresql" package (make setup
// installs it) in a temporary folder, listening on a Unix socket only,
// as an unprivileged user. When the tests run as root (CI containers),
// the cluster runs as the "postgres" system user the package creates,
// in a folder under /tmp that user can reach. The server process dies
// with the test process (parent-death signal) and its folder is removed
// by Stop.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// credential is the user the cluster runs as when the tests run as root.
type credential struct{ uid, gid int }

// Cluster is one running PostgreSQL server.
type Cluster struct {
	dir  string // socket and data folder
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
	n    atomic.Int64
}

// Config tunes Start.
type Config struct {
	// Durable keeps fsync on, for benchmarks comparable with SQLite's
	// synchronous=FULL; tests leave it off for speed.
	Durable bool
}

// binDir finds PostgreSQL's programs: Debian keeps them in
// /usr/lib/postgresql/N/bin (the newest N wins), else PATH.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return a > b
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres and no postgres in PATH): run `make setup` or apt-get install postgresql")
}

// Start initializes and starts a cluster. Any failure is an error: a test
// that needs PostgreSQL must fail, not skip, when it cannot have it.
func Start(cfg Config) (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	var cred *credential
	parent := os.TempDir()
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root. The test temp dir (under a
		// 0700 root folder in `make test`) is out of reach of another
		// user, so the cluster lives in /tmp, owned by that user.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("start postgres as root: no \"postgres\" user to run it as (installed by the postgresql package): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &credential{uid: uid, gid: gid}
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "cipherleaf-pg-")
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, cred.uid, cred.gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start postgres: %w", err)
		}
	}
	c := &Cluster{dir: dir, done: make(chan struct{}), log: &bytes.Buffer{}}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	initdb.SysProcAttr = procAttr(cred, false)
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	fsync := "off"
	if cfg.Durable {
		fsync = "on"
	}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir,
		"-c", "listen_addresses=", "-c", "fsync="+fsync, "-c", "full_page_writes="+fsync,
		"-c", "max_connections=300", "-c", "shared_buffers=64MB", "-c", "log_min_messages=warning")
	c.cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	c.cmd.SysProcAttr = procAttr(cred, true)
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go func() { c.cmd.Wait(); close(c.done) }()
	if err := c.waitReady(30 * time.Second); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// waitReady polls until the server accepts a connection, it exits, or
// the deadline passes.
func (c *Cluster) waitReady(d time.Duration) error {
	deadline := time.Now().Add(d)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.DSN("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not start within %v: %w\n%s", d, err, c.log)
		}
		select {
		case <-c.done:
			return fmt.Errorf("postgres exited at start: %v\n%s", c.cmd.ProcessState, c.log)
		case <-tick.C:
		}
	}
}

// DSN is the address of database db on the cluster.
func (c *Cluster) DSN(db string) string {
	return "postgres://postgres@/" + url.PathEscape(db) + "?host=" + url.QueryEscape(c.dir) + "&sslmode=disable"
}

// NewDatabase creates an empty database and returns its address.
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("t%d", c.n.Add(1))
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	defer conn.Close(ctx)
	// name is generated above, never input: safe to splice.
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return c.DSN(name), nil
}

// Stop shuts the server down (fast shutdown, then kill) and removes its
// folder.
func (c *Cluster) Stop() error {
	if c.cmd.Process != nil {
		c.cmd.Process.Signal(os.Interrupt) // fast shutdown
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
			<-c.done
		}
	}
	return os.RemoveAll(c.dir)
}

// Main is a TestMain body: it starts a cluster into *c, runs the tests
// and stops it. A cluster that cannot start fails the package loudly.
func Main(m interface{ Run() int }, c **Cluster) int {
	cl, err := Start(Config{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: cannot run the PostgreSQL tests: %v\n", err)
		return 1
	}
	*c = cl
	code := m.Run()
	if err := cl.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stop postgres: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

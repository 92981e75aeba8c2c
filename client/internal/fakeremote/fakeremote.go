// Package fakeremote is an in-memory Cipherleaf server for unit tests of the
// client core and sync engine: the notes API semantics of SPEC §7 (revisions,
// sequence feed, batch with conflicts, accounts, sessions, keys) without
// HTTP, plus switches to take it offline and to tamper with or roll back
// what it serves. The real server is exercised by the end-to-end tests.
package fakeremote

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/shared/protocol"
)

// Server is the shared state every device's Conn talks to.
type Server struct {
	Fingerprint string

	mu       sync.Mutex
	users    map[string]*user // by username
	sessions map[string]*user // by session id
	down     bool
	// tamper, when set, may rewrite each change served by Changes or
	// carried in a conflict result.
	tamper func(*protocol.Change)
	// beforePutKeys, when set, runs at the start of every PutKeys, before
	// the server looks at the request (no lock held).
	beforePutKeys func(protocol.KeysRequest)
	// noBaseHash: act as a server from before base_hash (SPEC §7.3),
	// which ignores it and never says base_hash_checked.
	noBaseHash bool
}

type user struct {
	id, name    string
	auth, rauth []byte
	kdf         protocol.KDF
	wk, rwk     []byte
	succs       [][]byte // every rotation successor, oldest first
	gen         uint32   // current key generation (SPEC §7.2)
	notes       map[string]*rec
	seq         uint64
	manifest    protocol.Manifest
}

type rec struct {
	rev, seq uint64
	blob     []byte
	deleted  bool
}

// New returns an empty server.
func New() *Server {
	return &Server{Fingerprint: "sha256:" + hex.EncodeToString(make([]byte, 32)),
		users: map[string]*user{}, sessions: map[string]*user{}}
}

// SetDown makes every call fail as unreachable (true) or work again.
func (s *Server) SetDown(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

// SetBeforePutKeys installs f to run at the start of every PutKeys (nil:
// none), so a test can let another device rotate "at the same time".
func (s *Server) SetBeforePutKeys(f func(protocol.KeysRequest)) {
	s.mu.Lock()
	s.beforePutKeys = f
	s.mu.Unlock()
}

// KeyGeneration returns the current key generation of username's account.
func (s *Server) KeyGeneration(username string) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[username]; u != nil {
		return u.gen
	}
	return 0
}

// Successors returns the rotation successors username's account keeps, oldest first.
func (s *Server) Successors(username string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[username]; u != nil {
		return slices.Clone(u.succs)
	}
	return nil
}

// SetNoBaseHash makes the server act as one from before base_hash (true):
// an atomic batch's manifest is checked by version alone and no answer
// says base_hash_checked (SPEC §7.3).
func (s *Server) SetNoBaseHash(old bool) { s.mu.Lock(); s.noBaseHash = old; s.mu.Unlock() }

// SetTamper installs f to rewrite served changes (nil: none).
func (s *Server) SetTamper(f func(*protocol.Change)) { s.mu.Lock(); s.tamper = f; s.mu.Unlock() }

// Rewind sets note id of user back to an older state (a rollback attack).
func (s *Server) Rewind(username, id string, rev uint64, blob []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[username]
	u.seq++
	u.notes[id] = &rec{rev: rev, seq: u.seq, blob: blob}
}

// Note returns the stored state of a note.
func (s *Server) Note(username, id string) (rev uint64, blob []byte, deleted, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.users[username].notes[id]
	if !ok {
		return 0, nil, false, false
	}
	return r.rev, slices.Clone(r.blob), r.deleted, true
}

// Count returns how many live notes user has.
func (s *Server) Count(username string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.users[username].notes {
		if !r.deleted {
			n++
		}
	}
	return n
}

// Conn is one device's connection (an apiclient stand-in).
type Conn struct {
	s        *Server
	pin      string
	mu       sync.Mutex
	sid      string
	onTokens func(apiclient.Tokens)
}

// Dial returns a connection configured like apiclient.New.
func (s *Server) Dial(cfg apiclient.Config) *Conn {
	return &Conn{s: s, pin: cfg.Pin, sid: cfg.Tokens.SessionID, onTokens: cfg.OnTokens}
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var errUnauthorized = &protocol.APIError{Status: 401, Code: protocol.CodeUnauthorized, Msg: "unauthorized"}

// enter checks reachability and the pin, locking the server.
func (c *Conn) enter() error {
	c.s.mu.Lock()
	if c.s.down {
		c.s.mu.Unlock()
		return fmt.Errorf("%w: connection refused", apiclient.ErrUnreachable)
	}
	if c.pin != "" && c.pin != c.s.Fingerprint {
		c.s.mu.Unlock()
		return apiclient.ErrPinMismatch
	}
	return nil
}

// authed enters and returns the session's user.
func (c *Conn) authed() (*user, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	sid := c.sid
	c.mu.Unlock()
	u, ok := c.s.sessions[sid]
	if !ok {
		c.s.mu.Unlock()
		return nil, apiclient.ErrSessionExpired
	}
	return u, nil
}

func (c *Conn) session(u *user) *protocol.LoginResponse {
	sid := newID()
	c.s.sessions[sid] = u
	c.mu.Lock()
	c.sid = sid
	c.mu.Unlock()
	return &protocol.LoginResponse{AccessToken: "a-" + sid, RefreshToken: "r-" + sid, ExpiresIn: 600,
		UserID: u.id, SessionID: sid, WrappedKey: u.wk, KDF: u.kdf}
}

func (c *Conn) told(r *protocol.LoginResponse) {
	if c.onTokens != nil {
		c.onTokens(apiclient.Tokens{Access: r.AccessToken, Refresh: r.RefreshToken, SessionID: r.SessionID, UserID: r.UserID})
	}
}

// Health answers like /healthz.
func (c *Conn) Health(ctx context.Context) (*protocol.HealthResponse, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	c.s.mu.Unlock()
	return &protocol.HealthResponse{Status: "ok", API: []int{1}}, nil
}

// Params returns the user's KDF parameters.
func (c *Conn) Params(ctx context.Context, username string) (*protocol.KDF, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	defer c.s.mu.Unlock()
	u, ok := c.s.users[username]
	if !ok {
		return &protocol.KDF{Alg: "argon2id", Version: 19, Time: 1, Memory: 8, Threads: 1, Salt: make([]byte, 16)}, nil
	}
	k := u.kdf
	return &k, nil
}

// Register creates an account.
func (c *Conn) Register(ctx context.Context, req protocol.RegisterRequest) (*protocol.LoginResponse, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	if !protocol.ValidUsername(req.Username) {
		c.s.mu.Unlock()
		return nil, &protocol.APIError{Status: 400, Code: protocol.CodeInvalidUsername}
	}
	if _, ok := c.s.users[req.Username]; ok {
		c.s.mu.Unlock()
		return nil, &protocol.APIError{Status: 409, Code: protocol.CodeUsernameTaken}
	}
	u := &user{id: newID(), name: req.Username, auth: bytes.Clone(req.AuthKey), rauth: bytes.Clone(req.RecoveryAuthKey), kdf: req.KDF,
		wk: bytes.Clone(req.WrappedKey), rwk: bytes.Clone(req.RecoveryWrappedKey), notes: map[string]*rec{}, gen: 1}
	c.s.users[req.Username] = u
	r := c.session(u)
	c.s.mu.Unlock()
	c.told(r)
	return r, nil
}

// Login opens a session.
func (c *Conn) Login(ctx context.Context, req protocol.LoginRequest) (*protocol.LoginResponse, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	u, ok := c.s.users[req.Username]
	if !ok || !bytes.Equal(u.auth, req.AuthKey) {
		c.s.mu.Unlock()
		return nil, errUnauthorized
	}
	r := c.session(u)
	c.s.mu.Unlock()
	c.told(r)
	return r, nil
}

// Recovery returns the recovery-wrapped bundle.
func (c *Conn) Recovery(ctx context.Context, req protocol.RecoveryRequest) (*protocol.RecoveryResponse, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	defer c.s.mu.Unlock()
	u, ok := c.s.users[req.Username]
	if !ok || !bytes.Equal(u.rauth, req.RecoveryAuthKey) {
		return nil, errUnauthorized
	}
	return &protocol.RecoveryResponse{RecoveryWrappedKey: u.rwk, KDF: u.kdf}, nil
}

// Recover sets a new password and revokes every other session.
func (c *Conn) Recover(ctx context.Context, req protocol.RecoverRequest) (*protocol.LoginResponse, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	u, ok := c.s.users[req.Username]
	if !ok || !bytes.Equal(u.rauth, req.RecoveryAuthKey) {
		c.s.mu.Unlock()
		return nil, errUnauthorized
	}
	u.auth, u.kdf, u.wk = bytes.Clone(req.NewAuthKey), req.KDF, bytes.Clone(req.WrappedKey)
	if req.RecoveryWrappedKey != nil {
		u.rwk = bytes.Clone(req.RecoveryWrappedKey)
	}
	c.s.revokeAll(u, "")
	r := c.session(u)
	c.s.mu.Unlock()
	c.told(r)
	return r, nil
}

func (s *Server) revokeAll(u *user, except string) {
	for sid, su := range s.sessions {
		if su == u && sid != except {
			delete(s.sessions, sid)
		}
	}
}

// Logout revokes this session.
func (c *Conn) Logout(ctx context.Context) error {
	if _, err := c.authed(); err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	delete(c.s.sessions, c.sid)
	return nil
}

// Sessions lists the user's sessions.
func (c *Conn) Sessions(ctx context.Context) ([]protocol.Session, error) {
	u, err := c.authed()
	if err != nil {
		return nil, err
	}
	defer c.s.mu.Unlock()
	var out []protocol.Session
	for sid, su := range c.s.sessions {
		if su == u {
			out = append(out, protocol.Session{ID: sid, Current: sid == c.sid})
		}
	}
	return out, nil
}

// RevokeSession revokes one session of the user.
func (c *Conn) RevokeSession(ctx context.Context, id string) error {
	u, err := c.authed()
	if err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	if c.s.sessions[id] != u {
		return &protocol.APIError{Status: 404, Code: protocol.CodeNotFound}
	}
	delete(c.s.sessions, id)
	return nil
}

// RevokeOtherSessions revokes all but this session.
func (c *Conn) RevokeOtherSessions(ctx context.Context) error {
	u, err := c.authed()
	if err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	c.s.revokeAll(u, c.sid)
	return nil
}

// ChangePassword replaces the password wrap and revokes other sessions.
func (c *Conn) ChangePassword(ctx context.Context, req protocol.PasswordRequest) error {
	u, err := c.authed()
	if err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	if !bytes.Equal(u.auth, req.AuthKey) {
		return errUnauthorized
	}
	u.auth, u.kdf, u.wk = bytes.Clone(req.NewAuthKey), req.KDF, bytes.Clone(req.WrappedKey)
	if req.RecoveryWrappedKey != nil {
		u.rwk = bytes.Clone(req.RecoveryWrappedKey)
	}
	c.s.revokeAll(u, c.sid)
	return nil
}

// Keys returns the wrapped bundle and every successor.
func (c *Conn) Keys(ctx context.Context) (*protocol.KeysResponse, error) {
	u, err := c.authed()
	if err != nil {
		return nil, err
	}
	defer c.s.mu.Unlock()
	resp := &protocol.KeysResponse{KDF: u.kdf, WrappedKey: u.wk}
	for _, s := range u.succs {
		resp.Successors = append(resp.Successors, bytes.Clone(s))
	}
	if n := len(u.succs); n > 0 {
		resp.Successor = bytes.Clone(u.succs[n-1])
	}
	return resp, nil
}

// PutKeys publishes a rotated bundle: a recovery wrap (and recovery auth
// key) replaces the old one only when sent, RevokeSessions ends the other
// sessions (a remedy rotation, SPEC §3.1 L4); a successor is appended (the newest
// protocol.MaxSuccessors are kept). Like the server it checks the key
// generations (SPEC §7.2): a stale base is a conflict and writes nothing.
func (c *Conn) PutKeys(ctx context.Context, req protocol.KeysRequest) error {
	c.s.mu.Lock()
	hook := c.s.beforePutKeys
	c.s.mu.Unlock()
	if hook != nil {
		hook(req)
	}
	u, err := c.authed()
	if err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	base, gen := req.BaseGeneration, req.Generation
	switch {
	case base == 0 && gen == 0 && req.Successor == nil:
	case base == 0 || gen == 0,
		req.Successor != nil && uint64(gen) != uint64(base)+1,
		req.Successor == nil && gen != base && uint64(gen) != uint64(base)+1,
		req.RecoveryAuthKey != nil && req.RecoveryWrappedKey == nil:
		return &protocol.APIError{Status: 400, Code: protocol.CodeBadRequest}
	}
	if !bytes.Equal(u.auth, req.AuthKey) {
		return errUnauthorized
	}
	if gen != 0 {
		if u.gen != base {
			return &protocol.APIError{Status: 409, Code: protocol.CodeConflict, Msg: "the account key changed on the server since your base generation"}
		}
		u.gen = gen
	}
	u.wk = bytes.Clone(req.WrappedKey)
	if req.RecoveryWrappedKey != nil {
		u.rwk = bytes.Clone(req.RecoveryWrappedKey)
	}
	if req.RecoveryAuthKey != nil {
		u.rauth = bytes.Clone(req.RecoveryAuthKey)
	}
	if req.RevokeSessions {
		c.mu.Lock()
		sid := c.sid
		c.mu.Unlock()
		c.s.revokeAll(u, sid)
	}
	if req.Successor != nil {
		u.succs = append(u.succs, bytes.Clone(req.Successor))
		if n := len(u.succs); n > protocol.MaxSuccessors {
			u.succs = u.succs[n-protocol.MaxSuccessors:]
		}
	}
	return nil
}

// SetRecovery replaces the recovery key; the old one stops working.
func (c *Conn) SetRecovery(ctx context.Context, req protocol.RecoveryKeyRequest) error {
	u, err := c.authed()
	if err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	if !bytes.Equal(u.auth, req.AuthKey) {
		return errUnauthorized
	}
	u.rauth, u.rwk = bytes.Clone(req.RecoveryAuthKey), bytes.Clone(req.RecoveryWrappedKey)
	return nil
}

// DeleteAccount removes the user and every session.
func (c *Conn) DeleteAccount(ctx context.Context, req protocol.DeleteAccountRequest) error {
	u, err := c.authed()
	if err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	if !bytes.Equal(u.auth, req.AuthKey) {
		return errUnauthorized
	}
	c.s.revokeAll(u, "")
	delete(c.s.users, u.name)
	return nil
}

func (s *Server) change(id string, r *rec) protocol.Change {
	ch := protocol.Change{ID: id, Rev: r.rev, Seq: r.seq, Blob: slices.Clone(r.blob), Deleted: r.deleted}
	if s.tamper != nil {
		s.tamper(&ch)
	}
	return ch
}

// Changes serves the change feed.
func (c *Conn) Changes(ctx context.Context, since uint64, limit int) (*protocol.ChangesResponse, error) {
	u, err := c.authed()
	if err != nil {
		return nil, err
	}
	defer c.s.mu.Unlock()
	var all []protocol.Change
	for id, r := range u.notes {
		if r.seq > since {
			all = append(all, c.s.change(id, r))
		}
	}
	slices.SortFunc(all, func(a, b protocol.Change) int { return int(a.Seq) - int(b.Seq) })
	resp := &protocol.ChangesResponse{Next: since, Changes: []protocol.Change{}}
	if len(all) > limit {
		all, resp.More = all[:limit], true
	}
	resp.Changes = all
	if len(all) > 0 {
		resp.Next = all[len(all)-1].Seq
	}
	if !resp.More && u.manifest.Version > 0 {
		m := u.manifest
		m.Blob = slices.Clone(m.Blob)
		resp.Manifest = &m
	}
	return resp, nil
}

// Manifest returns the user's manifest (version 0 when none).
func (s *Server) Manifest(username string) protocol.Manifest {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.users[username].manifest
	m.Blob = slices.Clone(m.Blob)
	return m
}

// Batch applies put/delete operations with revision checks; with a
// manifest, atomically with its compare-and-swap (SPEC §7.3).
func (c *Conn) Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error) {
	return c.BatchWritten(ctx, req, nil)
}

// BatchWritten is Batch that calls written once the request has reached
// the server (its lock taken), before it is applied: requests are applied
// in the order they were written.
func (c *Conn) BatchWritten(ctx context.Context, req protocol.BatchRequest, written func()) (*protocol.BatchResponse, error) {
	u, err := c.authed()
	if err != nil {
		if written != nil {
			written()
		}
		return nil, err
	}
	defer c.s.mu.Unlock()
	if written != nil {
		written()
	}
	if len(req.Ops) > protocol.MaxBatchOps {
		return nil, &protocol.APIError{Status: 413, Code: protocol.CodeTooLarge}
	}
	if req.Manifest != nil {
		return c.s.atomic(u, req), nil
	}
	resp := &protocol.BatchResponse{Applied: true}
	for _, op := range req.Ops {
		cur := u.notes[op.ID]
		var curRev uint64
		if cur != nil {
			curRev = cur.rev
		}
		if op.BaseRev != curRev {
			if cur == nil {
				resp.Results = append(resp.Results, protocol.BatchResult{ID: op.ID, Status: protocol.StatusConflict,
					Current: &protocol.Change{ID: op.ID, Deleted: true}})
				continue
			}
			ch := c.s.change(op.ID, cur)
			resp.Results = append(resp.Results, protocol.BatchResult{ID: op.ID, Status: protocol.StatusConflict, Current: &ch})
			continue
		}
		u.seq++
		r := &rec{rev: curRev + 1, seq: u.seq}
		if op.Op == protocol.OpDelete {
			r.deleted = true
		} else {
			r.blob = slices.Clone(op.Blob)
		}
		u.notes[op.ID] = r
		resp.Results = append(resp.Results, protocol.BatchResult{ID: op.ID, Status: protocol.StatusOK, Rev: r.rev, Seq: r.seq})
	}
	return resp, nil
}

// atomic applies an atomic batch: every op and the manifest, or nothing.
func (s *Server) atomic(u *user, req protocol.BatchRequest) *protocol.BatchResponse {
	resp := &protocol.BatchResponse{Results: make([]protocol.BatchResult, len(req.Ops))}
	refused := req.Manifest.BaseVersion != u.manifest.Version
	if !s.noBaseHash {
		resp.BaseHashChecked = true
		if h := req.Manifest.BaseHash; h != "" {
			sum := sha256.Sum256(u.manifest.Blob)
			refused = refused || u.manifest.Version == 0 || h != hex.EncodeToString(sum[:])
		}
	}
	for i, op := range req.Ops {
		resp.Results[i] = protocol.BatchResult{ID: op.ID, Status: protocol.StatusOK}
		cur := u.notes[op.ID]
		var curRev uint64
		if cur != nil {
			curRev = cur.rev
		}
		if op.BaseRev != curRev {
			c := protocol.Change{ID: op.ID, Deleted: true}
			if cur != nil {
				c = s.change(op.ID, cur)
			}
			resp.Results[i] = protocol.BatchResult{ID: op.ID, Status: protocol.StatusConflict, Current: &c}
			refused = true
		}
	}
	if refused {
		m := u.manifest
		m.Blob = slices.Clone(m.Blob)
		resp.Manifest = &m
		return resp
	}
	for i, op := range req.Ops {
		var curRev uint64
		if cur := u.notes[op.ID]; cur != nil {
			curRev = cur.rev
		}
		u.seq++
		r := &rec{rev: curRev + 1, seq: u.seq}
		if op.Op == protocol.OpDelete {
			r.deleted = true
		} else {
			r.blob = slices.Clone(op.Blob)
		}
		u.notes[op.ID] = r
		resp.Results[i].Rev, resp.Results[i].Seq = r.rev, r.seq
	}
	u.manifest = protocol.Manifest{Version: req.Manifest.BaseVersion + 1, Blob: slices.Clone(req.Manifest.Blob)}
	resp.Applied = true
	return resp
}

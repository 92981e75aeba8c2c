package evilproxy

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"cipherleaf.dev/shared/protocol"
)

// branch is a forked copy of one user's notes and manifest that the proxy
// serves, and lets devices write to, instead of the real server.
type branch struct {
	notes    map[string]protocol.Change
	seq      uint64
	manifest protocol.Manifest
}

// Fork snapshots the real server's state as session sid sees it now and
// from then on serves that device the snapshot — the feed, the manifest and
// its writes, which land on the branch only. Other devices keep the real
// server, so their later writes diverge from what sid sees.
func (p *Proxy) Fork(sid string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	sess := p.rec.sessions[sid]
	if sess == nil {
		return fmt.Errorf("fork: no session %q seen", sid)
	}
	br := &branch{notes: map[string]protocol.Change{}}
	for since := uint64(0); ; {
		pg, err := p.fetchChanges(sess, since)
		if err != nil {
			return fmt.Errorf("fork: %w", err)
		}
		for _, c := range pg.Changes {
			br.notes[c.ID] = c
			br.seq = max(br.seq, c.Seq)
		}
		if !pg.More || len(pg.Changes) == 0 {
			if pg.Manifest != nil {
				br.manifest = *pg.Manifest
			}
			break
		}
		since = pg.Next
	}
	p.branches[sid] = br
	return nil
}

// ShowBranch serves session sid the branch forked for session of: the two
// views meet.
func (p *Proxy) ShowBranch(sid, of string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	br := p.branches[of]
	if br == nil {
		return fmt.Errorf("show branch: session %q is not forked", of)
	}
	p.branches[sid] = br
	return nil
}

// Unfork serves session sid the real server again.
func (p *Proxy) Unfork(sid string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.branches, sid)
}

func (br *branch) serves(route string) bool {
	switch route {
	case RouteChanges, RouteGetManifest, RoutePutManifest, RouteBatch, "PUT /notes/{id}", "DELETE /notes/{id}":
		return true
	}
	return false
}

// serve answers like the honest server of SPEC §7.3 would on the branch.
func (br *branch) serve(route string, r *http.Request, body []byte) (int, []byte) {
	switch route {
	case RouteChanges:
		since, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
		pg := protocol.ChangesResponse{Changes: []protocol.Change{}, Next: since}
		for _, c := range br.notes {
			if c.Seq > since {
				pg.Changes = append(pg.Changes, c)
				pg.Next = max(pg.Next, c.Seq)
			}
		}
		slices.SortFunc(pg.Changes, func(a, b protocol.Change) int { return cmp.Compare(a.Seq, b.Seq) })
		if br.manifest.Version > 0 {
			m := br.manifest
			pg.Manifest = &m
		}
		return answer(http.StatusOK, pg)
	case RouteGetManifest:
		return answer(http.StatusOK, br.manifest)
	case RoutePutManifest:
		var req protocol.PutManifestRequest
		if json.Unmarshal(body, &req) != nil {
			return answer(http.StatusBadRequest, map[string]string{"error": "bad request", "code": "bad_request"})
		}
		if req.BaseVersion != br.manifest.Version {
			return answer(http.StatusConflict, protocol.ManifestConflict{Error: "conflict", Code: "conflict", Current: br.manifest})
		}
		br.manifest = protocol.Manifest{Version: req.BaseVersion + 1, Blob: req.Blob}
		return answer(http.StatusOK, map[string]uint64{"version": br.manifest.Version})
	case RouteBatch:
		var req protocol.BatchRequest
		if json.Unmarshal(body, &req) != nil {
			return answer(http.StatusBadRequest, map[string]string{"error": "bad request", "code": "bad_request"})
		}
		return answer(http.StatusOK, br.batch(req))
	default: // PUT or DELETE /notes/{id}
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		op := protocol.BatchOp{Op: protocol.OpDelete, ID: id}
		if r.Method == http.MethodPut {
			var req protocol.PutNoteRequest
			if json.Unmarshal(body, &req) != nil {
				return answer(http.StatusBadRequest, map[string]string{"error": "bad request", "code": "bad_request"})
			}
			op = protocol.BatchOp{Op: protocol.OpPut, ID: id, BaseRev: req.BaseRev, Blob: req.Blob}
		} else {
			op.BaseRev, _ = strconv.ParseUint(r.URL.Query().Get("base_rev"), 10, 64)
		}
		res := br.batch(protocol.BatchRequest{Ops: []protocol.BatchOp{op}}).Results[0]
		if res.Status == protocol.StatusConflict {
			return answer(http.StatusConflict, protocol.ConflictResponse{Error: "conflict", Code: "conflict", Current: *res.Current})
		}
		return answer(http.StatusOK, protocol.WriteResponse{Rev: res.Rev, Seq: res.Seq})
	}
}

// batch applies a batch; with a manifest it is atomic (SPEC §10.5).
func (br *branch) batch(req protocol.BatchRequest) protocol.BatchResponse {
	resp := protocol.BatchResponse{Results: make([]protocol.BatchResult, len(req.Ops))}
	conflict := req.Manifest != nil && req.Manifest.BaseVersion != br.manifest.Version
	for i, op := range req.Ops {
		resp.Results[i] = protocol.BatchResult{ID: op.ID, Status: protocol.StatusOK}
		if cur, ok := br.notes[op.ID]; cur.Rev != op.BaseRev {
			c := cur
			if !ok {
				c = protocol.Change{ID: op.ID, Deleted: true}
			}
			resp.Results[i] = protocol.BatchResult{ID: op.ID, Status: protocol.StatusConflict, Current: &c}
			conflict = true
		}
	}
	if req.Manifest != nil && conflict {
		m := br.manifest
		resp.Manifest = &m
		return resp
	}
	for i, op := range req.Ops {
		if resp.Results[i].Status != protocol.StatusOK {
			continue
		}
		br.seq++
		c := protocol.Change{ID: op.ID, Rev: op.BaseRev + 1, Seq: br.seq}
		if op.Op == protocol.OpDelete {
			c.Deleted = true
		} else {
			c.Blob = op.Blob
		}
		br.notes[op.ID] = c
		resp.Results[i].Rev, resp.Results[i].Seq = c.Rev, c.Seq
	}
	if req.Manifest != nil {
		br.manifest = protocol.Manifest{Version: req.Manifest.BaseVersion + 1, Blob: req.Manifest.Blob}
	}
	resp.Applied = true
	return resp
}

func answer(status int, v any) (int, []byte) {
	b, err := json.Marshal(v)
	if err != nil {
		return http.StatusInternalServerError, []byte(`{"error":"internal","code":"internal"}`)
	}
	return status, b
}

package httpapi

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// handleChanges answers GET /notes?since=SEQ&limit=N. The page is
// streamed from the database to the client, change by change, so a page of
// thousands of blobs is never held in memory.
func (a *api) handleChanges(c echo.Context) error {
	since, err := queryUint(c, "since", 0)
	if err != nil {
		return err
	}
	limit, err := queryUint(c, "limit", protocol.DefaultPageLimit)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = protocol.DefaultPageLimit
	}
	limit = min(limit, protocol.MaxPageLimit)
	w := c.Response()
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	n, out := 0, 0
	start := func() {
		w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		w.WriteHeader(http.StatusOK)
		bw.WriteString(`{"changes":[`)
	}
	end, err := a.Store.StreamChanges(c.Request().Context(), who(c).UserID, since, int(limit), protocol.MaxPageBytes, func(ch *protocol.Change) error {
		if n == 0 {
			start()
		} else {
			bw.WriteByte(',')
		}
		n++
		out += len(ch.Blob)
		return enc.Encode(ch)
	})
	if err != nil {
		if !w.Committed {
			return err
		}
		// The status is sent: cut the connection so the client cannot
		// take a truncated page for a whole one.
		a.Logger.ErrorContext(c.Request().Context(), "stream changes", "err", err)
		panic(http.ErrAbortHandler)
	}
	if n == 0 {
		start()
	}
	bw.WriteString(`],"next":`)
	bw.WriteString(strconv.FormatUint(end.Next, 10))
	if end.More {
		bw.WriteString(`,"more":true`)
	} else {
		bw.WriteString(`,"more":false`)
	}
	if end.Manifest != nil {
		bw.WriteString(`,"manifest":`)
		if err := enc.Encode(end.Manifest); err != nil {
			panic(http.ErrAbortHandler)
		}
	}
	bw.WriteString("}\n")
	a.Metrics.SyncBytesOut.Add(float64(out))
	if err := bw.Flush(); err != nil {
		panic(http.ErrAbortHandler)
	}
	return nil
}

// queryUint parses the query parameter name as a u64, def if absent.
func queryUint(c echo.Context, name string, def uint64) (uint64, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > math.MaxInt64 {
		return 0, badRequest(name + " must be an integer from 0 to 2^63-1")
	}
	return v, nil
}

// checkCounter refuses a revision or version from a body that SQLite
// cannot hold (sequences, revisions and versions stay below 2^63).
func checkCounter(name string, v uint64) error {
	if v > math.MaxInt64 {
		return badRequest(name + " must be below 2^63")
	}
	return nil
}

// handlePutNote answers PUT /notes/{id}.
func (a *api) handlePutNote(c echo.Context) error {
	id := c.Param("id")
	if err := checkNoteID(id); err != nil {
		return err
	}
	var req protocol.PutNoteRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := firstError(a.checkBlob("blob", req.Blob), checkCounter("base_rev", req.BaseRev)); err != nil {
		return err
	}
	rev, seq, err := a.Store.WriteNote(c.Request().Context(), who(c).UserID, a.Quota, &server.Write{ID: id, BaseRev: req.BaseRev, Blob: req.Blob})
	if err != nil {
		return err
	}
	a.Metrics.SyncBytesIn.Add(float64(len(req.Blob)))
	a.poked(c, seq)
	return c.JSON(http.StatusOK, protocol.WriteResponse{Rev: rev, Seq: seq})
}

// handleDeleteNote answers DELETE /notes/{id}?base_rev=N with a tombstone.
func (a *api) handleDeleteNote(c echo.Context) error {
	id := c.Param("id")
	if err := checkNoteID(id); err != nil {
		return err
	}
	if c.QueryParam("base_rev") == "" {
		return badRequest("base_rev is missing")
	}
	base, err := queryUint(c, "base_rev", 0)
	if err != nil {
		return err
	}
	rev, seq, err := a.Store.WriteNote(c.Request().Context(), who(c).UserID, a.Quota, &server.Write{ID: id, BaseRev: base, Delete: true})
	if err != nil {
		return err
	}
	a.poked(c, seq)
	return c.JSON(http.StatusOK, protocol.WriteResponse{Rev: rev, Seq: seq})
}

// handleBatch answers POST /notes/batch: every op checked first, then all
// applied in one transaction, each with its own ok or conflict; with a
// manifest, all or nothing (SPEC §10.5).
func (a *api) handleBatch(c echo.Context) error {
	var req protocol.BatchRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if len(req.Ops) > protocol.MaxBatchOps {
		return tooLarge("at most 1000 operations per batch")
	}
	writes := make([]server.Write, len(req.Ops))
	in := 0
	for i, op := range req.Ops {
		if err := firstError(checkNoteID(op.ID), checkCounter("base_rev", op.BaseRev)); err != nil {
			return err
		}
		switch op.Op {
		case protocol.OpPut:
			if err := a.checkBlob("blob", op.Blob); err != nil {
				return err
			}
			in += len(op.Blob)
		case protocol.OpDelete:
			if op.Blob != nil {
				return badRequest("a delete carries no blob")
			}
		default:
			return badRequest(`op must be "put" or "delete"`)
		}
		writes[i] = server.Write{ID: op.ID, BaseRev: op.BaseRev, Blob: op.Blob, Delete: op.Op == protocol.OpDelete}
	}
	var man *server.ManifestWrite
	if req.Manifest != nil {
		if err := firstError(a.checkBlob("manifest blob", req.Manifest.Blob), checkCounter("base_version", req.Manifest.BaseVersion)); err != nil {
			return err
		}
		hash, err := baseHash(req.Manifest.BaseHash)
		if err != nil {
			return err
		}
		man = &server.ManifestWrite{BaseVersion: req.Manifest.BaseVersion, BaseHash: hash, Blob: req.Manifest.Blob}
		in += len(req.Manifest.Blob)
	}
	out, err := a.Store.Batch(c.Request().Context(), who(c).UserID, a.Quota, writes, man)
	if err != nil {
		return err
	}
	if out.Applied {
		a.Metrics.SyncBytesIn.Add(float64(in))
		var top uint64
		for _, r := range out.Results {
			top = max(top, r.Seq)
		}
		a.poked(c, top)
	}
	b, err := appendBatchResponse(make([]byte, 0, 64+96*len(out.Results)), &protocol.BatchResponse{Results: out.Results, Applied: out.Applied, Manifest: out.Manifest, BaseHashChecked: out.BaseHashChecked})
	if err != nil {
		return fmt.Errorf("encode batch answer: %w", err)
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, append(b, '\n'))
}

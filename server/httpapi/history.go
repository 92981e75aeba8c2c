package httpapi

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/shared/protocol"
)

// handleRevisions answers GET /notes/{id}/revisions?before=REV&limit=N
// (SPEC §7.8): newest first, the current revision included.
func (a *api) handleRevisions(c echo.Context) error {
	id := c.Param("id")
	if err := checkNoteID(id); err != nil {
		return err
	}
	before, err := queryUint(c, "before", 0)
	if err != nil {
		return err
	}
	limit, err := queryUint(c, "limit", protocol.DefaultRevisionLimit)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = protocol.DefaultRevisionLimit
	}
	limit = min(limit, protocol.MaxRevisionLimit)
	revs, more, err := a.Store.Revisions(c.Request().Context(), who(c).UserID, id, before, int(limit))
	if err != nil {
		return err
	}
	out := protocol.RevisionsResponse{Revisions: make([]protocol.RevisionInfo, len(revs)), More: more}
	for i, r := range revs {
		out.Revisions[i] = protocol.RevisionInfo{Rev: r.Rev, Time: r.Stored, Size: r.Size}
	}
	return c.JSON(http.StatusOK, out)
}

// handleRevision answers GET /notes/{id}/revisions/{rev}.
func (a *api) handleRevision(c echo.Context) error {
	id := c.Param("id")
	if err := checkNoteID(id); err != nil {
		return err
	}
	rev, err := strconv.ParseUint(c.Param("rev"), 10, 64)
	if err != nil || rev == 0 {
		return badRequest("rev is not a revision number")
	}
	blob, err := a.Store.RevisionBlob(c.Request().Context(), who(c).UserID, id, rev)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, protocol.RevisionResponse{ID: id, Rev: rev, Blob: blob})
}

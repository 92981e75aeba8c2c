package protocol

// Change is one entry of the change feed: the latest state of a note.
// Exactly one of Blob and Deleted is set.
type Change struct {
	ID      string `json:"id"`
	Rev     uint64 `json:"rev"`
	Seq     uint64 `json:"seq"`
	Blob    []byte `json:"blob,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
}

// ChangesResponse answers GET /notes?since=SEQ&limit=N. The last page
// (More false) carries the manifest read in the same transaction (SPEC §10.6).
type ChangesResponse struct {
	Changes  []Change  `json:"changes"`
	Next     uint64    `json:"next"`
	More     bool      `json:"more"`
	Manifest *Manifest `json:"manifest,omitempty"`
}

// PutNoteRequest writes a new revision of a note.
type PutNoteRequest struct {
	BaseRev uint64 `json:"base_rev"`
	Blob    []byte `json:"blob"`
}

// WriteResponse answers a successful put or delete.
type WriteResponse struct {
	Rev uint64 `json:"rev"`
	Seq uint64 `json:"seq"`
}

// ConflictResponse is the 409 body of a note write whose base is stale.
type ConflictResponse struct {
	Error   string `json:"error"`
	Code    string `json:"code"`
	Current Change `json:"current"`
}

// Batch operation kinds.
const (
	OpPut    = "put"
	OpDelete = "delete"
)

// BatchOp is one put or delete in a batch.
type BatchOp struct {
	Op      string `json:"op"`
	ID      string `json:"id"`
	BaseRev uint64 `json:"base_rev"`
	Blob    []byte `json:"blob,omitempty"`
}

// BatchRequest carries up to MaxBatchOps operations applied in one
// transaction. With Manifest set the batch is atomic (SPEC §10.5): the ops and
// the manifest compare-and-swap are applied all together or not at all.
type BatchRequest struct {
	Ops      []BatchOp           `json:"ops"`
	Manifest *PutManifestRequest `json:"manifest,omitempty"`
}

// Batch result statuses.
const (
	StatusOK       = "ok"
	StatusConflict = "conflict"
)

// BatchResult is the outcome of one BatchOp, in request order.
type BatchResult struct {
	ID      string  `json:"id"`
	Status  string  `json:"status"`
	Rev     uint64  `json:"rev,omitempty"`
	Seq     uint64  `json:"seq,omitempty"`
	Current *Change `json:"current,omitempty"`
}

// BatchResponse answers BatchRequest. For an atomic batch, Applied says
// whether anything was written; when it is false, Results marks the ops that
// conflicted (the others are "ok" but were not applied) and Manifest holds
// the server's current manifest.
//
// BaseHashChecked says the server compares a manifest's BaseHash when
// one is given (SPEC §7.3, §10.5.1): set in the answer to every atomic
// batch by a server that does; one that predates the key never sets it.
type BatchResponse struct {
	Results         []BatchResult `json:"results"`
	Applied         bool          `json:"applied"`
	Manifest        *Manifest     `json:"manifest,omitempty"`
	BaseHashChecked bool          `json:"base_hash_checked,omitempty"`
}

// Limits of the notes API (SPEC §7.3).
const (
	MaxBatchOps      = 1000
	DefaultPageLimit = 1000
	MaxPageLimit     = 5000
	MaxPageBytes     = 8 << 20
)

// Manifest is the opaque per-user manifest blob and its version.
type Manifest struct {
	Version uint64 `json:"version"`
	Blob    []byte `json:"blob,omitempty"`
}

// PutManifestRequest replaces the manifest if BaseVersion is current.
//
// In a batch, BaseHash (lowercase hex SHA-256 of the blob of version
// BaseVersion) asks the server to also compare the current blob (SPEC
// §7.3, §10.5.1); empty compares the version alone. PUT /manifest takes
// none.
type PutManifestRequest struct {
	BaseVersion uint64 `json:"base_version"`
	BaseHash    string `json:"base_hash,omitempty"`
	Blob        []byte `json:"blob"`
}

// ManifestConflict is the 409 body of a stale manifest write.
type ManifestConflict struct {
	Error   string   `json:"error"`
	Code    string   `json:"code"`
	Current Manifest `json:"current"`
}

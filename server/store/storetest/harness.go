// Package storetest is the conformance suite of server.Store: the same
// tests run against every engine (store/sqlite, store/postgres), each
// engine's own test file handing in a Harness that opens a fresh, empty
// store. A behaviour the handlers rely on is tested here, once.
package storetest

import (
	"context"
	"testing"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/basewait"
	"cipherleaf.dev/shared/protocol"
)

// Options are the engine-neutral settings a test asks a store for.
type Options struct {
	Now func() time.Time // nil: time.Now
	// HistoryRevisions and HistoryDays as in SPEC §7.8.
	HistoryRevisions, HistoryDays int
	// BaseWait, if set, is the store's board of atomic batches that
	// overtook the batch before them (SPEC §7.3).
	BaseWait *basewait.Board
}

// Harness is what the suite needs from an engine.
type Harness struct {
	// Open returns a fresh, empty store closed at the end of the test.
	Open func(t testing.TB, opt Options) server.Store
	// Rows counts the rows of a table (notes, successors, sessions, ...).
	Rows func(t testing.TB, s server.Store, table string) int64
	// StoredBytes returns the user's counted used_bytes and what its rows
	// really hold: every note row's blob plus RowOverhead, every history
	// row's likewise (SPEC §7.6), computed by the engine's SQL.
	StoredBytes func(t testing.TB, s server.Store, userID int64) (counted, stored int64)
	// ForgetKeyGeneration makes an account's key generation unknown, as
	// for an account from before generations were kept.
	ForgetKeyGeneration func(t testing.TB, s server.Store, userID int64)
}

// Run runs the whole suite against h.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"CreateUser", testCreateUser},
		{"MetacharacterNames", testMetacharacterNames},
		{"RefreshRotation", testRefreshRotation},
		{"RefreshReuseRace", testRefreshReuseRace},
		{"SessionsIsolation", testSessionsIsolation},
		{"DisableEndsSessions", testDisableEndsSessions},
		{"WriteNoteCAS", testWriteNoteCAS},
		{"ConcurrentCAS", testConcurrentCAS},
		{"Quota", testQuota},
		{"Batch", testBatch},
		{"BatchOverStored", testBatchOverStored},
		{"BatchHistory", testBatchHistory},
		{"ChangesPaging", testChangesPaging},
		{"Manifest", testManifest},
		{"ManifestRace", testManifestRace},
		{"DeleteUserCascades", testDeleteUserCascades},
		{"AtomicBatch", testAtomicBatch},
		{"BaseHash", testBaseHash},
		{"BaseHashChain", testBaseHashChain},
		{"BaseHashOvertake", testBaseHashOvertake},
		{"BaseHashOvertakeRefused", testBaseHashOvertakeRefused},
		{"BaseHashWaitEnds", testBaseHashWaitEnds},
		{"UpdateKeys", testUpdateKeys},
		{"SuccessorsKeepNewest", testSuccessorsKeepNewest},
		{"UpdateKeysGenerationRace", testUpdateKeysGenerationRace},
		{"UpdateKeysGenerationUnknown", testUpdateKeysGenerationUnknown},
		{"TwoFactor", testTwoFactor},
		{"History", testHistory},
		{"HistoryQuota", testHistoryQuota},
		{"HistoryAgedQuota", testHistoryAgedQuota},
		{"Attachments", testAttachments},
		{"CompactTombstones", testCompactTombstones},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

// changes reads one page of the change feed into memory.
func changes(t testing.TB, s server.Store, userID int64, since uint64, limit, maxBytes int) (*server.Page, error) {
	t.Helper()
	p := &server.Page{}
	end, err := s.StreamChanges(context.Background(), userID, since, limit, maxBytes, func(c *protocol.Change) error {
		cc := *c
		if c.Blob != nil {
			cc.Blob = append([]byte{}, c.Blob...)
		}
		p.Changes = append(p.Changes, cc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.Next, p.More, p.Manifest = end.Next, end.More, end.Manifest
	return p, nil
}

// usedMatches checks the user's counted bytes against what is stored.
func (h Harness) usedMatches(t *testing.T, s server.Store, userID int64) {
	t.Helper()
	if counted, stored := h.StoredBytes(t, s, userID); counted != stored {
		t.Fatalf("used_bytes = %d; stored %d", counted, stored)
	}
}

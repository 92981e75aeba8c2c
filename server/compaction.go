package server

// DigestLiveOnly is the first byte of a manifest blob whose set digest
// counts live notes only (SPEC §10.3, §10.4). Only an account whose
// current manifest starts with it (or that has none) has its tombstones
// compacted: devices that wrote an older manifest still count tombstones,
// and would take a compacted one for a dropped note.
const DigestLiveOnly = 0x02

// Compaction is what one CompactTombstones run removed.
type Compaction struct {
	Users      int   // accounts that had tombstones compacted
	Tombstones int64 // tombstones removed
	Revisions  int64 // kept past revisions of those notes removed with them
}

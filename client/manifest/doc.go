// Package manifest is the client's logic for the tamper-evident manifest of
// SPEC §10: the sealed payload and its strict decoder, what a device
// remembers between syncs (Memory), the device's incremental view of the
// server's note set (State), the §10.6 checks (Verify) and the §10.5 writer
// (Next). It does no I/O: the syncer feeds it pulled changes and manifests
// and persists what it returns.
package manifest

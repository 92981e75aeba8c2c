package protocol

// KDF carries an account's Argon2id parameters (SPEC §2). Binary fields are
// []byte, which encoding/json writes as standard base64.
type KDF struct {
	Alg     string `json:"alg"`  // always "argon2id"
	Version int    `json:"v"`    // always 19 (0x13)
	Time    uint32 `json:"t"`    // passes
	Memory  uint32 `json:"m"`    // KiB
	Threads uint8  `json:"p"`    // lanes
	Salt    []byte `json:"salt"` // 16 bytes
}

// KDF algorithm identifiers.
const (
	KDFAlgArgon2id = "argon2id"
	KDFVersion     = 19
)

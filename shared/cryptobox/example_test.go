package cryptobox_test

import (
	"errors"
	"fmt"
	"log"

	"cipherleaf.dev/shared/cryptobox"
)

// The life of a note: derive keys from the password, wrap a new account key
// bundle under the KEK (this is what the server stores), and later unwrap it
// to seal and open a note bound to its user, id and revision.
func Example() {
	// Register. Real clients use cryptobox.NewParams() and DefaultPolicy;
	// the tiny parameters here only keep the example fast.
	params := cryptobox.Params{Time: 1, Memory: 64, Threads: 1, Salt: make([]byte, cryptobox.SaltSize)}
	keys, err := cryptobox.Derive([]byte("correct horse battery staple"), params, cryptobox.InsecureTestPolicy)
	if err != nil {
		log.Fatal(err)
	}
	defer keys.Wipe()
	bundle, err := cryptobox.NewBundle()
	if err != nil {
		log.Fatal(err)
	}
	wrapped, err := cryptobox.WrapBundle(&keys.KEK, bundle, cryptobox.PurposePassword)
	if err != nil {
		log.Fatal(err)
	}
	bundle.Wipe()
	fmt.Println("wrapped bundle:", len(wrapped), "bytes") // sent with keys.Auth

	// Unlock on any device: the same password gives the same KEK.
	again, err := cryptobox.Derive([]byte("correct horse battery staple"), params, cryptobox.InsecureTestPolicy)
	if err != nil {
		log.Fatal(err)
	}
	defer again.Wipe()
	bundle, err = cryptobox.UnwrapBundle(&again.KEK, wrapped, cryptobox.PurposePassword)
	if err != nil {
		log.Fatal(err) // errors.Is(err, cryptobox.ErrOpen): wrong password
	}
	defer bundle.Wipe()

	// Seal revision 1 of a note, then open it where it belongs.
	loc := cryptobox.Location{
		UserID: "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b",
		NoteID: "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3",
		Rev:    1,
	}
	env, err := cryptobox.SealNote(bundle, loc, []byte(`{"v":1,"title":"hello"}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("envelope:", len(env), "bytes")
	payload, err := cryptobox.OpenNote(bundle, loc, env)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("payload:", string(payload))

	// The same blob presented as revision 2 does not open.
	loc.Rev = 2
	_, err = cryptobox.OpenNote(bundle, loc, env)
	fmt.Println("as revision 2:", errors.Is(err, cryptobox.ErrOpen))
	// Output:
	// wrapped bundle: 77 bytes
	// envelope: 557 bytes
	// payload: {"v":1,"title":"hello"}
	// as revision 2: true
}

// A recovery key is printed once for the user to keep, and read back
// forgivingly: case, spaces and dashes do not matter, and 0, 1, 8 are read
// as O, I, B.
func ExampleParseRecoveryKey() {
	var r cryptobox.RecoveryKey // all zero here; use cryptobox.NewRecoveryKey()
	printed := r.String()
	fmt.Println(printed)
	typed := "aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa agm2a" // lower case, spaces
	got, err := cryptobox.ParseRecoveryKey(typed)
	fmt.Println(got == r, err)
	// Output:
	// AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AGM2A
	// true <nil>
}

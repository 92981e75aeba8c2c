//go:build !cgo

package sqlite

// Without cgo go-sqlite3 is a stub that fails every Open, so there is no
// driver error to classify; these exist only so the package (and what
// imports it) still vets for other systems (make vet-cross).

func isUniqueViolation(error) bool     { return false }
func isForeignKeyViolation(error) bool { return false }

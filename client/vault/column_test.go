package vault

import (
	"math"
	"testing"
)

func TestColumnScan(t *testing.T) {
	tests := []struct {
		name string
		scan func(src any) (any, error)
		src  any
		want any // nil: refused
	}{
		{"uint64", scanAs[uint64], int64(7), uint64(7)},
		{"uint64 largest int64", scanAs[uint64], int64(math.MaxInt64), uint64(math.MaxInt64)},
		{"uint64 negative", scanAs[uint64], int64(-1), nil},
		{"uint32", scanAs[uint32], int64(math.MaxUint32), uint32(math.MaxUint32)},
		{"uint32 too large", scanAs[uint32], int64(math.MaxUint32 + 1), nil},
		{"uint32 negative", scanAs[uint32], int64(-1), nil},
		{"int64 negative", scanAs[int64], int64(-5), int64(-5)},
		{"NULL", scanAs[uint64], nil, nil},
		{"text", scanAs[uint64], "7", nil},
		{"real", scanAs[int64], 7.0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.scan(tt.src)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("Scan(%v) = %v, want an error", tt.src, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Scan(%v) = %v, %v; want %v", tt.src, got, err, tt.want)
			}
		})
	}
}

func scanAs[T uint32 | uint64 | int64](src any) (any, error) {
	var v T
	err := column[T]{&v}.Scan(src)
	return v, err
}

package core

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"cipherleaf.dev/shared/note"
)

func nbID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func nbEntries(parents map[int]int) map[string]*entry {
	m := map[string]*entry{}
	for id, p := range parents {
		nb := ""
		if p >= 0 {
			nb = nbID(p)
		}
		m[nbID(id)] = &entry{n: &note.Note{Kind: note.KindNotebook, Title: fmt.Sprint("n", id), Notebook: nb}}
	}
	return m
}

func TestBuildTree(t *testing.T) {
	tests := []struct {
		name    string
		parents map[int]int // id → written parent (-1 root; an id not in the map = deleted)
		want    map[int]int // id → effective parent (-1 root)
	}{
		{"plain", map[int]int{1: -1, 2: 1, 3: 2}, map[int]int{1: -1, 2: 1, 3: 2}},
		{"orphan to root", map[int]int{1: -1, 2: 9}, map[int]int{1: -1, 2: -1}},
		{"self parent", map[int]int{5: 5}, map[int]int{5: -1}},
		{"two-cycle cut at smallest", map[int]int{1: 2, 2: 1}, map[int]int{1: -1, 2: 1}},
		{"cycle with a tail", map[int]int{3: 4, 4: 5, 5: 3, 6: 5, 7: 6}, map[int]int{3: -1, 4: 5, 5: 3, 6: 5, 7: 6}},
		{"two cycles", map[int]int{1: 2, 2: 1, 8: 9, 9: 8, 10: 9}, map[int]int{1: -1, 2: 1, 8: -1, 9: 8, 10: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := buildTree(nbEntries(tt.parents))
			for id, want := range tt.want {
				w := ""
				if want >= 0 {
					w = nbID(want)
				}
				if got := tr.parent[nbID(id)]; got != w {
					t.Errorf("parent(%d) = %q, want %q", id, got, w)
				}
			}
		})
	}
}

// TestBuildTreeRandom: any written parents give a forest (every chain
// reaches the root), the same one whatever the map order, changing only
// one parent per cycle.
func TestBuildTreeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 500 {
		n := 1 + r.IntN(12)
		parents := map[int]int{}
		for i := range n {
			parents[i] = r.IntN(n+2) - 1 // -1 root, n = missing
		}
		first := buildTree(nbEntries(parents))
		for range 3 {
			again := buildTree(nbEntries(parents))
			if fmt.Sprint(again.parent) != fmt.Sprint(first.parent) {
				t.Fatalf("round %d: tree depends on order: %v vs %v", round, again.parent, first.parent)
			}
		}
		written := func(i int) int { // -1 = root (or missing)
			if p := parents[i]; p >= 0 && p < n {
				return p
			}
			return -1
		}
		for id := range parents {
			w := ""
			if p := written(id); p >= 0 {
				w = nbID(p)
			}
			seen := 0
			for cur := nbID(id); cur != ""; cur = first.parent[cur] {
				if seen++; seen > n {
					t.Fatalf("round %d: %v: %d does not reach the root: %v", round, parents, id, first.parent)
				}
			}
			// The written cycle through id, if any.
			var cycle []int
			for cur, k := written(id), 0; cur >= 0 && k <= n; cur, k = written(cur), k+1 {
				cycle = append(cycle, cur)
				if cur == id {
					break
				}
			}
			onCycle := len(cycle) > 0 && cycle[len(cycle)-1] == id
			cut := onCycle && slices.Min(cycle) == id
			if got := first.parent[nbID(id)]; cut && got != "" || !cut && got != w {
				t.Fatalf("round %d: %v: parent(%d) = %q, want cut=%v of written %q", round, parents, id, got, cut, w)
			}
		}
	}
}

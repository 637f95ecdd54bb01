package ios

import (
	"slices"
	"testing"
)

// Rows of one query adding the same keys share one key array; a row that
// adds other keys gets its own copy, and earlier rows never change.
func TestSQLRowSharedKeys(t *testing.T) {
	cols := []string{"a", "b"}
	shared := &keyList{keys: append(make([]string, 0, 3), cols...)}
	row := func() *sqlRow {
		return &sqlRow{keys: shared.keys[:2:2], vals: make([]any, 2, 6), shared: shared}
	}
	r1 := row()
	r1.set("x", 1)
	r1.set("y", 2) // grows past the shared capacity
	r2 := row()
	r2.set("x", 3)
	r2.set("y", 4)
	r3 := row()
	r3.set("z", 5) // another key at the same place: a copy
	r3.set("x", 6)
	for _, tc := range []struct {
		r    *sqlRow
		keys []string
		vals []any
	}{
		{r1, []string{"a", "b", "x", "y"}, []any{nil, nil, 1, 2}},
		{r2, []string{"a", "b", "x", "y"}, []any{nil, nil, 3, 4}},
		{r3, []string{"a", "b", "z", "x"}, []any{nil, nil, 5, 6}},
	} {
		if !slices.Equal(tc.r.keys, tc.keys) || !slices.Equal(tc.r.vals, tc.vals) {
			t.Errorf("row keys %v vals %v, want %v %v", tc.r.keys, tc.r.vals, tc.keys, tc.vals)
		}
	}
	if &r2.keys[0] != &shared.keys[0] {
		t.Error("second row copied keys it could share")
	}
	if &r3.keys[0] == &shared.keys[0] {
		t.Error("a row with other keys writes into the shared array")
	}
}

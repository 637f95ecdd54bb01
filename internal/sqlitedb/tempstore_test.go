package sqlitedb

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

// TestLargeSortNeedsNoTempFile: a sort larger than the page cache spills to
// a temporary file unless temp_store is MEMORY; the read-only VFS cannot
// create one, which made safari_history fail with "disk I/O error" on a
// 500,000-visit History.db.
func TestLargeSortNeedsNoTempFile(t *testing.T) {
	dir := t.TempDir()
	w, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "big.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE t (id INTEGER PRIMARY KEY, k REAL, v TEXT)`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 20000)
		 INSERT INTO t SELECT i, (i * 7919) % 20011, printf('%0100d', i) FROM n`,
	} {
		if _, err := w.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	before, _ := os.ReadDir(dir)

	db, err := Open(os.DirFS(dir), "big.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A tiny cache forces the sorter to spill.
	if _, err := db.Exec(`PRAGMA cache_size = 4`); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT id, v FROM t ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("sorting 20,000 rows: %v", err)
	}
	rows.Close()
	if n != 20000 {
		t.Errorf("%d rows, want 20000", n)
	}
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) {
		t.Errorf("the folder had %d files, now %d", len(before), len(after))
	}
}

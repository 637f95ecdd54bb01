package ios

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// TestStreamRowsDirectMatchesStreamRows: both readers give the same rows in
// the same order, prep applied to each before fn; a DATETIME column (which
// Stream declines) goes through database/sql with prep still applied; a
// broken query names the file.
func TestStreamRowsDirectMatchesStreamRows(t *testing.T) {
	dir := t.TempDir()
	w, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	stmts := []string{`CREATE TABLE m (id INTEGER PRIMARY KEY, text TEXT, blob BLOB, f REAL, d DATETIME)`, `BEGIN`}
	for i := 0; i < 1000; i++ {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO m VALUES (%d, 'msg %d https://x.example/%d', x'0a%02x', %d.5, '2024-01-02 03:04:05')`, i, i, i, i%256, i))
	}
	stmts = append(stmts, `COMMIT`)
	for _, s := range stmts {
		if _, err := w.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	db, err := sqlitedb.Open(os.DirFS(dir), "t.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := source.IOSFile{Path: "t.db", Domain: "HomeDomain", RelativePath: "Library/t.db"}
	prep := func(r *sqlRow) { r.set("prepared", r.str("id")) }

	for _, q := range []string{`SELECT id, text, blob, f FROM m ORDER BY id DESC`, `SELECT * FROM m`} {
		var want, got []*sqlRow
		if err := streamRows(context.Background(), db, f, q, func(r *sqlRow) error {
			prep(r)
			want = append(want, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := streamRowsDirect(context.Background(), db, f, q, prep, func(r *sqlRow) error {
			got = append(got, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(want) != 1000 {
			t.Fatalf("%s: %d rows", q, len(want))
		}
		for i := range want {
			wj, _ := want[i].MarshalJSON()
			gj, _ := got[i].MarshalJSON()
			if diff := cmp.Diff(string(wj), string(gj)); diff != "" {
				t.Fatalf("%s: row %d (-streamRows +direct):\n%s", q, i, diff)
			}
		}
		// Rows share column names, but one row's additions stay its own.
		got[0].set("extra", int64(1))
		if got[1].get("extra") != nil {
			t.Error("a key added to one row appeared in another")
		}
	}
	err = streamRowsDirect(context.Background(), db, f, `SELECT nope FROM m`, nil, func(*sqlRow) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "Library/t.db") {
		t.Errorf("broken query: err = %v, want the file named", err)
	}
}

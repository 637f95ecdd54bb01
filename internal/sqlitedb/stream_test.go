package sqlitedb

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// streamTable holds every storage class, the empty cases the driver treats
// specially (empty text stays "", an empty blob becomes a nil []byte) and
// values only the WAL has.
var streamTable = []string{
	`CREATE TABLE t (i INTEGER, f REAL, s TEXT, b BLOB, n, "odd name" TEXT)`,
	`INSERT INTO t VALUES (1, 1.5, 'a', x'00ff', NULL, 'é')`,
	`INSERT INTO t VALUES (-9223372036854775808, -0.0, '', x'', 3, 'x')`,
	`INSERT INTO t VALUES (9223372036854775807, 1e308, 'line
two', NULL, 'text in an untyped column', NULL)`,
	`INSERT INTO t VALUES ('12', 'not a float', 7, 'blob column holding text', x'01', zeroblob(3))`,
	`PRAGMA wal_checkpoint(TRUNCATE)`,
	`INSERT INTO t VALUES (42, 0.1, 'only in the wal', NULL, NULL, NULL)`,
}

// sqlValues reads query through database/sql, scanning into *any as the
// modules do.
func sqlValues(t *testing.T, db *DB, query string) ([]string, [][]any) {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

func TestStreamMatchesDatabaseSQL(t *testing.T) {
	dir := t.TempDir()
	makeWALDB(t, dir, "s.db", streamTable...)
	for _, wal := range []bool{true, false} {
		name := "s.db"
		if !wal {
			// The same file without its WAL: opened immutable.
			name = "nowal.db"
			b, err := os.ReadFile(dir + "/s.db")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir+"/"+name, b, 0o444); err != nil {
				t.Fatal(err)
			}
		}
		db, err := Open(os.DirFS(dir), name)
		if err != nil {
			t.Fatal(err)
		}
		if db.WAL != wal {
			t.Fatalf("%s: WAL = %v", name, db.WAL)
		}
		const q = `SELECT t.*, i + 1 AS expr FROM t ORDER BY rowid`
		wantCols, want := sqlValues(t, db, q)
		var got [][]any
		err = db.Stream(context.Background(), q, 2, func(cols []string, vals []any) error {
			if diff := cmp.Diff(wantCols, cols); diff != "" {
				t.Errorf("%s: columns (-sql +stream):\n%s", name, diff)
			}
			if cap(vals) < len(cols)+2 {
				t.Errorf("%s: cap(vals) = %d, want room for 2 more", name, cap(vals))
			}
			got = append(got, vals)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(want) != 4+btoi(wal) {
			t.Fatalf("%s: %d rows through database/sql", name, len(want))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: values (-sql +stream):\n%s", name, diff)
		}
		// Types too: cmp treats nil []byte and nil alike only if typed alike.
		for r := range want {
			for c := range want[r] {
				if tw, tg := typeName(want[r][c]), typeName(got[r][c]); tw != tg {
					t.Errorf("%s: row %d column %d: %s through database/sql, %s through Stream", name, r, c, tw, tg)
				}
			}
		}
		db.Close()
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "nil"
	case []byte:
		return "[]byte"
	case string:
		return "string"
	case int64:
		return "int64"
	case float64:
		return "float64"
	}
	return "other"
}

// TestStreamDeclinesDateColumns: the driver turns TEXT in DATE columns into
// time.Time; Stream says it cannot, before calling fn.
func TestStreamDeclinesDateColumns(t *testing.T) {
	dir := t.TempDir()
	makeWALDB(t, dir, "d.db", `CREATE TABLE d (x DATETIME)`, `INSERT INTO d VALUES ('2024-01-02 03:04:05')`)
	db, err := Open(os.DirFS(dir), "d.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Stream(context.Background(), `SELECT x FROM d`, 0, func([]string, []any) error {
		t.Error("fn called")
		return nil
	})
	if !errors.Is(err, ErrStreamUnsupported) {
		t.Errorf("err = %v, want ErrStreamUnsupported", err)
	}
}

func TestStreamErrorsAndCancel(t *testing.T) {
	dir := t.TempDir()
	makeWALDB(t, dir, "e.db", streamTable...)
	db, err := Open(os.DirFS(dir), "e.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	none := func([]string, []any) error { return nil }
	if err := db.Stream(context.Background(), `SELECT nope FROM t`, 0, none); err == nil {
		t.Error("no error for a missing column")
	}
	if err := db.Stream(context.Background(), `INSERT INTO t VALUES (1,1,1,1,1,1)`, 0, none); err == nil {
		t.Error("an INSERT succeeded on evidence")
	}
	stop := errors.New("stop")
	n := 0
	err = db.Stream(context.Background(), `SELECT * FROM t`, 0, func([]string, []any) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn's error: err = %v after %d rows", err, n)
	}
	// A long query is interrupted when the context ends.
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = db.Stream(ctx, `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT i FROM c`, 0,
		func([]string, []any) error {
			if n++; n == 10 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v after %d rows", err, n)
	}
	// A sort that never yields a row is interrupted too.
	ctx, cancel = context.WithTimeout(context.Background(), 50e6)
	defer cancel()
	err = db.Stream(ctx, `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT i FROM c ORDER BY i`, 0, none)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timed out: err = %v", err)
	}
}

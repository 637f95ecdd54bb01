package sqlitedb

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// openCrafted writes a database from stmts (as its author could) and opens
// it as evidence.
func openCrafted(t *testing.T, stmts ...string) *DB {
	t.Helper()
	dir := t.TempDir()
	makeWALDB(t, dir, "c.db", stmts...)
	db, err := Open(os.DirFS(dir), "c.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// readAll runs query both ways (database/sql and Stream) and returns each
// error and the first value read.
//
//lint:ignore ST1008 two errors, one per path, then the value
func readAll(t *testing.T, db *DB, query string) (sqlErr, streamErr error, first any) {
	t.Helper()
	rows, err := db.Query(query)
	if err == nil {
		for rows.Next() {
			if first == nil {
				var v any
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				first = v
			}
		}
		err = rows.Err()
		rows.Close()
	}
	streamErr = db.Stream(context.Background(), query, 0, func([]string, []any) error { return nil })
	return err, streamErr, first
}

func wantCrafted(t *testing.T, what string, err error, words ...string) {
	t.Helper()
	if !errors.Is(err, ErrCrafted) {
		t.Fatalf("%s: err = %v, want ErrCrafted", what, err)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %q does not say %q", what, err, w)
		}
	}
}

// A generated column is the file author's expression: any query reading it
// (table.*, *, by name) is refused before it runs; the other columns read.
func TestGeneratedColumnsRefused(t *testing.T) {
	// The width is raised after the insert (which evaluates it), by
	// rewriting the schema, as the file's author can.
	db := openCrafted(t,
		`CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT,
			big TEXT GENERATED ALWAYS AS (printf('%.*c', 5, 'x')) VIRTUAL,
			kept TEXT GENERATED ALWAYS AS (upper(text)) STORED)`,
		`INSERT INTO message (text) VALUES ('hello')`,
		`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_schema SET sql = replace(sql, '5,', '500000000,') WHERE name = 'message'`)
	for _, q := range []string{`SELECT message.* FROM message`, `SELECT * FROM message`, `SELECT big FROM message`,
		`SELECT text FROM message WHERE length(big) > 0`, `SELECT kept FROM message`} {
		sqlErr, streamErr, _ := readAll(t, db, q)
		wantCrafted(t, q, sqlErr, "message", "generated column")
		wantCrafted(t, q+" (Stream)", streamErr, "generated column")
	}
	sqlErr, streamErr, first := readAll(t, db, `SELECT text FROM message`)
	if sqlErr != nil || streamErr != nil || first != "hello" {
		t.Errorf("plain column: %v, %v, %v", sqlErr, streamErr, first)
	}
}

// A view named like a table (here a recursive CTE that never ends) is
// refused, whether its columns are read or only its rows counted.
func TestViewsRefused(t *testing.T) {
	db := openCrafted(t,
		`CREATE TABLE handle (id TEXT)`,
		`CREATE VIEW message AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS ROWID, printf('%.*c', 1000000, 'x') AS text FROM c`)
	for _, q := range []string{`SELECT message.* FROM message`, `SELECT text FROM message`, `SELECT count(*) FROM message`,
		`SELECT handle.id FROM handle LEFT JOIN message ON 1`} {
		sqlErr, streamErr, _ := readAll(t, db, q)
		wantCrafted(t, q, sqlErr, `"message" is a view`)
		wantCrafted(t, q+" (Stream)", streamErr, "view")
	}
	// The module's own WITH clauses are not views.
	if sqlErr, _, first := readAll(t, db, `WITH c(x) AS (SELECT 7) SELECT x FROM c`); sqlErr != nil || first != int64(7) {
		t.Errorf("own CTE: %v, %v", sqlErr, first)
	}
}

func TestVirtualTablesRefused(t *testing.T) {
	db := openCrafted(t, `CREATE VIRTUAL TABLE message USING fts5(text)`, `INSERT INTO message VALUES ('hi')`)
	sqlErr, streamErr, _ := readAll(t, db, `SELECT text FROM message`)
	wantCrafted(t, "fts5", sqlErr, `"message" is a virtual table`)
	wantCrafted(t, "fts5 (Stream)", streamErr, "virtual table")
}

// A row written before ALTER TABLE ADD COLUMN reads the column's DEFAULT.
// SQLite only turns a literal into that value: a crafted schema giving the
// column a function as default reads NULL, the function never runs. This
// is why the policy leaves DEFAULT alone; the test fails if SQLite starts
// evaluating such defaults.
func TestDefaultIsNotEvaluated(t *testing.T) {
	db := openCrafted(t,
		`CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT)`,
		`INSERT INTO message (text) VALUES ('old row')`,
		`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_schema SET sql = 'CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, `+
			`big TEXT DEFAULT (printf(''%.*c'', 500000000, ''x'')), cat TEXT DEFAULT (''a'' || ''b''), n INTEGER DEFAULT 5)' WHERE name = 'message'`)
	for _, q := range []string{`SELECT big FROM message`, `SELECT cat FROM message`} {
		sqlErr, streamErr, first := readAll(t, db, q)
		if sqlErr != nil || streamErr != nil || first != nil {
			t.Errorf("%s: %v, %v, value %v: want NULL", q, sqlErr, streamErr, first)
		}
	}
	if _, _, first := readAll(t, db, `SELECT n FROM message`); first != int64(5) {
		t.Errorf("literal default: %v, want 5", first)
	}
	if sqlErr, streamErr, _ := readAll(t, db, `SELECT message.* FROM message LIMIT 0`); sqlErr != nil || streamErr != nil {
		t.Errorf("message.*: %v, %v", sqlErr, streamErr)
	}
}

// The run-time limits hold on both connections.
func TestLimits(t *testing.T) {
	db := openCrafted(t, `CREATE TABLE t (a)`)
	for _, q := range []string{`SELECT zeroblob(65 << 20)`, `SELECT printf('%.*c', 500000000, 'x')`,
		`SELECT length(randomblob(100000000))`, `SELECT 1` + strings.Repeat(" UNION ALL SELECT 1", 20)} {
		sqlErr, streamErr, _ := readAll(t, db, q)
		if sqlErr == nil || streamErr == nil {
			t.Errorf("%s: %v, %v: want errors", q[:min(len(q), 40)], sqlErr, streamErr)
		}
	}
	if sqlErr, streamErr, first := readAll(t, db, `SELECT length(zeroblob(60 << 20))`); sqlErr != nil || streamErr != nil || first != int64(60<<20) {
		t.Errorf("a value under the limit: %v, %v, %v", sqlErr, streamErr, first)
	}
}

// A query that outlives its budget is stopped with a sentence: in the
// first step (inside Query), in a later step (inside Next, where the
// driver would not interrupt it), and in Stream.
func TestQueryBudget(t *testing.T) {
	db := openCrafted(t, `CREATE TABLE t (a)`)
	db.budget = 100 * time.Millisecond
	const forever = `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) `
	for _, q := range []string{forever + `SELECT i FROM c ORDER BY i`, forever + `SELECT i FROM c WHERE i = 1 OR i < 0`} {
		sqlErr, streamErr, _ := readAll(t, db, q)
		for _, err := range []error{sqlErr, streamErr} {
			if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "100ms") {
				t.Errorf("%s: err = %v, want ErrTimeout", q[len(forever):], err)
			}
		}
	}
	// The connection is usable afterwards.
	if sqlErr, streamErr, first := readAll(t, db, `SELECT 3`); sqlErr != nil || streamErr != nil || first != int64(3) {
		t.Errorf("after a timeout: %v, %v, %v", sqlErr, streamErr, first)
	}
	// A caller's cancellation stays a cancellation.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.QueryContext(ctx, `SELECT 1`); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

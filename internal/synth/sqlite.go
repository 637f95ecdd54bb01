package synth

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// dbWriter builds one database file. Bulk loads run in one transaction per
// table through a prepared statement, with the journal off: the file is new
// and a crash just means generating again.
type dbWriter struct {
	path string
	db   *sql.DB
	conn *sql.Conn
	ctx  context.Context
	done bool
}

func createDB(path string, schema []string) (*dbWriter, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=locking_mode(EXCLUSIVE)&_pragma=cache_size(-65536)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	w := &dbWriter{path: path, db: db, conn: conn, ctx: ctx}
	if err := w.exec(schema...); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *dbWriter) exec(stmts ...string) error {
	for _, s := range stmts {
		if _, err := w.conn.ExecContext(w.ctx, s); err != nil {
			return fmt.Errorf("%s: %w (in %.60q)", w.path, err, s)
		}
	}
	return nil
}

// bulk inserts n rows with query; row fills args for row i.
func (w *dbWriter) bulk(query string, n int, row func(i int, args []any)) error {
	if n == 0 {
		return nil
	}
	return w.load(func(l *loader) error {
		ins, err := l.prepare(query)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			row(i, ins.args)
			if err := ins.exec(); err != nil {
				return fmt.Errorf("row %d: %w", i, err)
			}
		}
		return nil
	})
}

// load runs fill in one transaction, for tables written together (a
// message and its chat join row).
func (w *dbWriter) load(fill func(l *loader) error) error {
	tx, err := w.conn.BeginTx(w.ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	defer tx.Rollback()
	l := &loader{w: w, tx: tx}
	defer l.closeAll()
	if err := fill(l); err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	return nil
}

// loader holds the prepared statements of one transaction.
type loader struct {
	w     *dbWriter
	tx    *sql.Tx
	stmts []*sql.Stmt
}

func (l *loader) prepare(query string) (*inserter, error) {
	st, err := l.tx.PrepareContext(l.w.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("%w (in %.60q)", err, query)
	}
	l.stmts = append(l.stmts, st)
	return &inserter{st: st, ctx: l.w.ctx, query: query, args: make([]any, countParams(query))}, nil
}

func (l *loader) closeAll() {
	for _, st := range l.stmts {
		st.Close()
	}
}

// inserter is one prepared INSERT; fill args, then exec (which clears them).
type inserter struct {
	st    *sql.Stmt
	ctx   context.Context
	query string
	args  []any
}

func (ins *inserter) exec() error {
	_, err := ins.st.ExecContext(ins.ctx, ins.args...)
	clear(ins.args)
	if err != nil {
		return fmt.Errorf("%w (in %.60q)", err, ins.query)
	}
	return nil
}

// row sets every argument at once and runs the statement.
func (ins *inserter) row(args ...any) error {
	copy(ins.args, args)
	return ins.exec()
}

// close finishes the file; it reports the first error.
func (w *dbWriter) close() error {
	if w.done {
		return nil
	}
	w.done = true
	err := w.conn.Close()
	if err2 := w.db.Close(); err == nil {
		err = err2
	}
	return err
}

func countParams(q string) int {
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
		}
	}
	return n
}

package sqlitedb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrStreamUnsupported is returned by Stream, before any row, for a query
// whose values database/sql would convert in a way Stream does not (the
// driver turns TEXT in DATE/DATETIME/TIMESTAMP columns into time.Time); the
// caller then reads the query through database/sql.
var ErrStreamUnsupported = errors.New("query needs the database/sql driver's conversions")

// streamCheckEvery is how many rows pass between two looks at the context.
const streamCheckEvery = 1024

// Stream runs query on a connection of its own and calls fn with every row.
//
// Why: the database/sql driver opens connections with SQLITE_OPEN_FULLMUTEX
// and reads each value of a row with two or three C calls, each taking and
// releasing the connection's mutex. On a million messages of 80 columns that
// is ~250 million lock round trips, a third of the sms module's CPU. This
// connection is opened with SQLITE_OPEN_NOMUTEX (it never leaves this
// goroutine) on the same read-only view, with the same pragmas.
//
// The values are what database/sql's Scan into *any yields with this driver
// (int64, float64, string, []byte — a zero-length blob as a nil []byte — or
// nil), so records are identical whichever path read them. fn owns vals,
// which has room for extra more values after the columns.
//
// The query is first prepared on the guarded connection, so the policy
// refuses it (ErrCrafted) exactly as QueryContext would: both connections
// see the same immutable file, hence the same schema. It has the same time
// budget (ErrTimeout).
func (d *DB) Stream(ctx context.Context, query string, extra int, fn func(cols []string, vals []any) error) error {
	q, err := d.begin(ctx)
	if err != nil {
		return err
	}
	stmt, err := q.conn.PrepareContext(q.ctx, query)
	if err == nil {
		err = stmt.Close()
	}
	q.end()
	if err != nil {
		return q.explain(err)
	}
	sctx, cancel := context.WithTimeout(ctx, d.budget)
	defer cancel()
	err = d.stream(sctx, query, extra, fn)
	if err != nil {
		err = d.timedOut(ctx, sctx, err)
	}
	return err
}

func (d *DB) stream(ctx context.Context, query string, extra int, fn func(cols []string, vals []any) error) (err error) {
	tls := libc.NewTLS()
	defer tls.Close()
	c := &rawConn{tls: tls}
	if err := c.open(d.dsn); err != nil {
		return err
	}
	defer c.close()
	setLimits(c.db)
	for _, p := range d.pragmas {
		if err := c.exec("PRAGMA " + p); err != nil {
			return err
		}
	}
	// A query stuck in a long step (a big sort) is interrupted when the
	// context ends, as the driver does.
	var wg sync.WaitGroup
	wg.Add(1)
	stop := context.AfterFunc(ctx, func() {
		defer wg.Done()
		itls := libc.NewTLS()
		defer itls.Close()
		sqlite3.Xsqlite3_interrupt(itls, c.db)
	})
	defer func() {
		if stop() {
			wg.Done()
		}
		wg.Wait()
	}()

	stmt, err := c.prepare(query)
	if err != nil {
		return err
	}
	defer sqlite3.Xsqlite3_finalize(tls, stmt)
	n := int(sqlite3.Xsqlite3_column_count(tls, stmt))
	cols := make([]string, n)
	for i := range cols {
		switch strings.ToUpper(libc.GoString(sqlite3.Xsqlite3_column_decltype(tls, stmt, int32(i)))) {
		case "DATE", "DATETIME", "TIMESTAMP":
			return ErrStreamUnsupported
		}
		cols[i] = libc.GoString(sqlite3.Xsqlite3_column_name(tls, stmt, int32(i)))
	}
	for row := 1; ; row++ {
		if row%streamCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		switch rc := sqlite3.Xsqlite3_step(tls, stmt); rc {
		case sqlite3.SQLITE_ROW:
		case sqlite3.SQLITE_DONE:
			return nil
		default:
			if err := ctx.Err(); err != nil {
				return err
			}
			return c.err(rc)
		}
		vals := make([]any, n, n+extra)
		for i := range vals {
			vals[i] = c.column(stmt, int32(i))
		}
		if err := fn(cols, vals); err != nil {
			return err
		}
	}
}

// rawConn is a SQLite connection used straight through the C API.
type rawConn struct {
	tls *libc.TLS
	db  uintptr
}

func (c *rawConn) open(dsn string) error {
	name, err := libc.CString(dsn)
	if err != nil {
		return err
	}
	defer libc.Xfree(c.tls, name)
	pdb := libc.Xmalloc(c.tls, 8)
	if pdb == 0 {
		return errors.New("out of memory")
	}
	defer libc.Xfree(c.tls, pdb)
	*(*uintptr)(cptr(pdb)) = 0
	rc := sqlite3.Xsqlite3_open_v2(c.tls, name, pdb,
		sqlite3.SQLITE_OPEN_READONLY|sqlite3.SQLITE_OPEN_NOMUTEX|sqlite3.SQLITE_OPEN_URI, 0)
	c.db = *(*uintptr)(cptr(pdb))
	if rc != sqlite3.SQLITE_OK {
		err := c.err(rc)
		c.close()
		return err
	}
	return nil
}

func (c *rawConn) close() {
	if c.db != 0 {
		sqlite3.Xsqlite3_close_v2(c.tls, c.db)
		c.db = 0
	}
}

func (c *rawConn) err(rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errstr(c.tls, rc))
	if c.db != 0 {
		msg += ": " + libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db))
	}
	return fmt.Errorf("%s (%d)", msg, rc)
}

// prepare compiles the first statement of query.
func (c *rawConn) prepare(query string) (uintptr, error) {
	q, err := libc.CString(query)
	if err != nil {
		return 0, err
	}
	defer libc.Xfree(c.tls, q)
	pstmt := libc.Xmalloc(c.tls, 8)
	if pstmt == 0 {
		return 0, errors.New("out of memory")
	}
	defer libc.Xfree(c.tls, pstmt)
	*(*uintptr)(cptr(pstmt)) = 0
	if rc := sqlite3.Xsqlite3_prepare_v2(c.tls, c.db, q, -1, pstmt, 0); rc != sqlite3.SQLITE_OK {
		return 0, c.err(rc)
	}
	stmt := *(*uintptr)(cptr(pstmt))
	if stmt == 0 {
		return 0, errors.New("empty query")
	}
	return stmt, nil
}

// exec runs a statement whose rows are not wanted (a pragma).
func (c *rawConn) exec(query string) error {
	stmt, err := c.prepare(query)
	if err != nil {
		return err
	}
	defer sqlite3.Xsqlite3_finalize(c.tls, stmt)
	for {
		switch rc := sqlite3.Xsqlite3_step(c.tls, stmt); rc {
		case sqlite3.SQLITE_ROW:
		case sqlite3.SQLITE_DONE:
			return nil
		default:
			return c.err(rc)
		}
	}
}

// column reads value i of the current row as the driver delivers it.
func (c *rawConn) column(stmt uintptr, i int32) any {
	switch sqlite3.Xsqlite3_column_type(c.tls, stmt, i) {
	case sqlite3.SQLITE_INTEGER:
		return sqlite3.Xsqlite3_column_int64(c.tls, stmt, i)
	case sqlite3.SQLITE_FLOAT:
		return sqlite3.Xsqlite3_column_double(c.tls, stmt, i)
	case sqlite3.SQLITE_TEXT:
		p := sqlite3.Xsqlite3_column_text(c.tls, stmt, i)
		n := sqlite3.Xsqlite3_column_bytes(c.tls, stmt, i)
		if p == 0 || n <= 0 {
			return ""
		}
		return string(unsafe.Slice((*byte)(cptr(p)), n))
	case sqlite3.SQLITE_BLOB:
		p := sqlite3.Xsqlite3_column_blob(c.tls, stmt, i)
		n := sqlite3.Xsqlite3_column_bytes(c.tls, stmt, i)
		if p == 0 || n <= 0 {
			return []byte(nil)
		}
		return append([]byte(nil), unsafe.Slice((*byte)(cptr(p)), n)...)
	}
	return nil
}

// cptr views an address of C memory (SQLite's heap, never Go's) as a
// pointer; going through a variable's address keeps vet's uintptr check
// meaningful elsewhere.
func cptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

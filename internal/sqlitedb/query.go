package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrTimeout marks a query stopped because it used up its time budget.
var ErrTimeout = errors.New("reading took too long")

// Each query on an evidence database may take queryBase plus one second per
// queryBytesPerSecond of the database and its WAL, from its start to its
// rows' Close (the caller's work on the rows included). A crafted schema or
// statistics table can make a plan quadratic, a crafted page chain can make
// a scan loop; real databases are read at hundreds of MB/s (the large case:
// a 1,000,000-message sms.db in under 10 s, whole check included), so the
// budget is more than ten times what a real one needs, and it grows with
// the file, never with what SQLite makes of it.
const (
	queryBase           = 30 * time.Second
	queryBytesPerSecond = 4 << 20
)

func queryBudget(size int64) time.Duration {
	return queryBase + time.Duration(size/queryBytesPerSecond)*time.Second
}

// Rows are the rows of an evidence query. Err says, in a sentence, why a
// query was stopped (ErrTimeout); Close ends its time budget.
type Rows struct {
	*sql.Rows
	q *query
}

// query is one statement running on the database's connection, pinned for
// its lifetime so that its handle stays valid while it may be interrupted.
type query struct {
	d      *DB
	conn   *sql.Conn
	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc
	stop   func() bool
	once   sync.Once

	mu   sync.Mutex
	done bool // the statement no longer runs: do not interrupt
}

// QueryContext runs query on the evidence connection: refused with
// ErrCrafted if it would read a view, a virtual table or a generated
// column, stopped with ErrTimeout when it outlives its budget.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*Rows, error) {
	q, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.conn.QueryContext(q.ctx, query, args...)
	if err != nil {
		err = q.explain(err)
		q.end()
		return nil, err
	}
	return &Rows{Rows: rows, q: q}, nil
}

// Query is QueryContext without a caller's context.
func (d *DB) Query(query string, args ...any) (*Rows, error) {
	return d.QueryContext(context.Background(), query, args...)
}

// begin pins the connection and starts the query's budget: when it runs
// out (or ctx ends), the statement is interrupted, even inside one long
// step, which the driver would not do once the rows are returned.
func (d *DB) begin(ctx context.Context) (*query, error) {
	conn, err := d.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var h uintptr
	if err := conn.Raw(func(dc any) (err error) {
		h, err = connHandle(dc)
		return err
	}); err != nil {
		conn.Close()
		return nil, err
	}
	d.policy.take() // a refusal belongs to the statement that caused it
	q := &query{d: d, conn: conn, parent: ctx}
	q.ctx, q.cancel = context.WithTimeout(ctx, d.budget)
	q.stop = context.AfterFunc(q.ctx, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if !q.done {
			interrupt(h)
		}
	})
	return q, nil
}

// end stops the budget and gives the connection back.
func (q *query) end() {
	q.once.Do(func() {
		q.mu.Lock()
		q.done = true
		q.mu.Unlock()
		q.stop()
		q.cancel()
		q.conn.Close()
	})
}

// explain turns err into the sentence the analyst reads: a refusal of the
// policy, or the budget's end.
func (q *query) explain(err error) error {
	if err == nil {
		return nil
	}
	if err := q.d.policy.craftedError(err); errors.Is(err, ErrCrafted) {
		return err
	}
	return q.d.timedOut(q.parent, q.ctx, err)
}

// timedOut returns the ErrTimeout sentence when ctx ended by its deadline
// and not because parent did, else err.
func (d *DB) timedOut(parent, ctx context.Context, err error) error {
	if parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: stopped after %s, the time one query may take on this database (a crafted file can make SQLite work for ever)", ErrTimeout, d.budget)
	}
	return err
}

// Next advances to the next row; at the end the budget stops.
func (r *Rows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.q.mu.Lock()
	r.q.done = true
	r.q.mu.Unlock()
	return false
}

// Err is the rows' error, as a sentence when the budget stopped them.
func (r *Rows) Err() error { return r.q.explain(r.Rows.Err()) }

// Close closes the rows and ends the query.
func (r *Rows) Close() error {
	err := r.Rows.Close()
	r.q.end()
	return err
}

// interrupt stops the statement running on the connection handle db.
func interrupt(db uintptr) {
	tls := libc.NewTLS()
	defer tls.Close()
	sqlite3.Xsqlite3_interrupt(tls, db)
}

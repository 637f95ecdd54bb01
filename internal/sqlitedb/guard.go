package sqlitedb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"modernc.org/libc"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// An evidence database is written by whoever made the file, schema
// included. Reading a table can make SQLite evaluate expressions from the
// schema: a view's query (a recursive CTE that never ends), a VIRTUAL
// generated column (printf('%.*c', 500000000, 'x') on every row), a virtual
// table's module. Each evidence connection therefore:
//   - runs with trusted_schema off (the DSN sets it);
//   - has SQLite's run-time limits lowered (limits below);
//   - refuses, through SQLite's authorizer, any statement that reads a view,
//     a virtual table or a generated column (policy), before it runs;
//   - gives each query a time budget (query.go).
//
// DEFAULT expressions need nothing: a row written before ALTER TABLE ADD
// COLUMN is read with the column's default, but SQLite only turns a literal
// (or a CAST or negation of one) into that value; a function or operator in
// a DEFAULT reads as NULL and is never called (TestDefaultIsNotEvaluated).
// CHECK constraints, triggers and index expressions run only on writes, and
// the connection never writes.

// ErrCrafted marks a database whose schema asks SQLite to run an expression
// its author wrote where a module reads; errors.Is finds it.
var ErrCrafted = errors.New("the database looks crafted")

// limits are the run-time limits of every evidence connection. Each is far
// above what the modules' queries and real schemas need (SQLite's defaults
// in parentheses), and bounds what a crafted file can make SQLite build.
var limits = []struct {
	id, value int32
}{
	// Largest string or blob (1e9): also bounds a value stored across a
	// looping overflow-page chain, and a row built for a sort.
	{sqlite3.SQLITE_LIMIT_LENGTH, 64 << 20},
	{sqlite3.SQLITE_LIMIT_SQL_LENGTH, 1 << 20},       // (1e9) also applies to schema statements
	{sqlite3.SQLITE_LIMIT_EXPR_DEPTH, 200},           // (1000)
	{sqlite3.SQLITE_LIMIT_COMPOUND_SELECT, 16},       // (500) the modules use at most a few UNIONs
	{sqlite3.SQLITE_LIMIT_VDBE_OP, 1_000_000},        // (250e6) program size, not steps
	{sqlite3.SQLITE_LIMIT_FUNCTION_ARG, 32},          // (127)
	{sqlite3.SQLITE_LIMIT_ATTACHED, 0},               // (10) nothing is ever attached
	{sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000}, // (50000)
	{sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 100},      // (32766)
	{sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH, 1},          // (1000) no writes, no triggers
	{sqlite3.SQLITE_LIMIT_WORKER_THREADS, 0},
}

// setLimits applies limits to the connection handle db.
func setLimits(db uintptr) {
	tls := libc.NewTLS()
	defer tls.Close()
	for _, l := range limits {
		sqlite3.Xsqlite3_limit(tls, db, l.id, l.value)
	}
}

// connHandle returns the sqlite3* of a connection of the modernc driver.
// The driver sets limits only through a *sql.Conn and interrupts only on a
// context during the call that prepares a statement, not while rows are
// stepped; the handle does both here. Reading the unexported field is tied
// to the driver version go.mod pins; a version without it fails every Open
// (fail closed), which the tests would show.
func connHandle(dc any) (uintptr, error) {
	v := reflect.ValueOf(dc)
	if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("db"); f.IsValid() && f.Kind() == reflect.Uintptr && f.Uint() != 0 {
			return uintptr(f.Uint()), nil
		}
	}
	return 0, fmt.Errorf("SQLite driver connection %T has no handle: cannot limit it", dc)
}

// policy holds what this database's connections refuse to read, from its
// schema (audit), and the first refusal since reset.
type policy struct {
	mu        sync.Mutex
	views     map[string]bool
	virtual   map[string]bool
	generated map[string]map[string]bool // table → column, VIRTUAL or STORED
	refused   string
}

// authorize is the connection's SQLite authorizer (called while a
// statement is prepared, on the preparing goroutine).
func (p *policy) authorize(action sqlite.AuthorizerActionCode, arg1, arg2, _, triggerOrView string) sqlite.AuthorizerReturnCode {
	p.mu.Lock()
	defer p.mu.Unlock()
	var why string
	switch {
	case p.views[triggerOrView]:
		// Anything compiled from inside a view is the file author's SQL
		// (triggerOrView also names the caller's own WITH clauses).
		why = viewRefusal(triggerOrView)
	case action != sqlite.AuthRead:
		return sqlite.AuthorizerOK
	case p.views[arg1]:
		why = viewRefusal(arg1)
	case p.virtual[arg1]:
		why = virtualRefusal(arg1)
	case p.generated[arg1][arg2]:
		why = fmt.Sprintf("table %q has a generated column %q: reading it would evaluate an expression written by the file's author", arg1, arg2)
	default:
		return sqlite.AuthorizerOK
	}
	if p.refused == "" {
		p.refused = why
	}
	return sqlite.AuthorizerDeny
}

// notTables maps the lower-case names of the views and virtual tables to
// the sentence refusing them.
func (p *policy) notTables() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]string{}
	for n := range p.views {
		out[strings.ToLower(n)] = viewRefusal(n)
	}
	for n := range p.virtual {
		out[strings.ToLower(n)] = virtualRefusal(n)
	}
	return out
}

func viewRefusal(name string) string {
	return fmt.Sprintf("%q is a view, not a table: reading it would run a query written by the file's author", name)
}

func virtualRefusal(name string) string {
	return fmt.Sprintf("%q is a virtual table, not a table: reading it would run a module the file's author chose", name)
}

// take returns and clears the refusal recorded since the last take.
func (p *policy) take() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.refused
	p.refused = ""
	return r
}

// craftedError returns the refusal recorded while err happened, as the
// sentence the analyst reads, or err itself.
func (p *policy) craftedError(err error) error {
	if why := p.take(); why != "" && err != nil {
		return fmt.Errorf("%w: %s; spyglass does not run it", ErrCrafted, why)
	}
	return err
}

// audit reads the schema's views, virtual tables and generated columns.
// It reads the parsed schema (pragma_table_list, pragma_table_xinfo), not
// the text of sqlite_schema, which its author may have written oddly.
func (p *policy) audit(ctx context.Context, q func(ctx context.Context, query string, args ...any) (rowsLike, error)) error {
	views, virtual, tables := map[string]bool{}, map[string]bool{}, []string{}
	rows, err := q(ctx, `SELECT name, type FROM pragma_table_list WHERE schema = 'main'`)
	if err != nil {
		return fmt.Errorf("listing tables: %w", err)
	}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return fmt.Errorf("listing tables: %w", err)
		}
		switch typ {
		case "view":
			views[name] = true
		case "virtual":
			virtual[name] = true
		default:
			tables = append(tables, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("listing tables: %w", err)
	}
	generated := map[string]map[string]bool{}
	for _, t := range tables {
		rows, err := q(ctx, `SELECT name FROM pragma_table_xinfo(?) WHERE hidden IN (2, 3)`, t)
		if err != nil {
			return fmt.Errorf("listing columns of %s: %w", t, err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return fmt.Errorf("listing columns of %s: %w", t, err)
			}
			if generated[t] == nil {
				generated[t] = map[string]bool{}
			}
			generated[t][c] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("listing columns of %s: %w", t, err)
		}
	}
	p.mu.Lock()
	p.views, p.virtual, p.generated = views, virtual, generated
	p.mu.Unlock()
	return nil
}

// rowsLike is what audit needs of a query's rows.
type rowsLike interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// guardedConnector opens the driver's connections and, before any
// statement runs on one, limits it and installs the policy's authorizer
// (every connection database/sql opens, including after it drops one).
type guardedConnector struct {
	driver.Connector
	p *policy
}

func (g guardedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := g.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	h, err := connHandle(c)
	if err == nil {
		setLimits(h)
		if r, ok := c.(sqlite.AuthorizerRegisterer); ok {
			err = r.RegisterAuthorizer(g.p.authorize)
		} else {
			err = fmt.Errorf("SQLite driver connection %T has no authorizer", c)
		}
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Package sqlitedb opens SQLite evidence read-only, straight from an fs.FS, so
// that nothing is ever written next to the evidence: no -wal, -shm or journal
// file, no checkpoint, and a decrypted database never touches the disk.
//
// A database whose "-wal" sidecar is present is opened through the same
// read-only VFS in exclusive locking mode: SQLite then keeps the WAL index in
// heap memory instead of a -shm file, replays the committed frames of the WAL
// (checking salts and checksums, ignoring frames after the last commit) and,
// because the VFS reports the files read-only and has no write path, never
// checkpoints. Pages are read on demand, so memory stays bounded by SQLite's
// page cache and the WAL index (a few bytes per WAL frame), not by the size
// of the database.
package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"time"

	sqlite "modernc.org/sqlite"
	"modernc.org/sqlite/vfs"
)

// DB is an open evidence database. Close it to release the VFS.
type DB struct {
	*sql.DB
	fs *vfs.FS
	// dsn and pragmas open further connections to the same view (Stream).
	dsn     string
	pragmas []string
	// policy refuses what would run the file author's expressions
	// (guard.go); budget is the time one query may take (query.go).
	policy *policy
	budget time.Duration
	// WAL reports whether a -wal sidecar was read with the database.
	WAL bool
}

// Open opens name inside fsys as a read-only database. When name+"-wal"
// exists and is not empty, its committed content is read too.
func Open(fsys fs.FS, name string) (*DB, error) {
	return OpenWithWAL(fsys, name, name+"-wal")
}

// OpenWithWAL opens name with the write-ahead log stored as walName in fsys,
// for evidence that keeps the two under unrelated names (an iOS backup stores
// "sms.db-wal" under its own file ID). An absent or empty walName is ignored.
func OpenWithWAL(fsys fs.FS, name, walName string) (*DB, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("opening %s: invalid path", name)
	}
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("opening %s: not a regular file", name)
	}
	withWAL := false
	size := st.Size()
	if walName != "" && fs.ValidPath(walName) {
		if ws, err := fs.Stat(fsys, walName); err == nil && ws.Mode().IsRegular() && ws.Size() > 0 {
			withWAL = true
			size += ws.Size()
		}
	}
	// SQLite sees only the files it should read: the database, and the WAL
	// under the name SQLite derives from the database's ("-wal" appended).
	// A stray -journal or -shm beside the evidence (possibly crafted) is
	// never considered.
	var view fs.FS = noSidecarFS{fsys: fsys, db: name}
	dbName := name
	if withWAL {
		dbName = "evidence.db"
		view = pairFS{fsys: fsys, db: name, wal: walName, name: dbName}
	}
	vname, vfsys, err := vfs.New(view)
	if err != nil {
		return nil, fmt.Errorf("registering read-only view for %s: %w", name, err)
	}
	q := url.Values{}
	q.Set("vfs", vname)
	q.Set("mode", "ro")
	if withWAL {
		// Exclusive locking keeps the WAL index in heap memory: the VFS has
		// no shared memory and must not create a -shm file.
		q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	} else {
		// Immutable: SQLite neither locks nor looks for a journal.
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "query_only(1)")
	// Functions and virtual tables the schema uses must be marked safe
	// for it (a second line behind the policy, guard.go).
	q.Add("_pragma", "trusted_schema(0)")
	// Sorts and joins too large for the page cache spill to temporary
	// files; the read-only VFS cannot create any ("disk I/O error" on an
	// ORDER BY over 500,000 Safari visits), so keep them in memory.
	q.Add("_pragma", "temp_store(MEMORY)")
	dsn := "file:" + (&url.URL{Path: dbName}).EscapedPath() + "?" + q.Encode()
	pragmas := q["_pragma"]
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		vfsys.Close()
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	p := &policy{}
	db := sql.OpenDB(guardedConnector{Connector: base, p: p})
	db.SetMaxOpenConns(1)
	d := &DB{DB: db, fs: vfsys, dsn: dsn, pragmas: pragmas, policy: p, budget: queryBudget(size), WAL: withWAL}
	if err := ping(db); err != nil {
		d.Close()
		// The VFS turns any open failure into SQLite's "unable to open
		// database file (14)"; opening the files again names the real cause
		// (permission denied). Done only on failure: on an encrypted backup
		// an open decrypts the whole file.
		if perr := probeOpen(fsys, name); perr != nil {
			return nil, perr
		}
		if withWAL {
			if perr := probeOpen(fsys, walName); perr != nil {
				return nil, perr
			}
		}
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	if err := p.audit(context.Background(), func(ctx context.Context, query string, args ...any) (rowsLike, error) {
		return d.QueryContext(ctx, query, args...)
	}); err != nil {
		d.Close()
		return nil, fmt.Errorf("opening %s: reading its schema: %w", name, err)
	}
	return d, nil
}

// probeOpen opens and closes name, returning a sentence for a file the
// user may not read.
func probeOpen(fsys fs.FS, name string) error {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%s cannot be read: %w", name, fs.ErrPermission)
	}
	if err != nil {
		return fmt.Errorf("opening %s: %w", name, err)
	}
	return f.Close()
}

// ping reads the schema, which makes SQLite parse the header, replay the WAL
// and reject a file that is not a database now rather than at the first query.
func ping(db *sql.DB) error {
	var n int
	return db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n)
}

// Close closes the database and its VFS.
func (d *DB) Close() error {
	return errors.Join(d.DB.Close(), d.fs.Close())
}

// pairFS shows a database and its WAL, stored under unrelated names, as name
// and name+"-wal"; nothing else is visible.
type pairFS struct {
	fsys          fs.FS
	db, wal, name string
}

func (p pairFS) Open(n string) (fs.File, error) {
	switch n {
	case p.name:
		return openReadAhead(p.fsys, p.db)
	case p.name + "-wal":
		return openReadAhead(p.fsys, p.wal)
	}
	return nil, &fs.PathError{Op: "open", Path: n, Err: fs.ErrNotExist}
}

// noSidecarFS shows only the database itself.
type noSidecarFS struct {
	fsys fs.FS
	db   string
}

func (v noSidecarFS) Open(n string) (fs.File, error) {
	if n != v.db {
		return nil, &fs.PathError{Op: "open", Path: n, Err: fs.ErrNotExist}
	}
	return openReadAhead(v.fsys, n)
}

// openReadAhead opens name for the VFS, with read-ahead (readAheadFile).
func openReadAhead(fsys fs.FS, name string) (fs.File, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	return newReadAheadFile(f), nil
}

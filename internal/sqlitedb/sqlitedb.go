// Package sqlitedb opens SQLite evidence read-only, straight from an fs.FS, so
// that nothing is ever written next to the evidence: no -wal, -shm or journal
// file, no checkpoint.
package sqlitedb

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"

	"modernc.org/sqlite/vfs"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is an open evidence database. Close it to release the VFS.
type DB struct {
	*sql.DB
	fs *vfs.FS
}

// Open opens name inside fsys as a read-only, immutable database.
func Open(fsys fs.FS, name string) (*DB, error) {
	vname, vfsys, err := vfs.New(fsys)
	if err != nil {
		return nil, fmt.Errorf("registering read-only view for %s: %w", name, err)
	}
	q := url.Values{}
	q.Set("vfs", vname)
	q.Set("mode", "ro")
	q.Set("immutable", "1")
	dsn := "file:" + (&url.URL{Path: name}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		vfsys.Close()
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		vfsys.Close()
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	return &DB{DB: db, fs: vfsys}, nil
}

// Close closes the database and its VFS.
func (d *DB) Close() error {
	return errors.Join(d.DB.Close(), d.fs.Close())
}

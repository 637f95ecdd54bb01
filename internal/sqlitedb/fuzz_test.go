package sqlitedb

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzOpen feeds arbitrary database and WAL bytes: Open and a full read must
// return errors, never panic or hang.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	makeWALDB(f, dir, "wal.db", "CREATE TABLE t (a, b)", "INSERT INTO t VALUES (1, 'x')", "CREATE INDEX i ON t(b)")
	if b, err := os.ReadFile(filepath.Join(dir, "wal.db")); err == nil {
		w, _ := os.ReadFile(filepath.Join(dir, "wal.db-wal"))
		f.Add(b, w)
	}
	fixture, err := os.ReadFile("../ios/testdata/ios_backup/1f/1f5a521220a3ad80ebfdc196978df8e7a2e49dee")
	if err == nil {
		f.Add(fixture, []byte(nil))
	}
	f.Add([]byte("SQLite format 3\x00"), []byte{0x37, 0x7f, 0x06, 0x82})
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, db, wal []byte) {
		fsys := fstest.MapFS{"f.db": {Data: db}}
		if wal != nil {
			fsys["f.db-wal"] = &fstest.MapFile{Data: wal}
		}
		d, err := Open(fsys, "f.db")
		if err != nil {
			return
		}
		defer d.Close()
		s, err := ReadSchema(d)
		if err != nil {
			return
		}
		for _, tb := range s.Tables() {
			rows, err := d.Query(`SELECT * FROM "` + tb + `"`)
			if err != nil {
				continue
			}
			for rows.Next() {
			}
			rows.Close()
			// Stream reads the same crafted pages through the C API.
			_ = d.Stream(context.Background(), `SELECT * FROM "`+tb+`"`, 0, func([]string, []any) error { return nil })
		}
	})
}

package ios

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// FuzzManifestFilePlist feeds arbitrary bytes as a Files.file plist: decoding
// must fail cleanly, never panic.
func FuzzManifestFilePlist(f *testing.F) {
	db, err := sqlitedb.Open(os.DirFS(filepath.Join("testdata", "ios_backup")), "Manifest.db")
	if err == nil {
		rows, err := db.Query(`SELECT file FROM Files WHERE file IS NOT NULL LIMIT 5`)
		if err == nil {
			for rows.Next() {
				var b []byte
				if rows.Scan(&b) == nil {
					f.Add(b)
				}
			}
			rows.Close()
		}
		db.Close()
	}
	f.Add([]byte("bplist00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &manifestRecord{}
		if decodeMBFile(b, rec) {
			_ = manifestTimeline(rec)
		}
	})
}

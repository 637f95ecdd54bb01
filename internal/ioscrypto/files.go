package ioscrypto

import (
	"database/sql"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/nskeyed"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// File is one row of a decrypted Manifest.db Files table.
type File struct {
	FileID       string
	Domain       string
	RelativePath string
	Flags        sql.NullInt64
	// Meta is the decoded `file` column; nil when it is empty or damaged
	// (MetaErr says why).
	Meta    *nskeyed.MBFile
	MetaErr error
}

// Path is the file's place in the backup folder, "3d/3d0d…".
func (f *File) Path() string { return f.FileID[:2] + "/" + f.FileID }

// ValidFileID accepts only 40 lowercase hexadecimal characters, so a
// crafted manifest cannot name a path outside the backup folder.
func ValidFileID(id string) bool {
	if len(id) != 40 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ReadFiles lists the Files table of a decrypted Manifest.db held in
// memory. Rows whose fileID is not a valid file name are skipped.
func ReadFiles(manifestDB []byte) ([]File, error) {
	db, err := sqlitedb.Open(MemFS{"Manifest.db": manifestDB}, "Manifest.db")
	if err != nil {
		return nil, fmt.Errorf("decrypted Manifest.db: %w", err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT fileID, domain, relativePath, flags, file FROM Files`)
	if err != nil {
		return nil, fmt.Errorf("decrypted Manifest.db: reading Files: %w", err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var id, domain, rel sql.NullString
		var f File
		var blob []byte
		if err := rows.Scan(&id, &domain, &rel, &f.Flags, &blob); err != nil {
			return nil, fmt.Errorf("decrypted Manifest.db: %w", err)
		}
		if !ValidFileID(id.String) {
			continue
		}
		f.FileID, f.Domain, f.RelativePath = id.String, domain.String, rel.String
		if len(blob) > 0 {
			f.Meta, f.MetaErr = nskeyed.DecodeMBFile(blob)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("decrypted Manifest.db: %w", err)
	}
	return out, nil
}

package source

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// IOSBackup is a plain (decrypted) iTunes/Finder backup folder.
type IOSBackup struct {
	Dir  string
	fsys fs.FS
	// files maps fileID to its manifest entry, loaded once.
	files []IOSFile
}

// ErrEncryptedBackup means Manifest.db is encrypted.
var ErrEncryptedBackup = errors.New("the backup is encrypted")

// OpenIOSBackup opens the backup folder dir (which holds Manifest.db).
func OpenIOSBackup(dir string) (*IOSBackup, error) {
	fsys := os.DirFS(dir)
	if _, err := fs.Stat(fsys, "Manifest.db"); err != nil {
		return nil, fmt.Errorf("%s is not an iOS backup folder (no Manifest.db): %w", dir, err)
	}
	b := &IOSBackup{Dir: dir, fsys: fsys}
	if err := b.loadManifest(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *IOSBackup) loadManifest() error {
	hdr := make([]byte, 16)
	f, err := b.fsys.Open("Manifest.db")
	if err != nil {
		return err
	}
	_, err = f.Read(hdr)
	f.Close()
	if err != nil || string(hdr) != "SQLite format 3\x00" {
		return fmt.Errorf("%s/Manifest.db: %w", b.Dir, ErrEncryptedBackup)
	}
	db, err := sqlitedb.Open(b.fsys, "Manifest.db")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT fileID, domain, relativePath FROM Files WHERE flags = 1 OR flags IS NULL`)
	if err != nil {
		return fmt.Errorf("%s/Manifest.db: reading Files: %w", b.Dir, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, domain, rel string
		if err := rows.Scan(&id, &domain, &rel); err != nil {
			return fmt.Errorf("%s/Manifest.db: %w", b.Dir, err)
		}
		if !validFileID(id) {
			continue
		}
		b.files = append(b.files, IOSFile{Path: id[:2] + "/" + id, Domain: domain, RelativePath: rel})
	}
	return rows.Err()
}

// validFileID accepts only 40 lowercase hex characters, so a crafted manifest
// cannot name a path outside the backup.
func validFileID(id string) bool {
	if len(id) != 40 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// FileID is the name a backup gives to domain + relative path.
func FileID(domain, rel string) string {
	s := sha1.Sum([]byte(domain + "-" + rel))
	return hex.EncodeToString(s[:])
}

// FS implements IOS.
func (b *IOSBackup) FS() fs.FS { return b.fsys }

// IsBackup implements IOS.
func (b *IOSBackup) IsBackup() bool { return true }

// Files lists every file entry of the manifest.
func (b *IOSBackup) Files() []IOSFile { return b.files }

// Find implements IOS.
func (b *IOSBackup) Find(q IOSQuery) ([]IOSFile, error) {
	seen := map[string]bool{}
	var out []IOSFile
	add := func(f IOSFile) {
		if seen[f.Path] {
			return
		}
		if _, err := fs.Stat(b.fsys, f.Path); err != nil {
			return
		}
		seen[f.Path] = true
		out = append(out, f)
	}
	for _, dp := range q.DomainPaths {
		domain, rel, ok := strings.Cut(dp, "-")
		if !ok {
			continue
		}
		for _, f := range b.files {
			if f.Domain == domain && f.RelativePath == rel {
				add(f)
			}
		}
	}
	for _, pat := range q.RelativePaths {
		for _, f := range b.files {
			if wildcardMatch(pat, f.RelativePath) {
				add(f)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// wildcardMatch matches s against pat where '*' is any run of characters
// (SQL LIKE '%', as MVT's relativePath queries use).
func wildcardMatch(pat, s string) bool {
	parts := strings.Split(pat, "*")
	if len(parts) == 1 {
		return pat == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

var _ IOS = (*IOSBackup)(nil)

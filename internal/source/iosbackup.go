package source

import (
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// IOSBackup is a plain (decrypted) iTunes/Finder backup folder. Files are
// read through an os.Root, so a symlink inside the backup that points
// outside it is never followed.
type IOSBackup struct {
	Dir  string
	root *os.Root
	fsys fs.FS
	// files holds the manifest's file entries (flags = 1), sorted by Path.
	files []IOSFile
	// byName maps "domain-relativePath" to an index in files.
	byName map[string]int
}

// ErrEncryptedBackup means Manifest.db is encrypted.
var ErrEncryptedBackup = errors.New("the backup is encrypted")

// sqliteMagic starts every SQLite database; an encrypted Manifest.db does
// not have it.
const sqliteMagic = "SQLite format 3\x00"

// OpenIOSBackup opens the backup folder dir (which holds Manifest.db). Close
// it when done.
func OpenIOSBackup(dir string) (*IOSBackup, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening backup %s: %w", dir, err)
	}
	fsys := safefile.FS(root)
	if _, err := fs.Stat(fsys, "Manifest.db"); err != nil {
		root.Close()
		return nil, fmt.Errorf("%s is not an iOS backup folder (no Manifest.db): %w", dir, err)
	}
	b := &IOSBackup{Dir: dir, root: root, fsys: fsys}
	if err := b.loadManifest(); err != nil {
		root.Close()
		return nil, err
	}
	return b, nil
}

// Close releases the backup folder.
func (b *IOSBackup) Close() error {
	if b.root == nil {
		return nil
	}
	return b.root.Close()
}

// isEncryptedManifest reports whether Manifest.db lacks the SQLite header.
func isEncryptedManifest(fsys fs.FS) (bool, error) {
	f, err := fsys.Open("Manifest.db")
	if err != nil {
		return false, err
	}
	defer f.Close()
	hdr := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, hdr); err != nil {
		// Shorter than a header: not a database, encrypted or not.
		return true, nil
	}
	return string(hdr) != sqliteMagic, nil
}

func (b *IOSBackup) loadManifest() error {
	enc, err := isEncryptedManifest(b.fsys)
	if err != nil {
		return fmt.Errorf("%s/Manifest.db: %w", b.Dir, err)
	}
	if enc {
		return fmt.Errorf("%s/Manifest.db: %w", b.Dir, ErrEncryptedBackup)
	}
	db, err := sqlitedb.Open(b.fsys, "Manifest.db")
	if err != nil {
		return fmt.Errorf("%s: %w", b.Dir, err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT fileID, domain, relativePath FROM Files WHERE flags = 1 OR flags IS NULL`)
	if err != nil {
		return fmt.Errorf("%s/Manifest.db: reading Files: %w", b.Dir, err)
	}
	defer rows.Close()
	b.byName = map[string]int{}
	for rows.Next() {
		var id, domain, rel sql.NullString
		if err := rows.Scan(&id, &domain, &rel); err != nil {
			return fmt.Errorf("%s/Manifest.db: %w", b.Dir, err)
		}
		if !validFileID(id.String) {
			continue
		}
		b.files = append(b.files, IOSFile{Path: id.String[:2] + "/" + id.String, Domain: domain.String, RelativePath: rel.String})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s/Manifest.db: %w", b.Dir, err)
	}
	sort.SliceStable(b.files, func(i, j int) bool { return b.files[i].Path < b.files[j].Path })
	for i, f := range b.files {
		k := f.Domain + "-" + f.RelativePath
		if _, dup := b.byName[k]; !dup {
			b.byName[k] = i
		}
	}
	return nil
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

// Files lists every file entry of the manifest, sorted by Path.
func (b *IOSBackup) Files() []IOSFile { return b.files }

// Find implements IOS (see findInManifest for the rules).
func (b *IOSBackup) Find(q IOSQuery) ([]IOSFile, error) {
	return findInManifest(b.fsys, b.files, b.byName, q, func(string) bool { return true }), nil
}

// splitDomainPath splits "AppDomain-com.apple.mobilesafari-Library/x" into
// its domain and relative path.
func splitDomainPath(dp string) (domain, rel string, ok bool) {
	head := dp
	if i := strings.IndexByte(dp, '/'); i >= 0 {
		head = dp[:i]
	}
	i := strings.LastIndexByte(head, '-')
	if i < 0 {
		return "", "", false
	}
	return dp[:i], dp[i+1:], true
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

package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// An encrypted backup is checked in place: Manifest.db is decrypted into
// memory and every file is decrypted when a module opens it. Nothing
// decrypted is written next to the evidence. A file larger than
// EncryptedOptions.MemoryLimit is decrypted into a 0600 file inside a
// private 0700 folder; that file is unlinked as soon as it is written (the
// open handle keeps the data until Close), and the folder is removed by
// Close or by the cleanup function from a signal handler.

// DefaultMemoryLimit is the largest file decrypted in memory. Several
// modules may hold a file open at once, so it stays well below a laptop's
// memory; larger databases (a heavy user's sms.db, photo libraries) go to
// the private temporary folder.
const DefaultMemoryLimit = 64 << 20

// EncryptedOptions tune OpenEncryptedIOSBackup.
type EncryptedOptions struct {
	// MemoryLimit is the largest file (in encrypted bytes) decrypted in
	// memory; DefaultMemoryLimit if 0.
	MemoryLimit int64
	// TempDir is where the private temporary folder is made; the system
	// temporary folder if "". It must not lie inside the backup.
	TempDir string
}

// EncryptedIOSBackup is an encrypted iTunes/Finder backup read in place.
type EncryptedIOSBackup struct {
	Dir string

	root     *os.Root
	raw      fs.FS
	unlocked *ioscrypto.Unlocked
	manifest []byte
	// keyed maps "xx/<fileID>" to the manifest row holding its key.
	keyed map[string]*ioscrypto.File
	// files are the entries Find searches, as for a plain backup, sorted
	// by Path; byName maps "domain-relativePath" to an index in files.
	files  []IOSFile
	byName map[string]int
	opts   EncryptedOptions
	fsys   *encryptedFS

	tmpMu   sync.Mutex
	tmpDir  string
	tmpDead bool
}

// OpenEncryptedIOSBackup unlocks the encrypted backup folder dir with a
// password or a derived key (ioscrypto.Password, ioscrypto.WithKey). A wrong
// one returns ioscrypto.ErrWrongPassword.
func OpenEncryptedIOSBackup(dir string, cred ioscrypto.Credential, opts EncryptedOptions) (*EncryptedIOSBackup, error) {
	if opts.MemoryLimit <= 0 {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	if opts.TempDir == "" {
		opts.TempDir = os.TempDir()
	}
	if inside, err := pathInside(opts.TempDir, dir); err != nil {
		return nil, err
	} else if inside {
		return nil, fmt.Errorf("temporary folder %s is inside the backup %s: evidence is never written to", opts.TempDir, dir)
	}
	// Through an os.Root, a symbolic link in the backup that points
	// outside it is never followed.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening backup %s: %w", dir, err)
	}
	b, err := openEncrypted(dir, root, cred, opts)
	if err != nil {
		root.Close()
		return nil, err
	}
	return b, nil
}

func openEncrypted(dir string, root *os.Root, cred ioscrypto.Credential, opts EncryptedOptions) (*EncryptedIOSBackup, error) {
	raw := safefile.FS(root)
	u, err := ioscrypto.Unlock(raw, cred)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	db, err := u.ManifestDB(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	rows, err := ioscrypto.ReadFiles(db)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	b := &EncryptedIOSBackup{Dir: dir, root: root, raw: raw, unlocked: u, manifest: db,
		keyed: map[string]*ioscrypto.File{}, byName: map[string]int{}, opts: opts}
	for i := range rows {
		r := &rows[i]
		if r.Meta != nil && len(r.Meta.EncryptionKey) > 0 {
			b.keyed[r.Path()] = r
		}
		// The same rows a plain backup's Find searches.
		if r.Flags.Valid && r.Flags.Int64 != 1 {
			continue
		}
		b.files = append(b.files, IOSFile{Path: r.Path(), Domain: r.Domain, RelativePath: r.RelativePath})
	}
	sort.SliceStable(b.files, func(i, j int) bool { return b.files[i].Path < b.files[j].Path })
	for i, f := range b.files {
		k := f.Domain + "-" + f.RelativePath
		if _, dup := b.byName[k]; !dup {
			b.byName[k] = i
		}
	}
	b.fsys = &encryptedFS{b: b}
	return b, nil
}

// Key is the derived key, for extract-key and for later runs with
// -k/--key-file.
func (b *EncryptedIOSBackup) Key() ioscrypto.Key { return b.unlocked.Key }

// FS implements IOS: files read decrypted.
func (b *EncryptedIOSBackup) FS() fs.FS { return b.fsys }

// IsBackup implements IOS.
func (b *EncryptedIOSBackup) IsBackup() bool { return true }

// Files lists the manifest entries Find searches.
func (b *EncryptedIOSBackup) Files() []IOSFile { return b.files }

// Find implements IOS with the same rules as a plain backup
// (findInManifest), except that a file found by its ID alone must still
// have a key in Manifest.db, since nothing else could decrypt it.
func (b *EncryptedIOSBackup) Find(q IOSQuery) ([]IOSFile, error) {
	return findInManifest(b.raw, b.files, b.byName, q, func(p string) bool { return b.keyed[p] != nil }), nil
}

// Close removes the private temporary folder and releases the backup
// folder. Files still open keep working on Unix (their data is unlinked).
func (b *EncryptedIOSBackup) Close() error {
	err := b.removeTemp()
	if b.root != nil {
		err = errors.Join(err, b.root.Close())
	}
	return err
}

// Cleanup returns a function that removes the temporary folder, safe to
// call from a signal handler goroutine, more than once, and concurrently
// with reads (a read racing it fails instead of leaving a file behind).
func (b *EncryptedIOSBackup) Cleanup() func() { return func() { b.removeTemp() } }

func (b *EncryptedIOSBackup) removeTemp() error {
	b.tmpMu.Lock()
	defer b.tmpMu.Unlock()
	b.tmpDead = true
	if b.tmpDir == "" {
		return nil
	}
	err := os.RemoveAll(b.tmpDir)
	b.tmpDir = ""
	return err
}

// TempDir is the private temporary folder, "" until a large file needed it
// (and after Close).
func (b *EncryptedIOSBackup) TempDir() string {
	b.tmpMu.Lock()
	defer b.tmpMu.Unlock()
	return b.tmpDir
}

// createTemp makes a 0600 file in the private folder, creating the folder
// (0700) on first use.
func (b *EncryptedIOSBackup) createTemp() (*os.File, error) {
	b.tmpMu.Lock()
	defer b.tmpMu.Unlock()
	if b.tmpDead {
		return nil, errors.New("the encrypted backup is closed")
	}
	if b.tmpDir == "" {
		d, err := os.MkdirTemp(b.opts.TempDir, "spyglass-ios-")
		if err != nil {
			return nil, err
		}
		if err := os.Chmod(d, 0o700); err != nil {
			os.RemoveAll(d)
			return nil, err
		}
		b.tmpDir = d
	}
	// CreateTemp already uses 0600.
	return os.CreateTemp(b.tmpDir, "dec-*")
}

// pathInside reports whether p is dir or lies inside it, after resolving
// symbolic links.
func pathInside(p, dir string) (bool, error) {
	rp, err := resolvePath(p)
	if err != nil {
		return false, err
	}
	rd, err := resolvePath(dir)
	if err != nil {
		return false, err
	}
	return rp == rd || strings.HasPrefix(rp, rd+string(filepath.Separator)), nil
}

func resolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	return abs, nil
}

// mtime turns a manifest time into a file time.
func mtime(unix int64) time.Time {
	if unix <= 0 {
		return time.Time{}
	}
	return time.Unix(unix, 0).UTC()
}

var _ IOS = (*EncryptedIOSBackup)(nil)

package ioscrypto

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// DecryptOptions tune DecryptBackup.
type DecryptOptions struct {
	// Hashes records the SHA-256 of every encrypted file read and every
	// decrypted file written (-H), for info.json.
	Hashes bool
	// Workers is the number of files decrypted at once; GOMAXPROCS if 0.
	Workers int
}

// FileHash is one info.json entry.
type FileHash struct {
	FilePath string `json:"file_path"`
	SHA256   string `json:"sha256"`
}

// HashInfo is the info.json MVT's decrypt-backup -H writes.
type HashInfo struct {
	Encrypted []FileHash `json:"encrypted"`
	Decrypted []FileHash `json:"decrypted"`
}

// DecryptResult says what DecryptBackup did.
type DecryptResult struct {
	// Files is the number of backup files decrypted (Manifest.db and the
	// root property lists not included).
	Files int
	// Failed holds one error per file that could not be decrypted (damaged
	// or truncated); those files are not written. The rest of the backup
	// is still decrypted.
	Failed []error
	// Hashes is filled when DecryptOptions.Hashes is set, sorted by path.
	Hashes HashInfo
}

// ErrDestInsideSource means the destination lies inside the evidence.
var ErrDestInsideSource = errors.New("the destination folder is inside the backup folder: evidence is never written to")

// DecryptBackup writes a decrypted copy of the encrypted backup folder src
// to dest in the standard layout: Manifest.db, <xx>/<fileID> for every file
// that has an encryption key, and the root *.plist files copied as they
// are. Files are decrypted in parallel, streamed in bounded memory. dest is
// created (0700, files 0600: the copy is as sensitive as the phone) and
// must not lie inside src; a file already in dest is never overwritten.
func DecryptBackup(ctx context.Context, src, dest string, cred Credential, opts DecryptOptions) (*DecryptResult, error) {
	if err := checkDest(src, dest); err != nil {
		return nil, err
	}
	// Both folders are reached through an os.Root: a symbolic link in a
	// crafted backup cannot lead reads, or writes, elsewhere.
	srcRoot, err := os.OpenRoot(src)
	if err != nil {
		return nil, err
	}
	defer srcRoot.Close()
	srcFS := safefile.FS(srcRoot)
	u, err := Unlock(srcFS, cred)
	if err != nil {
		return nil, err
	}
	encDB, err := readRegular(srcRoot, "Manifest.db")
	if err != nil {
		return nil, err
	}
	db, err := u.ManifestDB(srcFS)
	if err != nil {
		return nil, err
	}
	files, err := ReadFiles(db)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dest, 0o700); err != nil {
		return nil, err
	}
	destRoot, err := os.OpenRoot(dest)
	if err != nil {
		return nil, err
	}
	defer destRoot.Close()
	res := &DecryptResult{}
	var mu sync.Mutex
	record := func(enc, dec *FileHash) {
		mu.Lock()
		defer mu.Unlock()
		if enc != nil {
			res.Hashes.Encrypted = append(res.Hashes.Encrypted, *enc)
		}
		if dec != nil {
			res.Hashes.Decrypted = append(res.Hashes.Decrypted, *dec)
		}
	}
	if err := writeNew(destRoot, "Manifest.db", db); err != nil {
		return nil, err
	}
	if opts.Hashes {
		record(&FileHash{filepath.Join(src, "Manifest.db"), sum(encDB)}, &FileHash{filepath.Join(dest, "Manifest.db"), sum(db)})
	}
	if err := copyPlists(srcRoot, destRoot, src, dest, opts.Hashes, record); err != nil {
		return nil, err
	}

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan *File)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for f := range jobs {
				enc, dec, err := decryptOne(u, srcRoot, destRoot, src, dest, f, opts.Hashes)
				mu.Lock()
				if err != nil {
					res.Failed = append(res.Failed, err)
				} else {
					res.Files++
				}
				mu.Unlock()
				if err == nil && opts.Hashes {
					record(enc, dec)
				}
			}
		})
	}
	for i := range files {
		f := &files[i]
		if f.Meta == nil || len(f.Meta.EncryptionKey) == 0 {
			continue
		}
		if _, err := srcRoot.Lstat(f.Path()); err != nil {
			continue // listed in the manifest, absent from the folder
		}
		select {
		case jobs <- f:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	sortHashes(res.Hashes.Encrypted)
	sortHashes(res.Hashes.Decrypted)
	sort.Slice(res.Failed, func(i, j int) bool { return res.Failed[i].Error() < res.Failed[j].Error() })
	return res, nil
}

// decryptOne streams one file from src to dest.
func decryptOne(u *Unlocked, srcRoot, destRoot *os.Root, src, dest string, f *File, hashes bool) (enc, dec *FileHash, err error) {
	name := f.Path()
	srcPath, destPath := filepath.Join(src, filepath.FromSlash(name)), filepath.Join(dest, filepath.FromSlash(name))
	fail := func(err error) error {
		return fmt.Errorf("%s (%s-%s): %w", srcPath, f.Domain, f.RelativePath, err)
	}
	key, err := u.FileKey(f.Meta.EncryptionKey)
	if err != nil {
		return nil, nil, fail(err)
	}
	in, err := openRegular(srcRoot, name)
	if err != nil {
		return nil, nil, fail(err)
	}
	defer in.Close()
	if err := destRoot.MkdirAll(name[:2], 0o700); err != nil {
		return nil, nil, fail(err)
	}
	out, err := destRoot.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, nil, fail(err)
	}
	var r io.Reader = in
	var w io.Writer = out
	var hIn, hOut hash.Hash
	if hashes {
		hIn, hOut = sha256.New(), sha256.New()
		r, w = io.TeeReader(in, hIn), io.MultiWriter(out, hOut)
	}
	_, err = DecryptStream(w, r, key)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		destRoot.Remove(name)
		return nil, nil, fail(err)
	}
	if hashes {
		enc = &FileHash{srcPath, hex.EncodeToString(hIn.Sum(nil))}
		dec = &FileHash{destPath, hex.EncodeToString(hOut.Sum(nil))}
	}
	return enc, dec, nil
}

// openRegular opens a regular file, refusing the symbolic links, devices
// and pipes a crafted backup folder could hold (a FIFO swapped in after
// the check is caught by safefile, without blocking).
func openRegular(root *os.Root, name string) (*os.File, error) {
	fi, err := root.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &safefile.NotRegularError{Path: name, Mode: fi.Mode()}
	}
	return safefile.OpenIn(root, name)
}

func readRegular(root *os.Root, name string) ([]byte, error) {
	f, err := openRegular(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxManifestDB))
}

func copyPlists(srcRoot, destRoot *os.Root, src, dest string, hashes bool, record func(enc, dec *FileHash)) error {
	entries, err := fs.ReadDir(safefile.FS(srcRoot), ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".plist") {
			continue
		}
		data, err := readRegular(srcRoot, e.Name())
		if err != nil {
			return err
		}
		if err := writeNew(destRoot, e.Name(), data); err != nil {
			return err
		}
		if hashes {
			h := sum(data)
			record(&FileHash{filepath.Join(src, e.Name()), h}, &FileHash{filepath.Join(dest, e.Name()), h})
		}
	}
	return nil
}

func writeNew(root *os.Root, name string, data []byte) error {
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

// checkDest refuses a destination inside (or equal to) the source, after
// resolving symbolic links of the part of dest that exists.
func checkDest(src, dest string) error {
	s, err := realPath(src)
	if err != nil {
		return err
	}
	d, err := realPath(dest)
	if err != nil {
		return err
	}
	if d == s || strings.HasPrefix(d, s+string(filepath.Separator)) {
		return fmt.Errorf("%s: %w", dest, ErrDestInsideSource)
	}
	return nil
}

// realPath resolves symbolic links in the longest existing prefix of p.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
		cur = parent
	}
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func sortHashes(h []FileHash) {
	sort.Slice(h, func(i, j int) bool { return h[i].FilePath < h[j].FilePath })
}

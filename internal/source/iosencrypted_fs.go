package source

import (
	"crypto/aes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// encryptedFS is the decrypted view of an encrypted backup. Manifest.db
// and every file with a key in it read decrypted; the root property lists
// and folders (whose listings show encrypted sizes) pass through; a file
// in the folder without a key in Manifest.db cannot be read.
type encryptedFS struct{ b *EncryptedIOSBackup }

func (e *encryptedFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "Manifest.db" {
		return ioscrypto.NewMemFile(name, e.b.manifest, time.Time{}), nil
	}
	row, ok := e.b.keyed[name]
	if !ok {
		if dir, base := path.Split(name); len(dir) == 3 && ioscrypto.ValidFileID(base) {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("no encryption key for it in Manifest.db: %w", fs.ErrNotExist)}
		}
		return e.b.raw.Open(name)
	}
	return e.openDecrypted(name, row)
}

func (e *encryptedFS) openDecrypted(name string, row *ioscrypto.File) (fs.File, error) {
	fail := func(err error) error {
		return &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%s-%s: %w", row.Domain, row.RelativePath, err)}
	}
	key, err := e.b.unlocked.FileKey(row.Meta.EncryptionKey)
	if err != nil {
		return nil, fail(err)
	}
	f, err := e.b.raw.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fail(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fail(&safefile.NotRegularError{Path: name, Mode: fi.Mode()})
	}
	mod := mtime(row.Meta.LastModified)
	if fi.Size() <= e.b.opts.MemoryLimit {
		buf := make([]byte, fi.Size())
		if _, err := io.ReadFull(f, buf); err != nil {
			return nil, fail(err)
		}
		plain, err := ioscrypto.DecryptFile(key, buf)
		if err != nil {
			return nil, fail(err)
		}
		return ioscrypto.NewMemFile(name, plain, mod), nil
	}
	tmp, err := e.b.createTemp()
	if err != nil {
		return nil, fail(err)
	}
	// Unlink at once: the plaintext lives only as long as the handle, even
	// if spyglass is killed. Where an open file cannot be removed (Windows)
	// it is removed on Close, and with the folder.
	unlinked := os.Remove(tmp.Name()) == nil
	n, err := ioscrypto.DecryptStream(tmp, f, key)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fail(err)
	}
	return &tempFile{File: tmp, info: plainInfo{name: path.Base(name), size: n, mod: mod}, unlinked: unlinked}, nil
}

// Stat reports a file's decrypted size without decrypting all of it: with
// CBC the last plaintext block needs only the last two ciphertext blocks,
// and its padding gives the length.
func (e *encryptedFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	row, ok := e.b.keyed[name]
	if !ok || name == "Manifest.db" {
		f, err := e.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Stat()
	}
	fail := func(err error) error {
		return &fs.PathError{Op: "stat", Path: name, Err: fmt.Errorf("%s-%s: %w", row.Domain, row.RelativePath, err)}
	}
	key, err := e.b.unlocked.FileKey(row.Meta.EncryptionKey)
	if err != nil {
		return nil, fail(err)
	}
	f, err := e.b.raw.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fail(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fail(&safefile.NotRegularError{Path: name, Mode: fi.Mode()})
	}
	size := fi.Size()
	info := plainInfo{name: path.Base(name), mod: mtime(row.Meta.LastModified)}
	if size == 0 {
		return info, nil
	}
	ra, ok := f.(io.ReaderAt)
	if !ok || size%aes.BlockSize != 0 {
		return nil, fail(ioscrypto.ErrBadPadding)
	}
	tail := make([]byte, 2*aes.BlockSize)
	off := size - int64(len(tail))
	if off < 0 { // one block: the IV (zero) precedes it
		tail = tail[:aes.BlockSize]
		off = 0
		if _, err := ra.ReadAt(tail, off); err != nil {
			return nil, fail(err)
		}
		tail = append(make([]byte, aes.BlockSize), tail...)
	} else if _, err := ra.ReadAt(tail, off); err != nil {
		return nil, fail(err)
	}
	last, err := lastBlock(key, tail)
	if err != nil {
		return nil, fail(err)
	}
	info.size = size - aes.BlockSize + int64(last)
	return info, nil
}

// lastBlock decrypts the final block (tail = previous block + last block)
// and returns how many of its bytes are data.
func lastBlock(key, tail []byte) (int, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return 0, err
	}
	p := make([]byte, aes.BlockSize)
	block.Decrypt(p, tail[aes.BlockSize:])
	for i := range p {
		p[i] ^= tail[i]
	}
	n, err := ioscrypto.DecryptFileLength(p)
	return n, err
}

// tempFile is a decrypted file spilled to the private folder.
type tempFile struct {
	*os.File
	info     plainInfo
	unlinked bool
}

func (t *tempFile) Stat() (fs.FileInfo, error) { return t.info, nil }

func (t *tempFile) Close() error {
	err := t.File.Close()
	if !t.unlinked {
		os.Remove(t.File.Name())
	}
	return err
}

type plainInfo struct {
	name string
	size int64
	mod  time.Time
}

func (i plainInfo) Name() string       { return i.name }
func (i plainInfo) Size() int64        { return i.size }
func (i plainInfo) Mode() fs.FileMode  { return 0o400 }
func (i plainInfo) ModTime() time.Time { return i.mod }
func (i plainInfo) IsDir() bool        { return false }
func (i plainInfo) Sys() any           { return nil }

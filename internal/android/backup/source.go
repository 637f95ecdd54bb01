package backup

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// Source is an Android backup as the backup modules see it: a stream of
// files with archive paths ("apps/<package>/<domain>/<file>").
type Source interface {
	// Walk calls fn for every regular file whose name passes keep, in
	// archive order. The reader is valid only during the call.
	Walk(ctx context.Context, keep func(name string) bool, fn func(Entry, io.Reader) error) error
	// Label names the evidence for messages ("backup.ab").
	Label() string
}

// File is an .ab file. Every walk re-reads it from the start, so memory use
// does not depend on its size.
type File struct {
	fsys     fs.FS
	name     string
	password []byte
	// Header is the file's header, read when it was opened.
	Header *Header
}

// OpenFile opens the .ab file name in fsys: it reads the header and, for an
// encrypted backup, checks password right away, so a wrong password is
// reported (ErrWrongPassword) before any module runs.
func OpenFile(fsys fs.FS, name string, password []byte) (*File, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	_, h, err := NewReader(f, password)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &File{fsys: fsys, name: name, password: password, Header: h}, nil
}

// Label implements Source.
func (b *File) Label() string { return b.name }

// Walk implements Source.
func (b *File) Walk(ctx context.Context, keep func(string) bool, fn func(Entry, io.Reader) error) error {
	f, err := b.fsys.Open(b.name)
	if err != nil {
		return err
	}
	defer f.Close()
	tr, _, err := NewReader(bufio.NewReader(ctxReader{ctx, f}), b.password)
	if err != nil {
		return fmt.Errorf("%s: %w", b.name, err)
	}
	if err := walkTar(tr, keep, fn); err != nil {
		return fmt.Errorf("%s: %w", b.name, err)
	}
	return nil
}

// Folder is a backup already extracted to a folder (holding apps/...).
type Folder struct {
	FS fs.FS
	// Name labels the folder in messages.
	Name string
}

// Label implements Source.
func (d *Folder) Label() string { return d.Name }

// Walk implements Source. Symbolic links are not followed (fs.WalkDir
// reports them as non-regular files, which are skipped).
func (d *Folder) Walk(ctx context.Context, keep func(string) bool, fn func(Entry, io.Reader) error) error {
	return fs.WalkDir(d.FS, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !de.Type().IsRegular() || !keep(p) {
			return nil
		}
		f, err := d.FS.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		var size int64
		if fi, err := de.Info(); err == nil {
			size = fi.Size()
		}
		return fn(Entry{Name: p, Size: size}, f)
	})
}

// cleanName normalises an archive path and refuses names that would escape
// the archive root. Nothing is ever extracted to disk, but a name like
// "apps/../x" must not pass for another app's file.
func cleanName(name string) (string, bool) {
	if strings.ContainsAny(name, "\\\x00") {
		return "", false
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "./"), "/")
	if name == "." || !fs.ValidPath(name) {
		return "", false
	}
	return name, true
}

// ctxReader stops a long read when the run is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// IsWrongPassword reports whether err means the backup password is wrong.
func IsWrongPassword(err error) bool { return errors.Is(err, ErrWrongPassword) }

package safefile

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FS is root.FS() that opens only folders and regular files: Open,
// ReadFile and ReadDir on anything else fail with a NotRegularError instead
// of blocking. Stat and Lstat never open, so they answer for any file.
// Every reader of a folder of evidence, indicators or results goes through
// it (os.Root also keeps symbolic links from leading out of the folder).
func FS(root *os.Root) fs.FS { return rootFS{root} }

type rootFS struct{ root *os.Root }

var (
	_ fs.StatFS     = rootFS{}
	_ fs.ReadDirFS  = rootFS{}
	_ fs.ReadFileFS = rootFS{}
	_ fs.ReadLinkFS = rootFS{}
)

// valid is fs.ValidPath minus what os.Root refuses anyway (backslashes and
// colons on Windows are left to os.Root).
func valid(name string) bool { return fs.ValidPath(name) && !strings.ContainsRune(name, 0) }

func (r rootFS) Open(name string) (fs.File, error) {
	if !valid(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := openIn(r.root, name, true)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (r rootFS) ReadFile(name string) ([]byte, error) {
	if !valid(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	return ReadFileIn(r.root, name)
}

func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !valid(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	f, err := openIn(r.root, name, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

func (r rootFS) Stat(name string) (fs.FileInfo, error) {
	if !valid(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	return r.root.Stat(name)
}

func (r rootFS) Lstat(name string) (fs.FileInfo, error) {
	if !valid(name) {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrInvalid}
	}
	return r.root.Lstat(name)
}

func (r rootFS) ReadLink(name string) (string, error) {
	if !valid(name) {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return r.root.Readlink(name)
}

// FileFS is an fs.FS holding only the file at p, under its base name (the
// name returned), for readers that take an fs.FS and a name. Unlike
// os.DirFS on p's folder, it reaches nothing else, and opens p with Open.
func FileFS(p string) (fs.FS, string) {
	name := filepath.Base(p)
	return fileFS{path: p, name: name}, name
}

type fileFS struct{ path, name string }

func (f fileFS) Open(name string) (fs.File, error) {
	if name != f.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return Open(f.path)
}

package source

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// Bugreport is an Android bug report (`adb bugreport`), as the zip the
// phone writes or as an extracted folder. A zip whose content sits in one
// top-level folder is handled the same as one with the content at its root.
type Bugreport struct {
	// Path is what the user gave (for messages and info.json).
	Path   string
	fsys   fs.FS
	closer io.Closer
}

// OpenBugreport opens a bugreport folder or .zip read-only.
func OpenBugreport(p string) (*Bugreport, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		// os.Root, not os.DirFS: a symlink planted in the report must not
		// lead outside it (os.DirFS follows symlinks anywhere); safefile
		// refuses the FIFOs and devices that would block an open.
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, err
		}
		b, err := NewBugreport(safefile.FS(root), p, root)
		if err != nil {
			root.Close()
			return nil, err
		}
		return b, nil
	}
	z, err := OpenZip(p, ZipOptions{})
	if err != nil {
		return nil, err
	}
	b, err := NewBugreport(z, p, z)
	if err != nil {
		z.Close()
		return nil, err
	}
	return b, nil
}

// NewBugreport wraps an already opened view (for example a bugreport.zip
// found inside an AndroidQF acquisition); closer, if not nil, is closed by
// Close.
func NewBugreport(fsys fs.FS, name string, closer io.Closer) (*Bugreport, error) {
	root, err := bugreportRoot(fsys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if root != "." {
		if fsys, err = fs.Sub(fsys, root); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return &Bugreport{Path: name, fsys: fsys, closer: closer}, nil
}

// bugreportRoot finds the folder that holds the report: the root, or the
// only top-level folder when the root holds nothing but that folder.
func bugreportRoot(fsys fs.FS) (string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", err
	}
	if len(entries) == 1 && entries[0].IsDir() {
		return entries[0].Name(), nil
	}
	return ".", nil
}

// FS is the read-only view of the report, rooted at its top folder.
func (b *Bugreport) FS() fs.FS { return b.fsys }

// Close releases the zip file, if any.
func (b *Bugreport) Close() error {
	if b.closer != nil {
		return b.closer.Close()
	}
	return nil
}

// DumpstateName finds the dumpstate text, in MVT's order: the file named by
// main_entry.txt; else dumpState_*.log; else a dumpsys.txt in any folder;
// then, beyond MVT, a root bugreport-*.txt (the name Android gives the main
// entry when main_entry.txt is missing).
func (b *Bugreport) DumpstateName() (string, error) {
	if raw, err := readSmall(b.fsys, "main_entry.txt", 4096); err == nil {
		name := strings.TrimSpace(string(raw))
		if fs.ValidPath(name) && name != "." {
			if _, err := fs.Stat(b.fsys, name); err == nil {
				return name, nil
			}
		}
	}
	for _, pattern := range []string{"dumpState_*.log"} {
		if m, _ := fs.Glob(b.fsys, pattern); len(m) > 0 {
			sort.Strings(m)
			return m[0], nil
		}
	}
	var found string
	_ = fs.WalkDir(b.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return fs.SkipDir
		}
		if !d.IsDir() && path.Base(p) == "dumpsys.txt" && p != "dumpsys.txt" {
			found = p
			return fs.SkipAll
		}
		return nil
	})
	if found != "" {
		return found, nil
	}
	if m, _ := fs.Glob(b.fsys, "bugreport-*.txt"); len(m) > 0 {
		sort.Strings(m)
		return m[0], nil
	}
	return "", NotFound("no dumpstate text in %s (no main_entry.txt target, dumpState_*.log or */dumpsys.txt)", b.Path)
}

// OpenDumpsys implements dumpsys.Provider.
func (b *Bugreport) OpenDumpsys() (io.ReadCloser, string, error) {
	name, err := b.DumpstateName()
	if err != nil {
		return nil, "", err
	}
	f, err := b.fsys.Open(name)
	if err != nil {
		return nil, name, fmt.Errorf("%s: opening %s: %w", b.Path, name, err)
	}
	return f, name, nil
}

func readSmall(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}

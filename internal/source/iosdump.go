package source

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// IOSDump is an iOS full filesystem dump extracted to a folder (the folder
// holds "private/var/…"). Files are read through an os.Root, so a symlink in
// the dump that points outside it (an absolute link to /etc, "../../…") is
// never followed.
type IOSDump struct {
	Dir  string
	root *os.Root
	fsys fs.FS
}

// maxGlobMatches bounds one pattern's matches, so a crafted dump with
// millions of entries in one folder cannot make a query unbounded.
const maxGlobMatches = 100000

// OpenIOSDump opens the dump folder dir. Close it when done.
func OpenIOSDump(dir string) (*IOSDump, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("opening filesystem dump: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("opening filesystem dump %s: not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening filesystem dump: %w", err)
	}
	return &IOSDump{Dir: dir, root: root, fsys: safefile.FS(root)}, nil
}

// Close releases the dump folder.
func (d *IOSDump) Close() error { return d.root.Close() }

// FS implements IOS.
func (d *IOSDump) FS() fs.FS { return d.fsys }

// IsBackup implements IOS.
func (d *IOSDump) IsBackup() bool { return false }

// Find implements IOS with q.FSGlobs: path.Match patterns, matched one path
// segment at a time ('*' never crosses a '/'; there is no '**').
func (d *IOSDump) Find(q IOSQuery) ([]IOSFile, error) {
	seen := map[string]bool{}
	var out []IOSFile
	for _, pat := range q.FSGlobs {
		pat = strings.TrimPrefix(path.Clean("/"+pat), "/")
		if _, err := path.Match(pat, ""); err != nil {
			return nil, fmt.Errorf("bad pattern %q: %w", pat, err)
		}
		matches, err := globSegments(d.fsys, pat)
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			if seen[m] {
				continue
			}
			if !IsArtifact(fs.Stat(d.fsys, m)) {
				continue // a link out of the dump, a folder
			}
			seen[m] = true
			out = append(out, IOSFile{Path: m, RelativePath: m})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// globSegments expands pat one segment at a time: a literal segment is a
// single stat, a wildcard one lists its folder. It never walks further than
// the pattern is deep, so a link loop cannot trap it.
func globSegments(fsys fs.FS, pat string) ([]string, error) {
	cur := []string{"."}
	for _, seg := range strings.Split(pat, "/") {
		var next []string
		for _, dir := range cur {
			if !hasMeta(seg) {
				p := path.Join(dir, seg)
				if _, err := fs.Stat(fsys, p); err == nil {
					next = append(next, p)
				}
				continue
			}
			entries, err := fs.ReadDir(fsys, dir)
			if err != nil {
				continue // not a folder, unreadable, or a link out of the dump
			}
			for _, e := range entries {
				if ok, _ := path.Match(seg, e.Name()); ok {
					next = append(next, path.Join(dir, e.Name()))
				}
				if len(next) > maxGlobMatches {
					return nil, fmt.Errorf("pattern %q matches more than %d entries", pat, maxGlobMatches)
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			break
		}
	}
	return cur, nil
}

func hasMeta(s string) bool { return strings.ContainsAny(s, `*?[\`) }

var _ IOS = (*IOSDump)(nil)

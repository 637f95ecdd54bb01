package ios

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Bounds on a walk of a whole filesystem dump. A real iPhone dump holds
// between a few hundred thousand and a few million entries, nested some
// twenty folders deep; a crafted dump (millions of empty files, a folder
// chain thousands deep) must not make a module run for hours or exhaust
// the stack.
const (
	maxWalkEntries = 10_000_000
	maxWalkDepth   = 64
)

// walkStats says what a bounded walk left out.
type walkStats struct {
	entries     int
	tooDeep     int  // folders not entered because they were too deep
	unreadable  int  // folders that could not be listed
	hitMaxCount bool // the walk stopped at maxWalkEntries
}

// err reports a truncated walk as an error naming the dump, so the module's
// status says its records are incomplete; skipped deep or unreadable
// folders only go to the log, as MVT's os.walk skips unreadable folders.
func (s walkStats) err() error {
	if s.hitMaxCount {
		return fmt.Errorf("filesystem dump: walk stopped after %d entries; the rest of the dump was not examined", maxWalkEntries)
	}
	return nil
}

// walkDump calls fn for every folder and file of the dump below the root,
// in lexical order, with its slash-separated path. Symbolic links are
// reported as entries but never followed (fs.WalkDir does not follow them,
// and the dump's os.Root refuses links out of it anyway).
func walkDump(ctx context.Context, fsys fs.FS, fn func(p string, d fs.DirEntry) error) (walkStats, error) {
	var st walkStats
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != "." {
				st.unreadable++
				return nil
			}
			return err
		}
		if p == "." {
			return nil
		}
		if st.entries%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if st.entries >= maxWalkEntries {
			st.hitMaxCount = true
			return fs.SkipAll
		}
		st.entries++
		if err := fn(p, d); err != nil {
			return err
		}
		if d.IsDir() && strings.Count(p, "/")+1 >= maxWalkDepth {
			st.tooDeep++
			return fs.SkipDir
		}
		return nil
	})
	return st, err
}

// logWalk records what a walk skipped.
func logWalk(in *module.Input, st walkStats) {
	l := logger(in)
	l.Debug("walked the filesystem dump", "entries", st.entries)
	if st.tooDeep > 0 {
		l.Warn("folders nested deeper than the limit were not entered", "folders", st.tooDeep, "depth", maxWalkDepth)
	}
	if st.unreadable > 0 {
		l.Warn("folders of the dump could not be listed", "folders", st.unreadable)
	}
}

// maxDirMatches bounds the folders one pattern may match.
const maxDirMatches = 100000

// findDumpDirs expands a path.Match pattern one segment at a time (like
// source.IOSDump.Find, which only returns regular files) and returns the
// folders it matches, sorted. It never goes deeper than the pattern.
func findDumpDirs(fsys fs.FS, pattern string) ([]string, error) {
	pattern = strings.Trim(path.Clean("/"+pattern), "/")
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("bad pattern %q: %w", pattern, err)
	}
	cur := []string{"."}
	for _, seg := range strings.Split(pattern, "/") {
		var next []string
		for _, dir := range cur {
			if !strings.ContainsAny(seg, `*?[\`) {
				p := path.Join(dir, seg)
				if st, err := fs.Stat(fsys, p); err == nil && st.IsDir() {
					next = append(next, p)
				}
				continue
			}
			entries, err := fs.ReadDir(fsys, dir)
			if err != nil {
				continue
			}
			for _, e := range entries {
				if ok, _ := path.Match(seg, e.Name()); !ok {
					continue
				}
				p := path.Join(dir, e.Name())
				if st, err := fs.Stat(fsys, p); err == nil && st.IsDir() {
					next = append(next, p)
				}
				if len(next) > maxDirMatches {
					return nil, fmt.Errorf("pattern %q matches more than %d folders", pattern, maxDirMatches)
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil, nil
		}
	}
	return cur, nil
}

// dumpFS returns the filesystem dump of in, or module.NoData when the
// evidence is a backup (these modules read a whole phone's filesystem).
func dumpFS(in *module.Input, what string) (fs.FS, error) {
	src, err := iosSource(in)
	if err != nil {
		return nil, err
	}
	if src.IsBackup() {
		return nil, module.NoData("%s: only in a full filesystem dump, not in a backup", what)
	}
	return src.FS(), nil
}

// pathAliases returns p and, for a path under /private/var, /private/etc or
// /private/tmp, the same path as the phone also shows it (/var, /etc, /tmp
// are links to them): indicators are written either way, and a dump only
// has the /private form.
func pathAliases(p string) []string {
	for _, top := range []string{"var", "etc", "tmp"} {
		long, short := "/private/"+top, "/"+top
		switch {
		case p == long || strings.HasPrefix(p, long+"/"):
			return []string{p, short + p[len(long):]}
		case p == short || strings.HasPrefix(p, short+"/"):
			return []string{p, long + p[len(short):]}
		}
	}
	return []string{p}
}

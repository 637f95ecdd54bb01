package email

import (
	"io/fs"
	"path/filepath"
	"strings"
)

// maxFiles bounds a folder walk, so a hostile tree cannot keep the check running forever.
const maxFiles = 1_000_000

// mailFiles lists the files to read under root (a file, or a folder walked recursively; a
// Maildir's cur/new/tmp are ordinary folders). Symbolic links are not followed: they could lead
// outside the evidence or loop.
func mailFiles(fsys fs.FS, root string) ([]string, error) {
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var files []string
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable folder is skipped; the others are still checked
		}
		if d.Type()&fs.ModeSymlink != 0 || !d.Type().IsRegular() && !d.IsDir() {
			return nil
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") && d.Name() != "." {
				// Maildir++ subfolders start with a dot (.Sent): keep them; skip VCS metadata.
				if d.Name() == ".git" {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if len(files) >= maxFiles {
			return fs.SkipAll
		}
		files = append(files, p)
		return nil
	})
	return files, err
}

package cli

import (
	"os"
	"path/filepath"
)

// pathInside reports whether p, once symbolic links in its existing part
// are resolved, is root or lies inside it (a link can point into the
// evidence from anywhere).
func pathInside(p, root string) bool {
	rp, err1 := resolveExisting(p)
	rr, err2 := resolveExisting(root)
	return err1 == nil && err2 == nil && isWithin(rp, rr)
}

// resolveExisting makes p absolute and resolves the symbolic links of its
// longest existing prefix; the rest (not created yet) is kept as written.
func resolveExisting(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for cur := abs; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		if _, err := os.Lstat(cur); err == nil {
			// cur exists but cannot be resolved (a dangling link): keep it.
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spyglass-forensics/spyglass/internal/logging"
	"github.com/spyglass-forensics/spyglass/internal/output"
)

// resultsDir is a run's results folder, prepared and locked for the run.
type resultsDir struct {
	// dir is the folder's real path (links resolved): every result file is
	// created there.
	dir string
	// log is command.log.
	log *os.File
	// removed lists the earlier run's files --force removed, and kept what
	// else the folder holds, for command.log.
	removed, kept []string
	release       func()
}

// close closes command.log and releases the folder (removes it when it was
// a private temporary folder).
func (r *resultsDir) close() {
	r.log.Close()
	r.release()
}

// logCleanup says in command.log what --force removed and what it left.
func (r *resultsDir) logCleanup(log *slog.Logger) {
	if len(r.removed) > 0 {
		log.Info("--force: removed the earlier run's result files: " + strings.Join(r.removed, ", "))
	}
	if len(r.kept) > 0 {
		log.Warn("the results folder also holds files spyglass did not write, left in place: " + strings.Join(r.kept, ", "))
	}
}

// logFailure writes the error that ends a run to command.log, as the
// console shows it, so a failed run's folder says why it is incomplete.
func (r *resultsDir) logFailure(err error) {
	if err != nil {
		slog.New(logging.NewFileHandler(r.log, slog.LevelDebug)).Error(sentence(err)) // the sentence the console shows
	}
}

// prepareOutput creates the results folder and command.log in it, and holds
// the folder for the run. It refuses a folder inside the evidence, or that
// holds the evidence, once links are resolved on both sides (writing there
// would modify the evidence, or create files beside it); a folder another
// run is writing into; and a folder that holds files, unless force is set,
// when the earlier run's result files are removed first. Without -o the
// results go to a private temporary folder removed at the end.
func prepareOutput(dir, target string, force bool) (*resultsDir, error) {
	r := &resultsDir{release: func() {}}
	if dir == "" {
		d, err := os.MkdirTemp("", "spyglass-results-")
		if err != nil {
			return nil, err
		}
		r.dir, r.release = d, func() { os.RemoveAll(d) }
	} else if err := r.claim(dir, target, force); err != nil {
		return nil, err
	}
	f, err := output.CreateFile(filepath.Join(r.dir, "command.log"))
	if err != nil {
		r.release()
		return nil, fmt.Errorf("creating command.log: %w", err)
	}
	r.log = f
	return r, nil
}

// claim checks, creates, locks and clears the folder given to -o.
// target is "" when the evidence is not a file (check-url's links).
func (r *resultsDir) claim(dir, target string, force bool) error {
	var evidence string
	if target != "" {
		var err error
		if evidence, err = filepath.EvalSymlinks(target); err != nil {
			return fmt.Errorf("cannot read %s: %w", target, err)
		}
		if evidence, err = filepath.Abs(evidence); err != nil {
			return err
		}
	}
	// Checked before creating anything (an -o through a link into the
	// evidence must not even create a folder there), then again on the
	// folder made.
	out, err := resolveExisting(dir)
	if err != nil {
		return fmt.Errorf("cannot use the output folder %s: %w", dir, err)
	}
	if err := outsideEvidence(dir, out, target, evidence); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return fmt.Errorf("creating the output folder %s: %w", dir, err)
	}
	if out, err = filepath.EvalSymlinks(out); err != nil {
		return fmt.Errorf("cannot use the output folder %s: %w", dir, err)
	}
	if err := outsideEvidence(dir, out, target, evidence); err != nil {
		return err
	}
	if st, err := os.Stat(out); err != nil || !st.IsDir() {
		return usageError{fmt.Errorf("the output %s is not a folder; give -o a folder for the results", dir)}
	}
	unlock, err := output.LockDir(out)
	if errors.Is(err, output.ErrLocked) {
		return fmt.Errorf("%s: %w; wait for it to end, or choose another folder", dir, err)
	}
	if err != nil {
		return err
	}
	left, err := output.CleanResults(out, isModuleName, force)
	if err == nil {
		err = checkLeftover(dir, left, force)
	}
	if err != nil {
		unlock()
		return err
	}
	r.dir, r.release, r.removed, r.kept = out, unlock, left.Removed, left.Kept
	return nil
}

// checkLeftover refuses a folder that holds files without --force, and
// with it one where a result name is taken by something spyglass did not
// write (a link planted as command.log, a folder): it is not ours to
// remove, and writing there must not follow it.
func checkLeftover(dir string, left *output.Leftover, force bool) error {
	if !force && len(left.Kept) > 0 {
		return usageError{fmt.Errorf("the output folder %s already holds files (%s): choose a new or empty folder, or add --force to replace the results of the earlier run", dir, sample(left.Kept))}
	}
	if len(left.Blocking) > 0 {
		return usageError{fmt.Errorf("the output folder %s holds %s, which is a link or a folder, not a file spyglass wrote: remove it or choose another folder", dir, sample(left.Blocking))}
	}
	return nil
}

// sample names up to three entries.
func sample(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}

// outsideEvidence refuses an output folder (given as dir, resolved to out)
// inside the evidence (given as target, resolved to evidence), or one that
// holds the evidence.
func outsideEvidence(dir, out, target, evidence string) error {
	if target == "" {
		return nil // no evidence on disk (check-url's links)
	}
	if isWithin(out, evidence) || sameOrUnder(out, evidence) {
		return usageError{fmt.Errorf("the output folder %s is inside the evidence %s; choose a folder outside it so the evidence stays unmodified", dir, target)}
	}
	if isWithin(evidence, out) || sameOrUnder(evidence, out) {
		return usageError{fmt.Errorf("the output folder %s holds the evidence %s; choose a folder outside it so nothing is written beside the evidence", dir, target)}
	}
	return nil
}

// isWithin reports whether p is root or inside it, comparing paths as text:
// give it paths with links resolved.
func isWithin(p, root string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && (rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))))
}

// sameOrUnder reports whether p, or its nearest existing parent, is root or
// under it by file identity: this also catches what text cannot, a
// case-insensitive file system or a bind mount showing the evidence under
// another path.
func sameOrUnder(p, root string) bool {
	rootSt, err := os.Stat(root)
	if err != nil {
		return false
	}
	for {
		if st, err := os.Stat(p); err == nil && os.SameFile(st, rootSt) {
			return true
		}
		parent := filepath.Dir(p)
		if parent == p {
			return false
		}
		p = parent
	}
}

// resolveExisting makes dir absolute and resolves the links of its longest
// existing part, one component at a time and ".." after the link it
// follows (as the kernel does, unlike filepath.Clean): what follows does
// not exist yet and will be created as folders.
func resolveExisting(dir string) (string, error) {
	p := dir
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		p = wd + string(filepath.Separator) + p
	}
	vol := filepath.VolumeName(p)
	resolved := vol + string(filepath.Separator)
	parts := strings.FieldsFunc(p[len(vol):], func(c rune) bool { return os.IsPathSeparator(uint8(c)) })
	for i, c := range parts {
		switch c {
		case ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, c)
		if _, err := os.Lstat(next); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return filepath.Join(append([]string{resolved}, parts[i:]...)...), nil
			}
			return "", err
		}
		real, err := filepath.EvalSymlinks(next)
		if err != nil {
			return "", err
		}
		resolved = real
	}
	return resolved, nil
}

// isModuleName tells whether slug names a module of any command: the
// <slug>.json files --force may remove.
func isModuleName(slug string) bool { return moduleNames()[slug] }

var moduleNames = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for _, p := range []string{"ios", "android"} {
		for _, m := range platformModules(p) {
			names[m.Describe().Slug] = true
		}
	}
	return names
})

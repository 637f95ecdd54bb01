package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// ErrNoIOSBackup means the folder given is not an iOS backup and holds none.
var ErrNoIOSBackup = errors.New("no iOS backup found")

// ErrSeveralIOSBackups means the folder given holds more than one backup.
var ErrSeveralIOSBackups = errors.New("several iOS backups found")

// backupShape says what a user should point the tool at.
const backupShape = "an iOS backup folder (made by iTunes, Finder or idevicebackup2) holds Manifest.db and Info.plist " +
	"next to 256 two-character subfolders (00 … ff); it is usually named after the device's UDID, " +
	"for example ~/Library/Application Support/MobileSync/Backup/<UDID>"

// isBackupDir reports whether dir holds Manifest.db and Info.plist. One of
// them present as something other than a regular file (a FIFO, a device)
// is an error naming it: "no backup found" would tell the analyst a file
// is missing when something was put in its place.
func isBackupDir(dir string) (bool, error) {
	for _, n := range []string{"Manifest.db", "Info.plist"} {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			return false, nil
		}
		if !st.Mode().IsRegular() && !st.IsDir() {
			return false, &safefile.NotRegularError{Path: filepath.Join(dir, n), Mode: st.Mode()}
		}
		if !st.Mode().IsRegular() {
			return false, nil
		}
	}
	return true, nil
}

// FindIOSBackup returns the backup folder for p: p itself when it is one, or
// the only backup folder directly inside p (the UDID subfolder of a
// MobileSync/Backup folder). Several backups, or none, are errors that say
// what to do.
func FindIOSBackup(p string) (string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is a file, not a folder: %w; %s", p, ErrNoIOSBackup, backupShape)
	}
	if ok, err := isBackupDir(p); err != nil {
		return "", fmt.Errorf("%w: an iOS backup holds it as a file; this folder may have been tampered with", err)
	} else if ok {
		return p, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	var found []string
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 || !e.IsDir() {
			continue
		}
		d := filepath.Join(p, e.Name())
		ok, err := isBackupDir(d)
		if err != nil {
			return "", fmt.Errorf("%w: an iOS backup holds it as a file; this folder may have been tampered with", err)
		}
		if ok {
			found = append(found, d)
		}
	}
	sort.Strings(found)
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("%s: %w: %s", p, ErrNoIOSBackup, backupShape)
	}
	return "", fmt.Errorf("%s: %w, choose one:\n  %s", p, ErrSeveralIOSBackups, strings.Join(found, "\n  "))
}

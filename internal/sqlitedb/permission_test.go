package sqlitedb

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// deniedFS lists and stats its files but refuses to open them, as a
// folder does whose files belong to another user (tests run as root, for
// whom chmod 000 changes nothing).
type deniedFS struct{ fstest.MapFS }

func (d deniedFS) Open(name string) (fs.File, error) {
	if name == "." {
		return d.MapFS.Open(name)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}

// A database the user may not read is reported as such, not as SQLite's
// "unable to open database file (14)".
func TestOpenPermissionDenied(t *testing.T) {
	fsys := deniedFS{fstest.MapFS{"sms.db": {Data: []byte("SQLite format 3\x00")}}}
	_, err := Open(fsys, "sms.db")
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, fs.ErrPermission) || err.Error() != "sms.db cannot be read: permission denied" || strings.Contains(err.Error(), "(14)") {
		t.Errorf("error = %q, want \"sms.db cannot be read: permission denied\"", err)
	}
}

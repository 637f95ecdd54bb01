//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test instead of hanging when fn blocks (an open(2) of a
// FIFO without the fix never returns).
func within[T any](t *testing.T, fn func() (T, error)) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("blocked for 5 s")
	}
	panic("unreachable")
}

// specials makes a FIFO, a socket and a link to the FIFO in a new folder;
// /dev/null stands for device nodes (making one needs root).
func specials(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	os.Symlink("fifo", filepath.Join(dir, "link-to-fifo"))
	os.WriteFile(filepath.Join(dir, "plain"), []byte("hello"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	return dir
}

func TestOpenRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := specials(t)
	cases := map[string]string{
		filepath.Join(dir, "fifo"):         "(a FIFO)",
		filepath.Join(dir, "link-to-fifo"): "(a FIFO)",
		filepath.Join(dir, "sock"):         "(a socket)",
		filepath.Join(dir, "sub"):          "(a folder)",
		"/dev/null":                        "(a character device)",
	}
	for p, kind := range cases {
		_, err := within(t, func() ([]byte, error) { return ReadFile(p) })
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), p+" is not a regular file "+kind) {
			t.Errorf("%s: %v", p, err)
		}
	}
	b, err := ReadFile(filepath.Join(dir, "plain"))
	if err != nil || string(b) != "hello" {
		t.Errorf("plain file: %q %v", b, err)
	}
}

func TestFSRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := specials(t)
	os.Symlink("/dev/null", filepath.Join(dir, "link-out"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fsys := FS(root)
	for _, name := range []string{"fifo", "link-to-fifo", "sock"} {
		if _, err := within(t, func() ([]byte, error) { return fs.ReadFile(fsys, name) }); !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadFile %s: %v", name, err)
		}
		if _, err := within(t, func() (fs.File, error) { return fsys.Open(name) }); !errors.Is(err, ErrNotRegular) {
			t.Errorf("Open %s: %v", name, err)
		}
		if _, err := within(t, func() ([]fs.DirEntry, error) { return fs.ReadDir(fsys, name) }); !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadDir %s: %v", name, err)
		}
		if st, err := fs.Stat(fsys, name); err != nil || st.Mode().IsRegular() {
			t.Errorf("Stat %s: %v %v", name, st, err)
		}
	}
	// A link out of the root is still refused by os.Root.
	if _, err := fsys.Open("link-out"); err == nil || errors.Is(err, ErrNotRegular) {
		t.Errorf("link out of the root: %v", err)
	}
	// Folders and regular files read as before, and a walk lists the
	// special files without opening them.
	var seen []string
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		seen = append(seen, p)
		return nil
	})
	if err != nil || len(seen) != 7 {
		t.Errorf("walk: %v %v", seen, err)
	}
	if b, err := fs.ReadFile(fsys, "plain"); err != nil || string(b) != "hello" {
		t.Errorf("plain: %q %v", b, err)
	}
}

// TestOpenChecksTheOpenedFile: a file swapped for a FIFO between the check
// and the open is caught by the check after opening; O_NONBLOCK keeps the
// open itself from blocking.
func TestOpenChecksTheOpenedFile(t *testing.T) {
	dir := specials(t)
	before, err := os.Stat(filepath.Join(dir, "plain"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := within(t, func() (*os.File, error) {
		return os.OpenFile(filepath.Join(dir, "fifo"), os.O_RDONLY|nonblockFlag, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := checkOpened(f, "fifo", before, false); !errors.Is(err, ErrNotRegular) {
		t.Errorf("FIFO opened in place of a checked file: %v", err)
	}
	g, _ := os.Open(filepath.Join(dir, "plain"))
	other, _ := os.Stat(dir)
	if _, err := checkOpened(g, "plain", other, true); err == nil || !strings.Contains(err.Error(), "changed while") {
		t.Errorf("another file opened in place of the checked one: %v", err)
	}
}

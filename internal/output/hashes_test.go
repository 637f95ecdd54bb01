package output

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// WriteHashes streams one line per regular file, in walk order, and keeps
// the list for info.json only while it is short.
func TestWriteHashesStreams(t *testing.T) {
	for _, n := range []int{3, InfoHashesMax + 1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			root := t.TempDir()
			for i := range n {
				p := filepath.Join(root, fmt.Sprintf("d%d", i%7), fmt.Sprintf("f%05d", i))
				os.MkdirAll(filepath.Dir(p), 0o700)
				os.WriteFile(p, []byte(fmt.Sprint(i)), 0o600)
			}
			outside := filepath.Join(t.TempDir(), "outside")
			os.WriteFile(outside, []byte("secret"), 0o600)
			os.Symlink(outside, filepath.Join(root, "link")) // listed by nobody
			syscall.Mkfifo(filepath.Join(root, "fifo"), 0o600)
			out := t.TempDir()
			ref, few, err := WriteHashes(context.Background(), out, root)
			if err != nil {
				t.Fatal(err)
			}
			digest, _ := HashFile(filepath.Join(out, HashesFile))
			if ref.Count != n || ref.SHA256 != digest || ref.File != HashesFile {
				t.Errorf("ref %+v, want %d files and digest %s", ref, n, digest)
			}
			if (n <= InfoHashesMax) != (len(few) == n) || (n > InfoHashesMax && few != nil) {
				t.Errorf("%d hashes kept for info.json of %d", len(few), n)
			}
			b, _ := os.ReadFile(filepath.Join(out, HashesFile))
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			prev := ""
			for _, l := range lines {
				var h FileHash
				if err := json.Unmarshal([]byte(l), &h); err != nil || len(h.SHA256) != 64 || !strings.HasPrefix(h.FilePath, root) {
					t.Fatalf("bad line %q", l)
				}
				if h.FilePath <= prev {
					t.Errorf("%s after %s: not in walk order", h.FilePath, prev)
				}
				prev = h.FilePath
			}
			if len(lines) != n {
				t.Errorf("%d lines, want %d", len(lines), n)
			}
		})
	}
}

func TestWriteHashesCancelled(t *testing.T) {
	root := t.TempDir()
	for i := range 50 {
		os.WriteFile(filepath.Join(root, fmt.Sprint(i)), nil, 0o600)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := t.TempDir()
	if _, _, err := WriteHashes(ctx, out, root); err == nil {
		t.Error("a cancelled hashing succeeded")
	}
	if _, err := os.Lstat(filepath.Join(out, HashesFile)); err == nil {
		t.Error("a failed hashing left its file")
	}
}

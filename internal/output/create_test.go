package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CreateFile never opens what is already there: a file, or a link planted
// to redirect the write (to the evidence, or a file of the analyst's).
func TestCreateFileRefusesExistingAndLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("keep"), 0o644)
	link := filepath.Join(dir, "command.log")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	dangling := filepath.Join(dir, "timeline.jsonl")
	os.Symlink(filepath.Join(dir, "nowhere"), dangling)
	for _, p := range []string{victim, link, dangling} {
		if f, err := CreateFile(p); err == nil {
			f.Close()
			t.Errorf("CreateFile(%s) opened it", filepath.Base(p))
		} else if !strings.Contains(err.Error(), "never writes through a link") {
			t.Errorf("CreateFile(%s): %v, want the sentence", filepath.Base(p), err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Error("the link's target changed")
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the dangling link's target was created")
	}
	f, err := CreateFile(filepath.Join(dir, "new"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if st, _ := os.Stat(filepath.Join(dir, "new")); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}

// Every writer of a results folder goes through CreateFile: a link planted
// at a result's name is replaced by the result, its target unchanged.
func TestResultWritersDoNotFollowLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "evidence")
	os.WriteFile(victim, []byte("keep"), 0o644)
	names := []string{"info.json", "sms.json", "urls.json", "alerts_timeline.csv"}
	for _, n := range names {
		if err := os.Symlink(victim, filepath.Join(dir, n)); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
	}
	if _, err := WriteInfo(dir, NewInfo("test", dir, "test")); err != nil {
		t.Fatal(err)
	}
	a := newJSONArrayFile(filepath.Join(dir, "sms.json"))
	a.add(map[string]string{"text": "hi"})
	u := newJSONArrayFile(filepath.Join(dir, "urls.json"))
	u.add(map[string]string{"url": "https://example.org"})
	w, _ := New(dir, Options{})
	if err := errorsJoin(a.close(), u.close(), w.Finish()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Error("a write went through a link")
	}
	for _, n := range names {
		if st, err := os.Lstat(filepath.Join(dir, n)); err != nil || !st.Mode().IsRegular() {
			t.Errorf("%s is not the result file", n)
		}
	}
}

func errorsJoin(errs ...error) error { return errors.Join(errs...) }

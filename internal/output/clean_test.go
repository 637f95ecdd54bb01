package output

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCleanResultsRemovesOnlyResultFiles(t *testing.T) {
	dir := t.TempDir()
	isModule := func(s string) bool { return s == "sms" || s == "safari_history" }
	files := []string{"sms.json", "sms_detected.json", "safari_history.json", "alerts.json", "timeline.csv",
		"command.log", "hashes.jsonl", ".sms.json.part", ".timeline.csv.0123456789ab.part", ".summary-123.json",
		// not ours:
		"notes.txt", "contacts.json", "sms.json.bak", ".hidden", "sms_detected.json.txt"}
	for _, f := range files {
		os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600)
	}
	os.Mkdir(filepath.Join(dir, "info.json"), 0o700) // a folder with a result name
	outside := filepath.Join(t.TempDir(), "target")
	os.WriteFile(outside, []byte("keep"), 0o600)
	if err := os.Symlink(outside, filepath.Join(dir, "report.html")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	dry, err := CleanResults(dir, isModule, false)
	if err != nil || len(dry.Removed) != 0 || len(dry.Kept) != len(files)+2 {
		t.Fatalf("without remove: %+v, %v", dry, err)
	}
	l, err := CleanResults(dir, isModule, true)
	if err != nil {
		t.Fatal(err)
	}
	wantRemoved := []string{".sms.json.part", ".summary-123.json", ".timeline.csv.0123456789ab.part", "alerts.json",
		"command.log", "hashes.jsonl", "safari_history.json", "sms.json", "sms_detected.json", "timeline.csv"}
	if !slices.Equal(l.Removed, wantRemoved) {
		t.Errorf("removed %v\nwant %v", l.Removed, wantRemoved)
	}
	if want := []string{"info.json", "report.html"}; !slices.Equal(l.Blocking, want) {
		t.Errorf("blocking %v, want %v", l.Blocking, want)
	}
	for _, keep := range []string{"notes.txt", "contacts.json", "sms.json.bak", ".hidden", "sms_detected.json.txt", "info.json", "report.html"} {
		if _, err := os.Lstat(filepath.Join(dir, keep)); err != nil {
			t.Errorf("%s was removed", keep)
		}
	}
	if b, _ := os.ReadFile(outside); string(b) != "keep" {
		t.Error("the link's target changed")
	}
}

func TestLockDirRefusesASecondHolder(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockDir(dir); err == nil {
		t.Fatal("a second lock was granted")
	}
	unlock()
	unlock2, err := LockDir(dir)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock2()
}

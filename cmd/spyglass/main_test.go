//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The tests run this test binary again as a child process: as spyglass
// itself (SPYGLASS_TEST_MAIN=1, the arguments after "--"), or stuck in a
// blocking open(2) of a FIFO behind stopOnInterrupt (SPYGLASS_TEST_STALL
// names the FIFO), which is what a regression in an evidence reader does.
func TestMain(m *testing.M) {
	switch {
	case os.Getenv("SPYGLASS_TEST_MAIN") == "1":
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"spyglass"}, os.Args[i+1:]...)
				break
			}
		}
		main()
	case os.Getenv("SPYGLASS_TEST_STALL") != "":
		marker := os.Getenv("SPYGLASS_TEST_MARKER")
		_, stop := stopOnInterrupt(func() { os.WriteFile(marker, []byte("cleaned"), 0o600) })
		defer stop()
		os.WriteFile(marker+".ready", nil, 0o600)
		os.Open(os.Getenv("SPYGLASS_TEST_STALL")) // blocks: no writer, no O_NONBLOCK
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func child(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// waitBounded waits for cmd, killing it and failing after limit.
func waitBounded(t *testing.T, cmd *exec.Cmd, limit time.Duration) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), time.Since(start)
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, time.Since(start)
	case <-time.After(limit):
		cmd.Process.Kill()
		t.Fatalf("still running %s after Ctrl-C", limit)
	}
	return 0, 0
}

// TestInterruptStopsABlockedProcess: Ctrl-C stops a process stuck in
// open(2) of a FIFO, where no context reaches: exit 130 about a second
// later, after the clean-up ran. The contract is one second; the bound is
// generous so that a loaded machine does not make the test flaky.
func TestInterruptStopsABlockedProcess(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	marker := filepath.Join(dir, "marker")
	cmd := child(t, []string{"SPYGLASS_TEST_STALL=" + fifo, "SPYGLASS_TEST_MARKER=" + marker})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(marker + ".ready"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child never started")
		}
	}
	time.Sleep(100 * time.Millisecond) // let it reach open(2)
	cmd.Process.Signal(os.Interrupt)
	code, took := waitBounded(t, cmd, 5*time.Second)
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if b, _ := os.ReadFile(marker); string(b) != "cleaned" {
		t.Error("the clean-up did not run before exiting")
	}
	t.Logf("stopped %s after Ctrl-C", took.Round(time.Millisecond))
}

// TestFIFOEvidenceEnds runs the real spyglass on a bugreport whose
// dumpstate is a FIFO: it ends by itself, and Ctrl-C sent meanwhile stops
// it within the bound either way.
func TestFIFOEvidenceEnds(t *testing.T) {
	ev := t.TempDir()
	os.WriteFile(filepath.Join(ev, "main_entry.txt"), []byte("dumpstate.txt"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(ev, "dumpstate.txt"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	out := t.TempDir()
	cmd := child(t, []string{"SPYGLASS_TEST_MAIN=1"}, "android", "check-bugreport", "--no-default-iocs", "-q", "-o", out, ev)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	code, took := waitBounded(t, cmd, 60*time.Second)
	if code != 0 {
		t.Errorf("exit %d after %s", code, took)
	}
	if b, err := os.ReadFile(filepath.Join(out, "summary.json")); err != nil || !bytes.Contains(b, []byte("dumpstate.txt is not a regular file (a FIFO)")) {
		t.Errorf("summary.json does not name the FIFO: %v\n%.500s", err, b)
	}
}

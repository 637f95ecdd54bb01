package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"
)

// exitInterrupted is the shell's code for a process stopped by Ctrl-C.
const exitInterrupted = 130

// grace is how long a command has to stop by itself after Ctrl-C.
const grace = time.Second

// stopOnInterrupt returns a context cancelled at the first Ctrl-C (or
// SIGTERM), so that a command stops cleanly and removes its temporary
// files. A command can still be stuck where no context reaches (a
// blocking system call, a long computation, the password prompt): if it
// has not returned within grace, or at a second Ctrl-C, the process exits
// with code 130, after restoring the terminal the prompt may have left
// without echo. cleanup runs first; stop releases the signals.
func stopOnInterrupt(cleanup func()) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var restore func()
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		if st, err := term.GetState(fd); err == nil {
			restore = func() { term.Restore(fd, st) }
		}
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		select {
		case <-sigs:
		case <-time.After(grace):
		case <-done:
			return
		}
		cleanup()
		if restore != nil {
			restore()
		}
		os.Stderr.WriteString("\nspyglass: interrupted\n")
		os.Exit(exitInterrupted)
	}()
	return ctx, func() {
		close(done)
		signal.Stop(sigs)
		cancel()
	}
}

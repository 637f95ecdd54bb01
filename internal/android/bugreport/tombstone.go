package bugreport

import (
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
)

// Tombstone is one native crash report (/data/tombstones/tombstone_NN, as
// text or as the protobuf tombstone_NN.pb), reduced to the crashing thread.
type Tombstone struct {
	FileName         string   `json:"file_name"`
	FileTimestamp    string   `json:"file_timestamp"`
	BuildFingerprint string   `json:"build_fingerprint"`
	Revision         string   `json:"revision"`
	Arch             string   `json:"arch,omitempty"`
	Timestamp        string   `json:"timestamp"`
	ProcessUptime    *int64   `json:"process_uptime"`
	CommandLine      []string `json:"command_line"`
	PID              int64    `json:"pid"`
	TID              int64    `json:"tid"`
	ProcessName      string   `json:"process_name"`
	BinaryPath       string   `json:"binary_path"`
	SELinuxLabel     string   `json:"selinux_label"`
	UID              int64    `json:"uid"`
	SignalInfo       Signal   `json:"signal_info"`
	AbortMessage     string   `json:"abort_message"`
	Causes           []Cause  `json:"causes"`
}

// Signal is the signal that killed the process.
type Signal struct {
	Code     int64  `json:"code"`
	CodeName string `json:"code_name"`
	Name     string `json:"name"`
	Number   int64  `json:"number"`
}

// Cause is debuggerd's explanation of the crash ("null pointer dereference").
type Cause struct {
	HumanReadable string `json:"human_readable"`
	// MemoryError is kept as null: its details (allocation and free
	// stacks) are not needed to identify the crashing program.
	MemoryError any `json:"memory_error"`
}

// tombstoneTime turns "2023-04-12 12:32:40.518290770+0200" into the
// device-local "2023-04-12 12:32:40.518290" (the offset is dropped: Android
// records stay in device local time).
func tombstoneTime(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-0700", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(dumpsys.LocalLayout)
		}
	}
	return s
}

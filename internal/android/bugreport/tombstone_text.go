package bugreport

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// maxTombstoneLine bounds one line of a text tombstone.
const maxTombstoneLine = 64 << 10

// ParseTombstoneText reads a text tombstone. Only the header and the first
// "pid:" line count: later "pid:" lines belong to other threads, and the
// first is the crashing one.
func ParseTombstoneText(data []byte) (*Tombstone, error) {
	t := &Tombstone{CommandLine: []string{}, Causes: []Cause{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxTombstoneLine)
	seen := map[string]bool{}
	first := func(k string) bool {
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
	}
	for sc.Scan() {
		line := sc.Text()
		key, value, hasColon := strings.Cut(line, ":")
		v := strings.Trim(strings.TrimSpace(value), "'")
		switch {
		case strings.HasPrefix(line, "pid: ") && first("pid"):
			if err := parsePidLine(line, t); err != nil {
				return nil, err
			}
		case strings.HasPrefix(line, "signal ") && first("signal"):
			t.SignalInfo = parseSignalLine(line)
		case !hasColon:
		case key == "Build fingerprint" && first(key):
			t.BuildFingerprint = v
		case key == "Revision" && first(key):
			t.Revision = v
		case key == "ABI" && first(key):
			t.Arch = v
		case key == "Timestamp" && first(key):
			t.Timestamp = tombstoneTime(v)
		case key == "Process uptime" && first(key):
			if n, err := strconv.ParseInt(strings.TrimSuffix(v, "s"), 10, 64); err == nil {
				t.ProcessUptime = &n
			}
		case key == "Cmdline" && first(key):
			t.CommandLine = []string{v}
		case key == "uid" && first(key):
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("bad uid line %q", line)
			}
			t.UID = n
		case key == "Abort message" && first(key):
			t.AbortMessage = v
		case key == "Cause":
			t.Causes = append(t.Causes, Cause{HumanReadable: v})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !seen["pid"] {
		return nil, fmt.Errorf("no \"pid:\" line: not a tombstone")
	}
	return t, nil
}

// parsePidLine reads "pid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<".
func parsePidLine(line string, t *Tombstone) error {
	info, bin, hasBin := strings.Cut(line, ">>>")
	for _, part := range strings.Split(info, ",") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "pid", "tid":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("bad pid line %q", line)
			}
			if strings.TrimSpace(k) == "pid" {
				t.PID = n
			} else {
				t.TID = n
			}
		case "name":
			t.ProcessName = v
		}
	}
	if hasBin {
		t.BinaryPath = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(bin), "<<<"))
	}
	return nil
}

// parseSignalLine reads "signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr …".
func parseSignalLine(line string) Signal {
	var s Signal
	parts := strings.Split(line, ",")
	num := func(part, prefix string) (int64, string) {
		_, rest, ok := strings.Cut(part, prefix)
		if !ok {
			return 0, "UNKNOWN"
		}
		fields := strings.Fields(rest)
		var n int64
		if len(fields) > 0 {
			n, _ = strconv.ParseInt(fields[0], 10, 64)
		}
		name := "UNKNOWN"
		if _, after, ok := strings.Cut(rest, "("); ok {
			name, _, _ = strings.Cut(after, ")")
		}
		return n, name
	}
	s.Number, s.Name = num(parts[0], "signal ")
	if len(parts) > 1 {
		s.Code, s.CodeName = num(parts[1], "code ")
	} else {
		s.CodeName = "UNKNOWN"
	}
	return s
}

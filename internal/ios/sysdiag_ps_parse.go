package ios

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// ps.txt and ps_thread.txt are `ps` listings that sysdiagnose takes as it
// starts. Formats (facts from EC-DIGIT-CSIRC/sysdiagnose's parsers and
// their test files, and plaso's apple_ps_txt parser):
//
// ps.txt, iOS 16 and later (iOS 15 lacks PRSNA, F):
//
//	USER               UID PRSNA   PID  PPID        F  %CPU %MEM PRI NI      VSZ    RSS WCHAN    TT  STAT STARTED      TIME COMMAND
//	root                 0     -     1     0     4004   0.0  0.0   0  0        0      0 -        ??  ?s    7:47AM   0:00.00 /sbin/launchd
//
// Every column before COMMAND is one word, so the command (which may hold
// spaces: "/usr/libexec/UserEventAgent (System)") is what follows as many
// words as the header has before COMMAND.
//
// ps_thread.txt (ps -M) has a short COMMAND column (the process name, up to
// 16 characters, possibly with spaces), then ten one-word columns (PPID F
// %MEM PRI NI VSZ RSS WCHAN STARTED TIME), then the full COMMAND. A process
// row starts at the line's first character (USER); its threads follow on
// indented rows, which are skipped.

// Bounds for a crafted listing: a real one is a few hundred kilobytes.
const (
	maxPSSize       = 64 << 20
	maxPSLine       = 64 << 10
	maxPSProcesses  = 100_000
	psThreadTailLen = 10
)

// psProcess is one process of a listing.
type psProcess struct {
	File    string `json:"file"`
	User    string `json:"user"`
	PID     int64  `json:"pid"`
	PPID    *int64 `json:"ppid,omitempty"`
	Name    string `json:"name,omitempty"` // ps_thread's short name
	Command string `json:"command"`
	// Path is the command's first word: the binary's path, or a bare name
	// (kernel_task).
	Path string `json:"path"`
}

// parsePS reads a listing; thread says it is ps_thread.txt. It returns the
// processes and how many rows could not be read. A file with no header is
// an error of the caller's to report (ok false).
func parsePS(r io.Reader, file string, thread bool, fn func(*psProcess)) (rows, skipped int, ok bool, err error) {
	br := bufio.NewReaderSize(io.LimitReader(r, maxPSSize), 64<<10)
	var header []string
	pre, pidAt, ppidAt, userAt := -1, -1, -1, -1
	for {
		line, rerr := readLineBounded(br, maxPSLine)
		if line != nil {
			s := strings.TrimRight(string(line), "\r")
			switch {
			case header == nil:
				if f := strings.Fields(s); indexOf(f, "PID") >= 0 && indexOf(f, "COMMAND") > indexOf(f, "PID") {
					header = f
					pre, pidAt, userAt = indexOf(f, "COMMAND"), indexOf(f, "PID"), indexOf(f, "USER")
					if i := indexOf(f, "PPID"); i >= 0 && i < pre {
						ppidAt = i
					}
				}
			case strings.TrimSpace(s) == "":
			case thread && (s[0] == ' ' || s[0] == '\t'):
				// a thread of the process above
			case rows >= maxPSProcesses:
				skipped++
			default:
				p := psRow(s, pre, pidAt, ppidAt, userAt, thread)
				if p == nil {
					skipped++
					break
				}
				p.File = file
				rows++
				fn(p)
			}
		}
		if rerr == io.EOF {
			return rows, skipped, header != nil, nil
		}
		if rerr != nil {
			return rows, skipped, header != nil, rerr
		}
	}
}

// psRow reads one process row, or nil when it does not have the header's
// shape.
func psRow(s string, pre, pidAt, ppidAt, userAt int, thread bool) *psProcess {
	spans := wordSpans(s)
	if len(spans) <= pre {
		return nil
	}
	word := func(i int) string { return s[spans[i][0]:spans[i][1]] }
	pid, err := strconv.ParseInt(word(pidAt), 10, 64)
	if err != nil || pid < 0 {
		return nil
	}
	p := &psProcess{PID: pid}
	if userAt >= 0 {
		p.User = word(userAt)
	}
	if ppidAt >= 0 {
		if v, err := strconv.ParseInt(word(ppidAt), 10, 64); err == nil {
			p.PPID = &v
		}
	}
	start := pre
	if thread {
		// The full command follows the ten one-word columns that follow
		// the short name; the first place where they fit is taken.
		start = -1
		for i := pre + 1; i+psThreadTailLen < len(spans); i++ {
			if isPSNumber(word(i)) && isPSTime(word(i+psThreadTailLen-1)) {
				start = i + psThreadTailLen
				p.Name = strings.TrimSpace(s[spans[pre][0]:spans[i-1][1]])
				if v, err := strconv.ParseInt(word(i), 10, 64); err == nil {
					p.PPID = &v
				}
				break
			}
		}
		if start < 0 {
			return nil
		}
	}
	p.Command = strings.TrimSpace(s[spans[start][0]:])
	p.Path = word(start)
	return p
}

// wordSpans is the start and end of each space-separated word of s.
func wordSpans(s string) [][2]int {
	var out [][2]int
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			break
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

func indexOf(words []string, w string) int {
	for i, x := range words {
		if x == w {
			return i
		}
	}
	return -1
}

func isPSNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// isPSTime accepts ps's CPU times: "0:00.00", "12:34.56", "1-02:03:04".
func isPSTime(s string) bool {
	if !strings.Contains(s, ":") {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != ':' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

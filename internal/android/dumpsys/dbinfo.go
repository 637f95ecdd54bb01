package dumpsys

import (
	"regexp"
	"strings"
)

// DBInfoOperation is one of the "Most recently executed operations" of a
// SQLite connection pool in the dbinfo section: which app database was
// queried, how, and when (device local time).
type DBInfoOperation struct {
	ISODate string `json:"isodate"`
	PID     string `json:"pid,omitempty"`
	Action  string `json:"action"`
	SQL     string `json:"sql"`
	Path    string `json:"path"`
}

var (
	// "0: [2023-07-27 12:21:44.097] [Pid:(0)]executeForCursorWindow took … sql="…""
	dbinfoOp = regexp.MustCompile(`\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})\].*?\[Pid:\((\d+)\)\](\w+).*?sql="(.+?)"`)
	// The same without a pid.
	dbinfoOpNoPID = regexp.MustCompile(`\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})\] (\w+).*?sql="(.+?)"`)
	// Some Android versions write the time without the year:
	// "[07-27 12:21:44.097] executeForLong …".
	dbinfoOpMonthDay = regexp.MustCompile(`\[(\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})\](?: \[Pid:\((\d+)\)\])? ?(\w+).*?sql="(.+?)"`)
)

// ParseDBInfo reads the dbinfo section.
func ParseDBInfo(l *Lines) ([]DBInfoOperation, error) {
	var out []DBInfoOperation
	pool := ""
	inOps := false
	for l.Next() {
		line := l.Text()
		if rest, ok := strings.CutPrefix(line, "Connection pool for "); ok {
			pool = strings.TrimRight(rest, ":")
		}
		if pool == "" {
			continue
		}
		if strings.TrimSpace(line) == "Most recently executed operations:" {
			inOps = true
			continue
		}
		if !inOps {
			continue
		}
		if !strings.HasPrefix(line, "        ") {
			inOps, pool = false, ""
			continue
		}
		if m := dbinfoOp.FindStringSubmatch(line); m != nil {
			out = append(out, DBInfoOperation{ISODate: m[1], PID: m[2], Action: m[3], SQL: m[4], Path: pool})
		} else if m := dbinfoOpNoPID.FindStringSubmatch(line); m != nil {
			out = append(out, DBInfoOperation{ISODate: m[1], Action: m[2], SQL: m[3], Path: pool})
		} else if m := dbinfoOpMonthDay.FindStringSubmatch(line); m != nil {
			out = append(out, DBInfoOperation{ISODate: m[1], PID: m[2], Action: m[3], SQL: m[4], Path: pool})
		}
	}
	return out, l.Err()
}

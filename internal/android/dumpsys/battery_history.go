package dumpsys

import "strings"

// BatteryHistoryEvent is one app event of the batterystats "Battery
// History": a job started or ended, an alarm wake lock, an app coming to or
// leaving the foreground.
type BatteryHistoryEvent struct {
	// TimeElapsed is the history's time column as written: a relative
	// "+47s645ms" or an absolute "08-17 01:15:45.123".
	TimeElapsed string `json:"time_elapsed"`
	Event       string `json:"event"`
	UID         string `json:"uid"`
	PackageName string `json:"package_name"`
	Service     string `json:"service"`
}

// ParseBatteryHistory reads the "Battery History" block of the batterystats
// section, up to its first blank line. Text before the block is skipped; a
// text without the header line is read from its start.
func ParseBatteryHistory(l *Lines) ([]BatteryHistoryEvent, error) {
	var out []BatteryHistoryEvent
	header := false
	for l.Next() {
		line := l.Text()
		if strings.HasPrefix(line, "Battery History ") {
			out, header = out[:0], true
			continue
		}
		if strings.TrimSpace(line) == "" {
			if header || len(out) > 0 {
				break
			}
			continue
		}
		if ev, ok := parseHistoryLine(line); ok {
			out = append(out, ev)
		}
	}
	return out, l.Err()
}

func parseHistoryLine(line string) (BatteryHistoryEvent, bool) {
	parts := strings.Fields(line)
	if len(parts) == 0 {
		return BatteryHistoryEvent{}, false
	}
	ev := BatteryHistoryEvent{TimeElapsed: parts[0]}
	if len(parts) > 1 && len(parts[0]) == 5 && parts[0][2] == '-' && strings.Contains(parts[1], ":") {
		ev.TimeElapsed = parts[0] + " " + parts[1]
	}
	jobService := func(marker string) bool {
		_, payload, _ := strings.Cut(line, marker)
		uid, svc, ok := strings.Cut(payload, ":")
		if !ok {
			return false
		}
		ev.UID = uid
		ev.Service = strings.Trim(strings.TrimSpace(svc), `"`)
		ev.PackageName = packageOf(ev.Service)
		return true
	}
	switch {
	case strings.Index(line, "+job") > 0:
		ev.Event = "start_job"
		return ev, jobService("+job=")
	case strings.Index(line, "-job") > 0:
		ev.Event = "end_job"
		return ev, jobService("-job=")
	case strings.Index(line, "+running +wake_lock=") > 0:
		_, payload, _ := strings.Cut(line, "+running +wake_lock=")
		uid, _, ok := strings.Cut(payload, ":")
		if !ok {
			return ev, false
		}
		_, after, found := strings.Cut(line, "*walarm*:")
		if !found {
			return ev, false
		}
		svc, _, _ := strings.Cut(after, " ")
		svc = strings.TrimSpace(strings.Trim(svc, `"`))
		if !strings.Contains(svc, "/") {
			return ev, false
		}
		ev.Event, ev.UID, ev.Service, ev.PackageName = "wake", uid, svc, packageOf(svc)
		return ev, true
	case strings.Index(line, "+top=") > 0 || strings.Index(line, "-top=") > 0:
		marker := "+top="
		ev.Event = "start_top"
		if strings.Index(line, "+top=") <= 0 {
			marker, ev.Event = "-top=", "end_top"
		}
		_, payload, _ := strings.Cut(line, marker)
		uid, name, ok := strings.Cut(payload, ":")
		if !ok {
			return ev, false
		}
		ev.UID = uid
		ev.PackageName = strings.Trim(name, `"`)
		return ev, true
	}
	return ev, false
}

package dumpsys

import (
	"sort"
	"strconv"
	"strings"
)

// BatteryDailyUpdate is one "Update pkg vers=N" line of a batterystats
// "Daily from A to B:" period, merged with identical lines of that period.
type BatteryDailyUpdate struct {
	// Action is "update", "uninstall" (vers=0) or "downgrade" (a version
	// lower than the one seen in an earlier period).
	Action      string `json:"action"`
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	PackageName string `json:"package_name"`
	// VersionCode is the number, or the raw text when it is not a number.
	VersionCode         any    `json:"version_code"`
	Occurrences         int    `json:"occurrences"`
	PreviousVersionCode *int64 `json:"previous_version_code,omitempty"`
}

// IsUninstall reports a "vers=0" line, which batterystats writes when a
// package is removed.
func (u *BatteryDailyUpdate) IsUninstall() bool {
	v, ok := u.VersionCode.(int64)
	return ok && v == 0
}

// ParseBatteryDaily reads the daily package changes of the batterystats
// section and marks uninstalls and downgrades (in chronological order of the
// periods, whatever order the dump lists them in).
func ParseBatteryDaily(l *Lines) ([]BatteryDailyUpdate, error) {
	var out []BatteryDailyUpdate
	var start, end string
	inDaily := false
	periodFirst := 0 // index in out of the current period's first update
	for l.Next() {
		line := l.Text()
		if rest, ok := strings.CutPrefix(line, "  Daily from "); ok {
			from, to, _ := strings.Cut(strings.Trim(strings.TrimSpace(rest), ":"), " to ")
			start, end = formatDailyTime(from), formatDailyTime(to)
			inDaily = true
			periodFirst = len(out)
			continue
		}
		if !inDaily {
			continue
		}
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "Update ")
		if !ok {
			continue
		}
		name, vers, _ := strings.Cut(rest, " ")
		_, raw, _ := strings.Cut(vers, "=")
		raw = strings.TrimSpace(raw)
		if name == "" || raw == "" {
			continue
		}
		var code any = raw
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			code = n
		}
		merged := false
		for i := periodFirst; i < len(out); i++ {
			if out[i].PackageName == name && out[i].VersionCode == code {
				out[i].Occurrences++
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, BatteryDailyUpdate{
				Action: "update", PeriodStart: start, PeriodEnd: end,
				PackageName: name, VersionCode: code, Occurrences: 1,
			})
		}
	}
	markUninstallsAndDowngrades(out)
	return out, l.Err()
}

// formatDailyTime turns batterystats' "2022-08-16-15-56-39" into
// "2022-08-16 15:56:39"; anything else is kept as written.
func formatDailyTime(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 19 && v[10] == '-' {
		return v[:10] + " " + strings.ReplaceAll(v[11:], "-", ":")
	}
	return v
}

func markUninstallsAndDowngrades(recs []BatteryDailyUpdate) {
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := &recs[order[a]], &recs[order[b]]
		if x.PeriodStart != y.PeriodStart {
			return x.PeriodStart < y.PeriodStart
		}
		if x.PeriodEnd != y.PeriodEnd {
			return x.PeriodEnd < y.PeriodEnd
		}
		return x.PackageName < y.PackageName
	})
	last := map[string]int64{}
	for _, i := range order {
		r := &recs[i]
		if r.IsUninstall() {
			r.Action = "uninstall"
			delete(last, r.PackageName)
			continue
		}
		v, ok := r.VersionCode.(int64)
		if !ok {
			continue
		}
		if prev, seen := last[r.PackageName]; seen && v < prev {
			r.Action = "downgrade"
			p := prev
			r.PreviousVersionCode = &p
		}
		last[r.PackageName] = v
	}
}

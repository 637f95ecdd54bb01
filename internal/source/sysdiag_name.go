package source

import (
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// sysdiagnoseName is the name Apple gives a sysdiagnose, from iOS 15 to
// 26: sysdiagnose_2025.04.07_08-06-18-0700_iPhone-OS_iPhone_20A362 (the
// device-type part varies: "iPhone-OS_iPhone", "iPhone-OS_iPad", and the
// build is the last part). Only the date, time and UTC offset are read.
var sysdiagnoseName = regexp.MustCompile(`(?i)^sysdiagnose_(\d{4})\.(\d{2})\.(\d{2})_(\d{2})-(\d{2})-(\d{2})([+-]\d{4})`)

// CaptureTime reads when the sysdiagnose was taken from its folder or
// archive name, in the phone's zone at the time (the name's -ZZZZ); ok is
// false when the name does not say.
func CaptureTime(name string) (time.Time, bool) {
	base := strings.TrimSuffix(filepath.Base(name), "/")
	m := sysdiagnoseName.FindStringSubmatch(base)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("2006.01.02_15-04-05-0700", m[1]+"."+m[2]+"."+m[3]+"_"+m[4]+"-"+m[5]+"-"+m[6]+m[7])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

package ios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

var adDailyPlist = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/Preferences/com.apple.osanalytics.addaily.plist"},
	FSGlobs:     []string{"private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist"},
}

// errNoNetUsageBaseline means the plist decoded but has no per-process list.
var errNoNetUsageBaseline = errors.New("no netUsageBaseline dict")

// adDailyRecord is one process of netUsageBaseline, with MVT's field names:
// the date of the baseline and the bytes it moved over Wi-Fi and mobile
// data. A counter missing from a short list is null.
type adDailyRecord struct {
	Package string `json:"package"`
	TS      string `json:"ts"`
	WifiIn  any    `json:"wifi_in"`
	WifiOut any    `json:"wifi_out"`
	WwanIn  any    `json:"wwan_in"`
	WwanOut any    `json:"wwan_out"`
}

// OSAnalyticsADDaily reads the daily per-process network usage that iOS
// analytics keep (com.apple.osanalytics.addaily.plist).
type OSAnalyticsADDaily struct{}

// NewOSAnalyticsADDaily returns the os_analytics_ad_daily module.
func NewOSAnalyticsADDaily() *OSAnalyticsADDaily { return &OSAnalyticsADDaily{} }

// Describe implements module.Module.
func (*OSAnalyticsADDaily) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "os_analytics_ad_daily",
		MVTName:     "OSAnalyticsADDaily",
		Description: "Daily network usage per process from iOS analytics (com.apple.osanalytics.addaily.plist)",
		Artifact:    "Daily network usage per process (iOS analytics)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *OSAnalyticsADDaily) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOneByID(in, adDailyPlist, "com.apple.osanalytics.addaily.plist (HomeDomain Library/Preferences)")
	if err != nil {
		return err
	}
	b, err := readFile(in, f)
	if err != nil {
		return err
	}
	recs, err := parseADDaily(b)
	if errors.Is(err, errNoNetUsageBaseline) {
		// The file exists but holds no per-process usage (MVT then
		// reports nothing); say which keys it has.
		return module.NoData("per-process usage in %s: %v", fileLabel(f), err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	for _, r := range recs {
		out.Record(r)
		out.Timeline(module.TimelineEvent{Timestamp: r.TS, Module: "OSAnalyticsADDaily", Event: "osanalytics_addaily",
			Data: fmt.Sprintf("%s WIFI IN: %s, WIFI OUT: %s - WWAN IN: %s, WWAN OUT: %s",
				r.Package, pyText(r.WifiIn), pyText(r.WifiOut), pyText(r.WwanIn), pyText(r.WwanOut))})
		adDailyCheck(in.IOCs, r, r.Package, r.TS, out)
	}
	logger(in).Debug("extracted osanalytics addaily entries", "file", fileLabel(f), "count", len(recs))
	return nil
}

// parseADDaily decodes {"netUsageBaseline": {process: [date, wifi in, wifi
// out, wwan in, wwan out]}}, processes sorted by name. A value that is not a
// list is skipped; a short list leaves the missing counters null (MVT fails
// on both).
func parseADDaily(b []byte) ([]*adDailyRecord, error) {
	var d map[string]any
	if err := decodePlist(b, &d); err != nil {
		return nil, err
	}
	raw, ok := d["netUsageBaseline"]
	if !ok {
		return nil, fmt.Errorf("%w; keys found: %s", errNoNetUsageBaseline, strings.Join(sortedKeys(d), ", "))
	}
	base, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("netUsageBaseline is a %T, not a dict", raw)
	}
	recs := []*adDailyRecord{}
	for _, pkg := range sortedKeys(base) {
		vals, ok := base[pkg].([]any)
		if !ok {
			continue
		}
		at := func(i int) any {
			if i < len(vals) {
				return plistJSONValue(vals[i], 0)
			}
			return nil
		}
		r := &adDailyRecord{Package: pkg, WifiIn: at(1), WifiOut: at(2), WwanIn: at(3), WwanOut: at(4)}
		if len(vals) > 0 {
			r.TS = plistTimeText(vals[0])
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// adDailyCheck matches the process name against process indicators
// (CRITICAL), with the baseline's date as event time, as MVT does.
func adDailyCheck(idx *ioc.Index, rec any, pkg, when string, out module.Emitter) {
	if m := idx.CheckProcess(pkg); m != nil {
		out.Alert(iocAlert(alert.Critical, matchMessage(pkg, m), when, rec, m))
	}
}

// Recheck implements module.Rechecker on one record of
// os_analytics_ad_daily.json.
func (m *OSAnalyticsADDaily) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		Package string `json:"package"`
		TS      string `json:"ts"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("os_analytics_ad_daily record: %w", err)
	}
	adDailyCheck(idx, json.RawMessage(raw), rec.Package, rec.TS, out)
	return nil
}

package ios

import (
	"context"
	"sort"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// analyticsIOSVersion is the first date an iOS build appears in the
// keychain analytics, with MVT's field names. Version is null: MVT maps
// builds to versions with a table shipped with it, which spyglass does not
// carry (the build alone identifies the release).
type analyticsIOSVersion struct {
	Isodate string  `json:"isodate"`
	Build   string  `json:"build"`
	Version *string `json:"version"`
}

// maxAnalyticsBuilds bounds the distinct builds kept (a phone sees a few
// dozen over its life).
const maxAnalyticsBuilds = 10000

// AnalyticsIOSVersions dates each iOS build the phone ran, from the first
// keychain analytics event that names it: a history of updates that
// survives a restore of the backup.
type AnalyticsIOSVersions struct{}

// NewAnalyticsIOSVersions returns the analytics_ios_versions module.
func NewAnalyticsIOSVersions() *AnalyticsIOSVersions { return &AnalyticsIOSVersions{} }

// Describe implements module.Module.
func (*AnalyticsIOSVersions) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "analytics_ios_versions",
		MVTName:     "AnalyticsIOSVersions",
		Description: "iOS builds the phone ran and when each was first seen (keychain analytics)",
		Artifact:    "iOS versions the phone ran (keychain analytics)",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module. It has no indicator check.
func (m *AnalyticsIOSVersions) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	first := map[string]string{}
	err := readAnalytics(ctx, in, func(ev *analyticsEvent, _ string) {
		build, _ := ev.get("build").(string)
		if build == "" {
			return
		}
		when, _ := ev.get("isodate").(string)
		old, seen := first[build]
		switch {
		case !seen && len(first) < maxAnalyticsBuilds:
			first[build] = when
		case seen && when != "" && (old == "" || when < old):
			first[build] = when
		}
	})
	recs := make([]*analyticsIOSVersion, 0, len(first))
	for b, when := range first {
		recs = append(recs, &analyticsIOSVersion{Isodate: when, Build: b})
	}
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].Isodate != recs[j].Isodate {
			return recs[i].Isodate < recs[j].Isodate
		}
		return recs[i].Build < recs[j].Build
	})
	for _, r := range recs {
		out.Record(r)
		if r.Isodate != "" {
			out.Timeline(module.TimelineEvent{Timestamp: r.Isodate, Module: "AnalyticsIOSVersions", Event: "ios_version",
				Data: "Seen iOS build " + r.Build})
		}
	}
	return err
}

package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/output"
)

// BuildSummary rebuilds a summary from the files of a results folder, for
// folders written by MVT (which has no summary.json). What MVT does not
// record (modules that found no data or failed, feed dates and counts) is
// left empty and said so in Notes.
func BuildSummary(r *Results) *Summary {
	s := &Summary{SchemaVersion: SummaryVersion, Tool: "mvt", ToolVersion: r.Info.MVTVersion}
	if r.Info.SpyglassVersion != "" {
		s.Tool, s.ToolVersion = "spyglass", r.Info.SpyglassVersion
	}
	s.RecordedDate = r.Info.Date
	s.CountAlerts(r.Alerts)
	seen := map[string]bool{}
	for _, m := range r.Modules {
		seen[m.Slug] = true
		s.Modules = append(s.Modules, ModuleStatus{Name: m.Slug, Status: StatusOK, Records: max(m.Records, 0), Alerts: s.AlertsByModule[m.Slug]})
	}
	// A module can raise alerts without writing records (MVT writes
	// <slug>.json only when there are results).
	for _, a := range r.Alerts {
		if a.Module != "" && !seen[a.Module] {
			seen[a.Module] = true
			s.Modules = append(s.Modules, ModuleStatus{Name: a.Module, Status: StatusOK, Alerts: s.AlertsByModule[a.Module]})
		}
	}
	s.Evidence = Evidence{Path: r.Info.TargetPath, Hashes: r.Info.HashesFile}
	if s.Evidence.Hashes == nil && len(r.Info.Hashes) > 0 {
		s.Evidence.Hashes = &output.HashesRef{File: "info.json", Count: len(r.Info.Hashes)}
	}
	s.Platform, s.Evidence.Type = guessEvidence(r)
	r.deviceDetails(&s.Evidence)
	for _, p := range r.Info.IOCFiles {
		s.Feeds = append(s.Feeds, Feed{Path: p, Indicators: -1})
	}
	if s.Tool == "mvt" {
		s.Notes = append(s.Notes, "Rebuilt from a results folder written by MVT, which does not record the modules that found no data or failed (see command.log), nor the indicator counts of its feeds.")
	}
	if !r.HasInfo {
		s.Notes = append(s.Notes, "The folder has no readable info.json: the evidence path, tool version and indicator feeds are unknown.")
	}
	return s
}

// SummaryOrBuild returns the folder's summary.json, or one rebuilt from
// its files.
func (r *Results) SummaryOrBuild() *Summary {
	if r.Summary != nil {
		return r.Summary
	}
	return BuildSummary(r)
}

// guessEvidence infers the platform and evidence type from the modules
// that wrote results: each acquisition type has modules only it runs.
func guessEvidence(r *Results) (platform, typ string) {
	has := func(prefixes ...string) bool {
		for _, m := range r.Modules {
			for _, p := range prefixes {
				if m.Slug == p || strings.HasPrefix(m.Slug, p+"_") {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("aqf"):
		return "android", "androidqf"
	case has("dumpsys", "tombstones", "bugreport_timestamps"):
		return "android", "bugreport"
	case r.DeviceLocalTime:
		return "android", "android_backup"
	case has("backup_info", "manifest", "profile_events", "configuration_profiles"):
		return "ios", "ios_backup"
	case has("filesystem", "shutdownlog", "analytics", "cache_files", "net_netusage"):
		return "ios", "ios_fs"
	case has("sms", "tcc", "whatsapp", "datausage", "safari_history", "interaction_c"):
		return "ios", ""
	}
	return "", ""
}

// deviceDetails fills the device name, model and OS from backup_info.json
// (iOS, from Info.plist) or the getprop results (Android).
func (r *Results) deviceDetails(ev *Evidence) {
	root, err := os.OpenRoot(r.Dir)
	if err != nil {
		return
	}
	defer root.Close()
	if b, err := readLimited(root, "backup_info.json", maxSmallJSON); err == nil {
		var info map[string]any
		if json.Unmarshal(b, &info) == nil {
			str := func(k string) string { s, _ := info[k].(string); return s }
			ev.DeviceName = str("Device Name")
			ev.Model = str("Product Type")
			if v := str("Product Version"); v != "" {
				ev.OSVersion = "iOS " + v
			}
			ev.Build = str("Build Version")
		}
		return
	}
	for _, name := range []string{"aqf_get_prop.json", "get_prop.json", "getprop.json", "dumpsys_getprop.json", "dumpsys_get_prop.json"} {
		b, err := readLimited(root, filepath.Base(name), maxSmallJSON)
		if err != nil {
			continue
		}
		var props []struct{ Name, Value string }
		if json.Unmarshal(b, &props) != nil {
			continue
		}
		p := map[string]string{}
		for _, kv := range props {
			p[kv.Name] = kv.Value
		}
		ev.DeviceName = p["ro.product.device"]
		ev.Model = strings.TrimSpace(p["ro.product.manufacturer"] + " " + p["ro.product.model"])
		if v := p["ro.build.version.release"]; v != "" {
			ev.OSVersion = "Android " + v
		}
		ev.Build = p["ro.build.id"]
		return
	}
}

// Package report turns a results folder (written by spyglass or by MVT) into
// what people read: summary.json with the verdict, a self-contained HTML page,
// and a Timesketch timeline (timeline.jsonl).
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/output"
)

// SummaryFile is the name of the summary in a results folder.
const SummaryFile = "summary.json"

// SummaryVersion is bumped when a field changes meaning.
const SummaryVersion = 1

// The verdicts, from the most to the least alarming.
const (
	// VerdictIndicatorsFound: at least one alert matched a known indicator.
	VerdictIndicatorsFound = "indicators_found"
	// VerdictSuspicious: no indicator matched, but a heuristic at MEDIUM or
	// above fired.
	VerdictSuspicious = "suspicious"
	// VerdictNoKnownIndicators: nothing above; not proof of a clean phone.
	VerdictNoKnownIndicators = "no_known_indicators"
	// VerdictNothingChecked: no module read a record nor raised an alert
	// (every artifact missing, empty or unreadable): the run says nothing
	// about the phone.
	VerdictNothingChecked = "nothing_checked"
)

// Module statuses, as module.Outcome spells them.
const (
	StatusOK     = "ok"
	StatusNoData = "no_data"
	StatusFailed = "failed"
)

// Summary is summary.json: everything needed to judge a run at a glance.
type Summary struct {
	SchemaVersion int `json:"schema_version"`
	// Tool is "spyglass", or "mvt" when the summary was rebuilt from a
	// folder MVT wrote.
	Tool        string `json:"tool"`
	ToolVersion string `json:"tool_version"`
	// Command is what ran: "ios check-backup".
	Command string `json:"command,omitempty"`
	// Platform is "ios" or "android" ("" when unknown).
	Platform string    `json:"platform,omitempty"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	// RecordedDate is the date written in an MVT info.json, as written
	// (the analyst's local time, without a zone); only for MVT folders.
	RecordedDate string `json:"recorded_date,omitempty"`

	Verdict string `json:"verdict"`
	// VerdictNote says how much of the evidence was there, when most
	// artifacts were missing: "only 2 of 35 artifacts were present".
	VerdictNote    string         `json:"verdict_note,omitempty"`
	AlertsTotal    int            `json:"alerts_total"`
	AlertsByLevel  map[string]int `json:"alerts_by_level"`
	AlertsByFamily map[string]int `json:"alerts_by_family"`
	AlertsByModule map[string]int `json:"alerts_by_module"`
	// HeuristicAlerts counts alerts raised without an indicator.
	HeuristicAlerts int `json:"heuristic_alerts"`

	Modules  []ModuleStatus `json:"modules"`
	Evidence Evidence       `json:"evidence"`
	Feeds    []Feed         `json:"indicator_feeds"`
	// Notes say what the summary could not know.
	Notes []string `json:"notes,omitempty"`
}

// ModuleStatus is how one module's run ended.
type ModuleStatus struct {
	Name string `json:"name"`
	// Version, Description and Artifact come from the module's
	// descriptor: a result says which parser version produced it.
	Version     int    `json:"version,omitempty"`
	Description string `json:"description,omitempty"`
	Artifact    string `json:"artifact,omitempty"`
	// Group names nested evidence ("bugreport" inside an AndroidQF folder).
	Group string `json:"group,omitempty"`
	// Status is StatusOK, StatusNoData or StatusFailed.
	Status   string        `json:"status"`
	Reason   string        `json:"reason,omitempty"`
	Records  int           `json:"records"`
	Alerts   int           `json:"alerts"`
	Duration time.Duration `json:"-"`
}

type moduleStatusJSON struct {
	Name            string  `json:"name"`
	Version         int     `json:"version,omitempty"`
	Description     string  `json:"description,omitempty"`
	Artifact        string  `json:"artifact,omitempty"`
	Group           string  `json:"group,omitempty"`
	Status          string  `json:"status"`
	Reason          string  `json:"reason,omitempty"`
	Records         int     `json:"records"`
	Alerts          int     `json:"alerts"`
	DurationSeconds float64 `json:"duration_seconds"`
}

// MarshalJSON writes the duration in seconds, which people can read.
func (m ModuleStatus) MarshalJSON() ([]byte, error) {
	return json.Marshal(moduleStatusJSON{Name: m.Name, Version: m.Version, Description: m.Description,
		Artifact: m.Artifact, Group: m.Group, Status: m.Status, Reason: m.Reason, Records: m.Records,
		Alerts: m.Alerts, DurationSeconds: m.Duration.Round(time.Millisecond).Seconds()})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (m *ModuleStatus) UnmarshalJSON(b []byte) error {
	var j moduleStatusJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*m = ModuleStatus{Name: j.Name, Version: j.Version, Description: j.Description, Artifact: j.Artifact,
		Group: j.Group, Status: j.Status, Reason: j.Reason,
		Records: j.Records, Alerts: j.Alerts, Duration: time.Duration(j.DurationSeconds * float64(time.Second))}
	return nil
}

// Evidence describes what was analysed.
type Evidence struct {
	Path string `json:"path"`
	// Type is "ios_backup", "ios_fs", "androidqf", "android_backup",
	// "bugreport" ("" when unknown).
	Type       string `json:"type,omitempty"`
	DeviceName string `json:"device_name,omitempty"`
	Model      string `json:"model,omitempty"`
	OSVersion  string `json:"os_version,omitempty"`
	Build      string `json:"build,omitempty"`
	// Hashes, when the input was hashed (-H), says how many files were and
	// where their SHA-256 are listed (hashes.jsonl, or info.json for an MVT
	// folder): a million paths are not repeated here.
	Hashes *output.HashesRef `json:"input_hashes,omitempty"`
}

// FileHash is one hashed input file, as in info.json.
type FileHash struct {
	Path   string `json:"file_path"`
	SHA256 string `json:"sha256"`
}

// Feed is one indicator file used for the run.
type Feed struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"`
	// Date is when the feed was published or last updated, when known.
	Date time.Time `json:"date,omitzero"`
	// Indicators is the number of indicators loaded from it; -1 when the
	// results folder does not say (MVT folders).
	Indicators  int      `json:"indicators"`
	Collections []string `json:"collections,omitempty"`
}

// Verdict classifies a run's alerts. An alert with a matched indicator
// outweighs everything; heuristics alone make a run suspicious only from
// MEDIUM up, because LOW and INFORMATIONAL heuristics fire on many clean
// phones.
func Verdict(alerts []alert.Alert) string {
	suspicious := false
	for _, a := range alerts {
		if a.Indicator != nil {
			return VerdictIndicatorsFound
		}
		if a.Level >= alert.Medium {
			suspicious = true
		}
	}
	if suspicious {
		return VerdictSuspicious
	}
	return VerdictNoKnownIndicators
}

// CountAlerts fills the verdict and the alert counters of s from alerts.
func (s *Summary) CountAlerts(alerts []alert.Alert) {
	s.Verdict = Verdict(alerts)
	s.AlertsTotal = len(alerts)
	s.AlertsByLevel = map[string]int{}
	for _, l := range alert.Levels {
		s.AlertsByLevel[l.String()] = 0
	}
	s.AlertsByFamily = map[string]int{}
	s.AlertsByModule = map[string]int{}
	s.HeuristicAlerts = 0
	for _, a := range alerts {
		s.AlertsByLevel[a.Level.String()]++
		s.AlertsByModule[a.Module]++
		if a.Indicator != nil {
			s.AlertsByFamily[familyName(a.Indicator)]++
		} else {
			s.HeuristicAlerts++
		}
	}
}

// JudgeCoverage turns the verdict into nothing_checked when no module read
// a record or raised an alert, and fills VerdictNote when most modules
// found no data. It needs Modules; folders rebuilt from MVT's files (which
// do not list the modules without data) must not use it.
func (s *Summary) JudgeCoverage() {
	total, noData, withData := len(s.Modules), 0, 0
	for _, m := range s.Modules {
		switch {
		case m.Status == StatusNoData:
			noData++
		case m.Status == StatusOK && (m.Records > 0 || m.Alerts > 0):
			withData++
		}
	}
	if s.AlertsTotal == 0 && withData == 0 {
		s.Verdict = VerdictNothingChecked
	}
	switch present := total - noData; {
	case s.Verdict == VerdictNothingChecked && present > 0:
		// An artifact can be present and empty (a dump's empty file list):
		// say so, rather than "present" beside "nothing to read".
		s.VerdictNote = fmt.Sprintf("%d of %d artifacts were present, and none held anything to check", present, total)
	case total > 0 && noData*2 > total:
		s.VerdictNote = fmt.Sprintf("only %d of %d artifacts were present", present, total)
	}
}

// FillDevice fills the device fields of ev left empty from what the
// modules wrote in the results folder dir (backup_info.json, the getprop
// records), so that summary.json names the model and OS version whatever
// the evidence.
func FillDevice(dir string, ev *Evidence) {
	var d Evidence
	(&Results{Dir: dir}).deviceDetails(&d)
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&ev.DeviceName, d.DeviceName}, {&ev.Model, d.Model}, {&ev.OSVersion, d.OSVersion}, {&ev.Build, d.Build},
	} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
}

// familyName is the collection an indicator belongs to; nameless
// collections are still counted, under their file.
func familyName(in *alert.Indicator) string {
	if in.Name != "" {
		return in.Name
	}
	if in.STIX2FileName != "" {
		return in.STIX2FileName
	}
	return "unnamed indicators"
}

// WriteSummary writes s to dir/summary.json (indented; modules in the order
// given),
// replacing any earlier one through a temporary file so that a crash never
// leaves half a summary.
func WriteSummary(dir string, s *Summary) error {
	if s.SchemaVersion == 0 {
		s.SchemaVersion = SummaryVersion
	}
	if s.AlertsByLevel == nil {
		s.CountAlerts(nil)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encoding summary: %w", err)
	}
	if err := output.WriteFileAtomic(filepath.Join(dir, SummaryFile), buf.Bytes()); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}

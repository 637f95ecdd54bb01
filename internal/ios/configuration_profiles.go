package ios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// configProfilesDomain is the system group container where iOS keeps a stub
// of every installed configuration profile (profile-<hash>.stub).
const configProfilesDomain = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"

// configProfileFiles finds the stubs: in a backup any relative path holding
// "profile-" (the module then keeps the domain above and basenames starting
// with "profile-", as MVT does); in a filesystem dump the same container.
var configProfileFiles = source.IOSQuery{
	RelativePaths: []string{"*profile-*"},
	FSGlobs: []string{
		"private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles/profile-*",
		"private/var/mobile/Library/ConfigurationProfiles/profile-*",
	},
}

// configProfileRecord is one installed profile, with MVT's field names. The
// plist is the whole stub, binary values base64-encoded.
type configProfileRecord struct {
	FileID       string         `json:"file_id"`
	RelativePath string         `json:"relative_path"`
	Domain       string         `json:"domain"`
	Plist        map[string]any `json:"plist"`
	InstallDate  string         `json:"install_date"`
}

var heuristicNotificationProfile = &alert.Heuristic{
	ID:    "ios.configuration_profiles.notification_settings",
	Title: "Configuration profile that changes notification settings",
	Why: "This profile controls which apps may show notifications. Companies and schools rarely " +
		"need that; a profile like this can silence the warnings an app or iOS would otherwise show, " +
		"which is useful to someone hiding an infection.",
	Action: "Check who installed the profile (Settings > General > VPN & Device Management) and " +
		"remove it if nobody can explain it.",
}

// ConfigurationProfiles reads the configuration profiles installed on the
// phone (VPN, proxy, certificate, device-management and restriction
// payloads).
type ConfigurationProfiles struct{}

// NewConfigurationProfiles returns the configuration_profiles module.
func NewConfigurationProfiles() *ConfigurationProfiles { return &ConfigurationProfiles{} }

// Describe implements module.Module.
func (*ConfigurationProfiles) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "configuration_profiles",
		MVTName:     "ConfigurationProfiles",
		Description: "Installed configuration profiles (profile-*.stub in the configurationprofiles container)",
		Artifact:    "Installed configuration profiles, which can change network and security settings",
		Evidence:    iosBackup,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module. A stub that cannot be decoded does not stop
// the others: they are all reported, then the module fails naming it.
func (m *ConfigurationProfiles) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	const what = "configuration profiles (profile-* in " + configProfilesDomain + ")"
	files, err := findAll(in, configProfileFiles, what)
	if err != nil {
		return err
	}
	var errs []error
	n := 0
	for _, f := range files {
		if f.Domain != "" && f.Domain != configProfilesDomain {
			continue
		}
		rel := f.RelativePath
		if rel == "" || !strings.HasPrefix(path.Base(rel), "profile-") {
			continue
		}
		n++
		b, err := readFile(in, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := parseConfigProfile(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fileLabel(f), err))
			continue
		}
		// install_date is MVT's ISO text; inside the plist, dates are
		// written as Python's str(datetime) and binary data in base64.
		rec := &configProfileRecord{RelativePath: rel, Domain: f.Domain,
			Plist: plistJSONBase64(p, 0).(map[string]any), InstallDate: plistTimeText(p["InstallDate"])}
		if f.Domain != "" {
			rec.FileID = path.Base(f.Path)
		}
		out.Record(rec)
		if rec.InstallDate != "" {
			out.Timeline(module.TimelineEvent{Timestamp: rec.InstallDate, Module: "ConfigurationProfiles",
				Event: "configuration_profile_install",
				Data: fmt.Sprintf("%s installed: %s - %s: %s", pyText(rec.Plist["PayloadType"]), pyText(rec.Plist["PayloadUUID"]),
					pyText(rec.Plist["PayloadDisplayName"]), pyText(rec.Plist["PayloadDescription"]))})
		}
		configProfileCheck(in.IOCs, rec, rec.Plist, rec.InstallDate, out)
	}
	if n == 0 {
		return module.NoData("%s not found", what)
	}
	logger(in).Debug("extracted configuration profiles", "count", n-len(errs))
	return errors.Join(errs...)
}

// parseConfigProfile decodes one profile stub: a dict, XML or binary.
func parseConfigProfile(b []byte) (map[string]any, error) {
	var p map[string]any
	if err := decodePlist(b, &p); err != nil {
		return nil, err
	}
	if p == nil {
		p = map[string]any{}
	}
	return p, nil
}

// configProfileCheck matches the profile's UUID, then its identifier,
// against configuration-profile indicators (CRITICAL), and flags payloads
// that change notification settings (MEDIUM).
//
// Deliberate differences from MVT: MVT runs both checks only when
// indicators are loaded and looks at PayloadContent[0] only (its MEDIUM
// alert also fails on a misspelt method); spyglass always runs the
// heuristic and looks at every payload. Matching PayloadIdentifier too
// catches an indicator written as the reverse-DNS identifier. MVT leaves
// event_time empty; the install date is given here.
func configProfileCheck(idx *ioc.Index, rec any, p map[string]any, when string, out module.Emitter) {
	name := pyText(p["PayloadDisplayName"])
	for _, k := range []struct{ key, label string }{{"PayloadUUID", "UUID"}, {"PayloadIdentifier", "identifier"}} {
		v := jsonString(p, k.key)
		if v == "" {
			continue
		}
		if m := idx.CheckProfile(v); m != nil {
			out.Alert(iocAlert(alert.Critical,
				fmt.Sprintf("Found a known malicious configuration profile %q with %s %q", name, k.label, v), when, rec, m))
			return
		}
	}
	contents, _ := p["PayloadContent"].([]any)
	for _, c := range contents {
		pc, _ := c.(map[string]any)
		if t := jsonString(pc, "PayloadType"); t == "com.apple.notificationsettings" {
			out.Alert(heuristicAlert(alert.Medium,
				fmt.Sprintf("Found a potentially suspicious configuration profile %q with payload type %s", name, t),
				when, rec, heuristicNotificationProfile))
			return
		}
	}
}

// Recheck implements module.Rechecker on one record of
// configuration_profiles.json.
func (m *ConfigurationProfiles) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		Plist       map[string]any `json:"plist"`
		InstallDate string         `json:"install_date"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("configuration_profiles record: %w", err)
	}
	configProfileCheck(idx, json.RawMessage(raw), rec.Plist, rec.InstallDate, out)
	return nil
}

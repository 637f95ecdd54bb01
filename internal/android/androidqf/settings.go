package androidqf

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// dangerousSetting is a setting whose value weakens the phone's defences
// when it differs from the safe one.
type dangerousSetting struct {
	key, safe, description string
}

var dangerousSettings = []dangerousSetting{
	{"verifier_verify_adb_installs", "1", "disabled Google Play Services apps verification"},
	{"package_verifier_enable", "1", "disabled Google Play Protect"},
	{"package_verifier_user_consent", "1", "disabled Google Play Protect"},
	{"upload_apk_enable", "1", "disabled Google Play Protect"},
	{"adb_install_need_confirm", "1", "disabled confirmation of adb apps installation"},
	{"send_security_reports", "1", "disabled sharing of security reports"},
	{"samsung_errorlog_agree", "1", "disabled sharing of crash logs with manufacturer"},
	{"send_action_app_error", "1", "disabled applications errors reports"},
	{"install_non_market_apps", "0", "enabled installation of non Google Play apps"},
	{"accessibility_enabled", "0", "enabled accessibility services"},
}

var hDangerousSetting = &alert.Heuristic{
	ID:     "android.settings.dangerous",
	Title:  "Protection turned off in settings",
	Why:    "A setting that protects the phone (app scanning, install confirmation, crash reporting) is turned off, or accessibility services are on. Stalkerware needs some of these changes; people also make them for their own reasons.",
	Action: "Ask the owner whether they changed this setting; if not, restore it and look for the app that needed it.",
}

// SettingsResult is aqf_settings.json: namespace → key → value.
type SettingsResult map[string]map[string]string

// SettingAlert is the event of a dangerous-setting alert.
type SettingAlert struct {
	Namespace string `json:"namespace"`
	Key       string `json:"key"`
	Value     string `json:"value"`
}

// Settings analyses settings_<namespace>.txt (`cmd settings list`).
type Settings struct{}

// Describe implements module.Module.
func (Settings) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "aqf_settings",
		MVTName:     "AQFSettings",
		Description: "System, secure and global settings (settings_*.txt)",
		Artifact:    "System settings",
		Evidence:    []module.Evidence{module.AndroidQF},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m Settings) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	a, err := acquisition(in)
	if err != nil {
		return err
	}
	files := a.Glob("settings_*.txt")
	if len(files) == 0 {
		return module.NoData("no settings_*.txt in the acquisition")
	}
	res := SettingsResult{}
	var damaged []error
	for _, name := range files {
		ns := strings.TrimSuffix(name[strings.LastIndex(name, "_")+1:], ".txt")
		kv := map[string]string{}
		f, err := open(a, name)
		if err != nil {
			return err
		}
		stats := &textStats{r: f}
		sc := bufio.NewScanner(stats)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
			if ok {
				kv[k] = v
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(kv) == 0 && stats.content {
			// The other namespaces are still checked; the run reports
			// this module failed, naming the file.
			damaged = append(damaged, stats.unrecognised(name, "key=value line"))
			continue
		}
		res[ns] = kv
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	out.SetRecord(res)
	m.check(res, out)
	return errors.Join(damaged...)
}

// Recheck implements module.Rechecker; raw is the whole aqf_settings.json.
func (m Settings) Recheck(_ context.Context, _ *ioc.Index, raw []byte, out module.Emitter) error {
	var res SettingsResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("aqf_settings: %w", err)
	}
	m.check(res, out)
	return nil
}

func (Settings) check(res SettingsResult, out module.Emitter) {
	namespaces := make([]string, 0, len(res))
	for ns := range res {
		namespaces = append(namespaces, ns)
	}
	sort.Strings(namespaces)
	for _, ns := range namespaces {
		for _, d := range dangerousSettings {
			v, ok := res[ns][d.key]
			if !ok || v == d.safe {
				continue
			}
			out.Alert(alert.Alert{
				Level:     alert.Medium,
				Message:   fmt.Sprintf("Found suspicious %q setting \"%s = %s\" (%s)", ns, d.key, v, d.description),
				Event:     SettingAlert{Namespace: ns, Key: d.key, Value: v},
				Heuristic: hDangerousSetting,
			})
		}
	}
}

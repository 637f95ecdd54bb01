package intrusionlogs

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// securityTags are the Android SecurityLog tags (android.app.admin.SecurityLog,
// ids 210001–210046) as intrusion logging names them.
var securityTags = map[string]bool{
	"adb_shell_interactive": true, "adb_shell_cmd": true, "adb_sync_recv_file": true,
	"adb_sync_send_file": true, "app_process_start": true, "keyguard_dismissed": true,
	"keyguard_dismiss_auth_attempt": true, "keyguard_secured": true, "os_startup": true,
	"os_shutdown": true, "logging_started": true, "logging_stopped": true, "media_mount": true,
	"media_unmount": true, "log_buffer_size_critical": true, "password_expiration_set": true,
	"password_complexity_set": true, "password_history_length_set": true,
	"max_screen_lock_timeout_set": true, "max_password_attempts_set": true,
	"keyguard_disabled_features_set": true, "remote_lock": true, "wipe_failure": true,
	"key_generated": true, "key_import": true, "key_destruction": true,
	"user_restriction_added": true, "user_restriction_removed": true,
	"cert_authority_installed": true, "cert_authority_removed": true,
	"crypto_self_test_completed": true, "key_integrity_violation": true,
	"cert_validation_failure": true, "camera_policy_set": true,
	"password_complexity_required": true, "password_changed": true, "wifi_connection": true,
	"wifi_disconnection": true, "bluetooth_connection": true, "bluetooth_disconnection": true,
	"package_installed": true, "package_updated": true, "package_uninstalled": true,
	"backup_service_toggled": true, "nfc_enabled": true, "nfc_disabled": true,
}

// The security-event heuristics (they need no indicators).
var (
	hCertInstalled = &alert.Heuristic{
		ID:     "android.intrusion.ca_installed",
		Title:  "Certificate authority installed",
		Why:    "A root certificate was added to the trusted store. Whoever holds its key can read the phone's encrypted web traffic; companies and some VPN apps do this, and so do surveillance tools.",
		Action: "Find out who installed it (Settings → Security → Encryption & credentials → User credentials) and remove it unless it is expected.",
	}
	hCertValidation = &alert.Heuristic{
		ID:     "android.intrusion.cert_validation_failure",
		Title:  "Certificate validation failed",
		Why:    "The system rejected an X.509 certificate, which can mean a man-in-the-middle attempt, or just a misconfigured network.",
		Action: "Look at what the phone was connecting to at that time.",
	}
	hKeyIntegrity = &alert.Heuristic{
		ID:     "android.intrusion.key_integrity_violation",
		Title:  "Key integrity violation",
		Why:    "Android found a cryptographic key whose integrity check failed, which points at tampering with the keystore.",
		Action: "Have the phone examined by an expert.",
	}
	hWipeFailure = &alert.Heuristic{
		ID:     "android.intrusion.wipe_failure",
		Title:  "Device wipe failed",
		Why:    "A requested wipe of the device or a user did not complete.",
		Action: "Check who requested the wipe and why it failed.",
	}
	hCryptoSelfTest = &alert.Heuristic{
		ID:     "android.intrusion.crypto_self_test_failed",
		Title:  "Cryptographic self-test failed",
		Why:    "The system's cryptographic module failed its start-up self-test; its encryption may not be trustworthy.",
		Action: "Have the phone examined by an expert.",
	}
)

// SecurityEvent analyses security_event entries {event_time (ns), <tag>: …}.
type SecurityEvent struct{}

// Describe implements module.Module.
func (SecurityEvent) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "security_event",
		MVTName:     "SecurityEvent",
		Description: "Security events recorded by Android intrusion logging (security_event: adb, app starts, certificates, keys, packages)",
		Artifact:    "Security events: debugging, app starts, certificates (intrusion logging)",
		Evidence:    []module.Evidence{module.IntrusionLogs},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// tag returns the event's tag: its one key other than the metadata keys.
func tag(e Event) (string, json.RawMessage) {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		if k != "event_time" && k != "event_type" && k != "timestamp" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "", nil
	}
	sort.Strings(keys)
	return keys[0], e.Fields[keys[0]]
}

// Run implements module.Module.
func (m SecurityEvent) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	log := logger(in)
	unknown := map[string]int{}
	err := runType(ctx, in, "security_event", 1e9, true, func(e Event) error {
		out.Record(e)
		t, body := tag(e)
		if t != "" && !securityTags[t] {
			unknown[t]++
		}
		out.Timeline(module.TimelineEvent{Timestamp: e.Timestamp, Module: "SecurityEvent", Event: orUnknown(t), Data: describe(t, body)})
		if t == "key_generated" {
			kg := object(body)
			if !boolean(kg["success"], true) && !benignKeyFailure(kg) {
				log.Warn("failed key generation", "key_id", str(kg["key_id"]), "uid", str(kg["uid"]), "time", e.Timestamp)
			}
		}
		m.check(in.IOCs, e, out)
		return nil
	})
	for t, n := range unknown {
		log.Warn("unknown intrusion-logging security event type", "type", t, "count", n)
	}
	return err
}

// benignKeyFailure: the lock screen's cross-reboot PIN key (uid 1001) fails
// to generate routinely.
func benignKeyFailure(kg map[string]json.RawMessage) bool {
	return strings.Contains(str(kg["key_id"]), "PinStorage_crossReboot_key") && str(kg["uid"]) == "1001"
}

func orUnknown(t string) string {
	if t == "" {
		return "unknown"
	}
	return t
}

// describe is the timeline text: the tag and its fields.
func describe(t string, body json.RawMessage) string {
	f := object(body)
	if f == nil {
		return fmt.Sprintf("%s: %s", orUnknown(t), strings.TrimSpace(string(body)))
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+strings.TrimSpace(string(f[k])))
	}
	return fmt.Sprintf("%s: %s", orUnknown(t), strings.Join(parts, ", "))
}

// Recheck implements module.Rechecker.
func (m SecurityEvent) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var e Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("security_event record: %w", err)
	}
	m.check(idx, e, out)
	return nil
}

func (SecurityEvent) check(idx *ioc.Index, e Event, out module.Emitter) {
	t, body := tag(e)
	f := object(body)
	heur := func(h *alert.Heuristic, msg string) {
		out.Alert(alert.Alert{Level: alert.Medium, Message: msg, EventTime: e.Timestamp, Event: e, Heuristic: h})
	}
	crit := func(what, v string, match *ioc.Match) {
		out.Alert(alert.Alert{Level: alert.Critical, Message: iocMessage(what, v, match), EventTime: e.Timestamp, Event: e, Indicator: match.Indicator()})
	}
	switch t {
	case "cert_authority_installed":
		if boolean(f["success"], false) {
			heur(hCertInstalled, fmt.Sprintf("Certificate authority installed: %s", str(f["subject"])))
		}
	case "cert_validation_failure":
		heur(hCertValidation, fmt.Sprintf("Certificate validation failure: %s", describe(t, body)))
	case "key_integrity_violation":
		heur(hKeyIntegrity, fmt.Sprintf("Key integrity violation detected: %s", describe(t, body)))
	case "wipe_failure":
		heur(hWipeFailure, "Device wipe failure detected")
	case "crypto_self_test_completed":
		ok := boolean(body, false)
		if f != nil {
			ok = boolean(f["success"], true)
		}
		if !ok {
			heur(hCryptoSelfTest, "Cryptographic self test failed")
		}
	case "app_process_start":
		p := str(f["process"])
		if p == "" {
			return
		}
		if match := idx.CheckAppID(p); match != nil {
			crit("app process", p, match)
			return
		}
		// "pkg:sandboxed_process0:…": the parts after the package too.
		parts := strings.Split(p, ":")
		for _, c := range parts[1:] {
			if c == "" {
				continue
			}
			if match := idx.CheckAppID(c); match != nil {
				crit("app process", p, match)
				return
			}
		}
	case "package_installed", "package_updated", "package_uninstalled":
		if p := str(f["package_name"]); p != "" {
			if match := idx.CheckAppID(p); match != nil {
				crit("app", p, match)
			}
		}
	case "adb_shell_cmd":
		cmd := str(f["command"])
		if cmd == "" {
			return
		}
		// MVT checks the whole command as an app id; each word is checked
		// too, so "pm grant com.evil.app …" matches com.evil.app.
		for _, w := range append([]string{cmd}, strings.Fields(cmd)...) {
			if match := idx.CheckAppID(w); match != nil {
				crit("app in an adb command", cmd, match)
				return
			}
		}
	case "adb_sync_recv_file", "adb_sync_send_file":
		if p := str(f["path"]); p != "" {
			if match := idx.CheckFilePath(p); match != nil {
				crit("file", p, match)
			}
		}
	}
}

package bugreport

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// ADBState lists the computers trusted for USB debugging (dumpsys adb).
type ADBState struct{}

// Describe implements module.Module.
func (ADBState) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_adb_state",
		MVTName:     "DumpsysADBState",
		Description: "Computers trusted for USB debugging (ADB keys and last connections), from dumpsys adb",
		Artifact:    "Computers trusted for USB debugging (dumpsys adb)",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// acquisitionInfo is implemented by sources that know the computer that
// made the acquisition (AndroidQF). Only then can trusted keys be told
// apart from the examiner's own.
type acquisitionInfo interface {
	AcquisitionInfo() (*source.Acquisition, error)
}

var (
	heurInvalidKey = alert.Heuristic{
		ID: "android.adb.invalid_key", Title: "Unreadable trusted ADB key",
		Why:    "A trusted USB-debugging key that is not a valid key is unusual and may have been tampered with.",
		Action: "Revoke USB debugging authorisations in Developer options.",
	}
	heurNoHostKey = alert.Heuristic{
		ID: "android.adb.no_host_key", Title: "Acquisition did not record its ADB key",
		Why:    "Without the acquiring computer's key, the examiner's key cannot be told apart from other trusted computers.",
		Action: "Use an AndroidQF version that records adb_host_key.pub, or compare the fingerprints by hand.",
	}
	heurOtherKey = alert.Heuristic{
		ID: "android.adb.other_trusted_key", Title: "Another computer is trusted for USB debugging",
		Why: "A computer trusted for USB debugging can install apps and read data without asking again. " +
			"This key is not the one that made the acquisition; it may be the owner's own computer.",
		Action: "Ask whether the owner recognises this computer; if not, revoke USB debugging authorisations.",
	}
	heurOldHostConnection = alert.Heuristic{
		ID: "android.adb.host_key_old_connection", Title: "Acquiring computer connected before",
		Why:    "The computer that made the acquisition had last connected at least a day earlier, so it was trusted before this acquisition.",
		Action: "Confirm that the earlier connection was the examiner's.",
	}
)

func (m ADBState) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "adb", func(l *dumpsys.Lines, file string) error {
		st, err := dumpsys.ParseADB(l)
		if err != nil {
			return err
		}
		if st == nil {
			return module.NoData("no ADB debugging state in the adb section of %s", file)
		}
		out.Record(st)
		if st.KeystoreError != "" && in.Log != nil {
			in.Log.Warn("could not read the ADB keystore", "file", file, "error", st.KeystoreError)
		}
		if acq, ok := in.Source.(acquisitionInfo); ok {
			info, err := acq.AcquisitionInfo()
			if err != nil {
				info = &source.Acquisition{}
			}
			checkADBKeys(st, info, out)
		}
		return nil
	})
}

func keyBody(k string) string {
	body, _, _ := strings.Cut(strings.TrimSpace(k), " ")
	return body
}

func checkADBKeys(st *dumpsys.ADBState, info *source.Acquisition, out module.Emitter) {
	host := keyBody(info.ADBHostPublicKey)
	if host == "" {
		out.Alert(alert.Alert{Level: alert.Low, Message: "The acquisition did not record the ADB key of the computer that made it; trusted keys cannot be checked",
			Event: st, Heuristic: &heurNoHostKey})
	}
	for _, k := range st.UserKeys {
		k := k
		switch {
		case k.Invalid:
			out.Alert(alert.Alert{Level: alert.Low, Message: fmt.Sprintf("Invalid trusted ADB key for %q", k.User), Event: k, Heuristic: &heurInvalidKey})
		case host != "" && k.Key != host:
			out.Alert(alert.Alert{Level: alert.Low,
				Message: fmt.Sprintf("Trusted ADB key %s (%s) is not the key of the computer that made the acquisition", k.Fingerprint, k.User),
				Event:   k, Heuristic: &heurOtherKey})
		}
	}
	acquired, ok := parseAcquisitionTime(info.Started)
	if host == "" || !ok {
		return
	}
	for _, k := range st.Keystore {
		if k.Key != host || k.LastConnected == nil {
			continue
		}
		last := time.UnixMilli(*k.LastConnected).UTC()
		if acquired.Sub(last) >= 24*time.Hour {
			k := k
			out.Alert(alert.Alert{Level: alert.Informational,
				Message:   fmt.Sprintf("The acquiring computer's ADB key last connected on %s, at least a day before the acquisition", last.Format(dumpsys.LocalLayout)),
				EventTime: last.Format(dumpsys.LocalLayout), Event: k, Heuristic: &heurOldHostConnection})
		}
	}
}

func parseAcquisitionTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

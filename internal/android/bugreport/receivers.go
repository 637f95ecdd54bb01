package bugreport

import (
	"context"

	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Receivers lists broadcast receivers per intent action (the package
// section's receiver resolver table). Its result is one object keyed by
// intent, as MVT writes it, so it has no per-record Recheck.
type Receivers struct{}

// Describe implements module.Module.
func (Receivers) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_receivers",
		MVTName:     "DumpsysReceivers",
		Description: "Broadcast receivers per intent action (SMS, calls…), from the receiver resolver table of dumpsys package",
		Artifact:    "Apps that receive SMS, calls and other events (dumpsys package)",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// watchedIntent describes actions that let an app see messages and calls.
func watchedIntent(intent string) (string, bool) {
	switch intent {
	case "android.provider.Telephony.NEW_OUTGOING_SMS":
		return "Found a receiver to intercept outgoing SMS messages", true
	case "android.provider.Telephony.SMS_RECEIVED":
		return "Found a receiver to intercept incoming SMS messages", true
	case "android.intent.action.DATA_SMS_RECEIVED":
		return "Found a receiver to intercept incoming data SMS message", true
	case "android.intent.action.PHONE_STATE":
		return "Found a receiver monitoring telephony state/incoming calls", true
	case "android.intent.action.NEW_OUTGOING_CALL":
		return "Found a receiver monitoring outgoing calls", true
	}
	return "", false
}

func (Receivers) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "package", func(l *dumpsys.Lines, _ string) error {
		recs, err := dumpsys.ParseReceivers(l)
		if len(recs) > 0 {
			out.SetRecord(recs)
		}
		for _, ir := range recs {
			for _, r := range ir.Receivers {
				if msg, ok := watchedIntent(ir.Intent); ok && in.Log != nil {
					in.Log.Info(msg, "receiver", r.Receiver)
				}
				// The alert's event is {intent: receiver}, as in MVT.
				appIDAlert(in.IOCs, out, r.PackageName, "", map[string]dumpsys.Receiver{ir.Intent: r})
			}
		}
		return err
	})
}

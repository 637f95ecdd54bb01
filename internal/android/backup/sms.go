package backup

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/phishing"
)

// telephonyDir is where the telephony provider's backup agent puts its files.
const telephonyDir = "apps/com.android.providers.telephony/d_f/"

// SMS reads the SMS and MMS messages of the telephony provider's backup and
// checks their links against the indicators.
type SMS struct{}

// Describe implements module.Module.
func (SMS) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "sms",
		MVTName:     "SMS",
		Description: "SMS and MMS messages in the telephony provider's backup (apps/com.android.providers.telephony/d_f/*_sms_backup, *_mms_backup)",
		Artifact:    "SMS and MMS messages (telephony backup)",
		Evidence:    []module.Evidence{module.AndroidBackup},
		Sensitive:   module.Fields{"body": module.Body, "mms_body": module.Body, "address": module.Address, "recipients": module.Phone},
		Version:     1,
	}
}

func isMessagesFile(name string) bool {
	return strings.HasPrefix(name, telephonyDir) &&
		(strings.HasSuffix(name, "_sms_backup") || strings.HasSuffix(name, "_mms_backup"))
}

// Run implements module.Module.
func (m SMS) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	src, ok := in.Source.(Source)
	if !ok || src == nil {
		return fmt.Errorf("the sms module needs an Android backup, got %T", in.Source)
	}
	files := 0
	err := src.Walk(ctx, isMessagesFile, func(e Entry, r io.Reader) error {
		files++
		err := ParseMessages(r, func(msg Message) error {
			m.emit(in.IOCs, msg, out)
			return ctx.Err()
		})
		if err != nil {
			return fmt.Errorf("%s in %s: %w", e.Name, src.Label(), err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if files == 0 {
		return module.NoData("no SMS or MMS backup files (%s*_sms_backup) in %s", telephonyDir, src.Label())
	}
	return nil
}

// Recheck implements module.Rechecker.
func (m SMS) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var msg Message
	if err := json.Unmarshal(raw, &msg); err != nil {
		return fmt.Errorf("sms record: %w", err)
	}
	m.check(idx, msg, out)
	return nil
}

func (m SMS) emit(idx *ioc.Index, msg Message, out module.Emitter) {
	out.Record(msg)
	kind := "sms"
	if msg.MMS {
		kind = "mms"
	}
	out.Timeline(module.TimelineEvent{
		Timestamp: msg.ISODate,
		Module:    "SMS",
		Event:     kind + "_" + msg.Direction,
		Data:      fmt.Sprintf("%s: %s", address(msg), oneLine(msg.Body)),
	})
	for _, l := range msg.Links {
		out.URL(module.URL{URL: l, Timestamp: msg.ISODate, Source: "sms"})
	}
	m.check(idx, msg, out)
}

// check raises one CRITICAL alert for the first link that matches: among
// the http(s) links (MVT's), then among the links the body holds without a
// scheme, which MVT leaves unchecked.
func (SMS) check(idx *ioc.Index, msg Message, out module.Emitter) {
	shown, match := idx.MessageLinkMatch(msg.Links, msg.Body)
	if match == nil {
		if a := phishing.MessageLookalikeAlert(msg.Links, msg.ISODate, msg); a != nil {
			out.Alert(*a)
		}
		return
	}
	out.Alert(alert.Alert{
		Level:     alert.Critical,
		Message:   fmt.Sprintf("Found a known suspicious domain %s matching indicator %q from %q", shown, match.Value, match.Collection),
		EventTime: msg.ISODate,
		Event:     msg,
		Indicator: match.Indicator(),
	})
}

// address names the other party: "address" for SMS, the recipients for MMS.
func address(msg Message) string {
	if a := str(msg.Fields["address"]); a != "" {
		return a
	}
	var rec []string
	if json.Unmarshal(msg.Fields["recipients"], &rec) == nil && len(rec) > 0 {
		return strings.Join(rec, ", ")
	}
	return "unknown"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Modules returns the backup modules, in run order.
func Modules() []module.Module { return []module.Module{SMS{}} }

var _ interface {
	module.Module
	module.Rechecker
} = SMS{}

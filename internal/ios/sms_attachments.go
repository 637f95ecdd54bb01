package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// smsAttachmentBlobs are binary attachment columns MVT writes base64-encoded.
var smsAttachmentBlobs = map[string]bool{"user_info": true, "sticker_user_info": true, "attribution_info": true,
	"ck_server_change_token_blob": true, "sr_ck_server_change_token_blob": true}

var heuristicTmpAttachment = &alert.Heuristic{
	ID:    "ios.sms_attachments.tmp_attachment",
	Title: "Received attachment stored in /var/tmp",
	Why: "iMessage normally stores attachments under the user's Library. A received attachment " +
		"written to /var/tmp with a name ending in \"-1\" matches traces of zero-click iMessage exploits " +
		"(Pegasus FORCEDENTRY, 2021). It is rare on a clean phone.",
	Action: "Have an expert review the device and the attachment's date in the timeline.",
}

// SMSAttachments reads the attachments of SMS and iMessage messages from sms.db.
type SMSAttachments struct{}

// NewSMSAttachments returns the sms_attachments module.
func NewSMSAttachments() *SMSAttachments { return &SMSAttachments{} }

// Describe implements module.Module.
func (*SMSAttachments) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "sms_attachments",
		MVTName:     "SMSAttachments",
		Description: "SMS and iMessage attachments in sms.db",
		Artifact:    "SMS and iMessage attachments",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{"phone_number": module.Phone, "filename": module.Body, "transfer_name": module.Body},
		Version:     1,
	}
}

var smsAttachmentVariants = []sqlitedb.Variant{
	{Name: "attachment with message_attachment_join", Requires: []string{"attachment.filename", "attachment.created_date", "attachment.is_outgoing",
		"message_attachment_join.attachment_id", "message_attachment_join.message_id", "message.service", "message.handle_id", "handle.id"}},
}

// Run implements module.Module.
func (m *SMSAttachments) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, smsDB, "sms.db (HomeDomain Library/SMS/sms.db)")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	schema, err := sqlitedb.ReadSchema(db)
	if err != nil {
		return fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	if !schema.Has("attachment") {
		// The fixture's sms.db has messages but no attachment table: nothing
		// to read, which is not a broken database.
		return module.NoData("sms.db has no attachment table")
	}
	if _, err := pickFrom(in, schema, f, smsAttachmentVariants...); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT attachment.ROWID AS attachment_id, attachment.*, message.service AS service, handle.id AS phone_number
		FROM attachment
		LEFT JOIN message_attachment_join ON message_attachment_join.attachment_id = attachment.ROWID
		LEFT JOIN message ON message.ROWID = message_attachment_join.message_id
		LEFT JOIN handle ON handle.ROWID = message.handle_id`)
	if err != nil {
		return fmt.Errorf("%s: reading attachments: %w", fileLabel(f), err)
	}
	defer rows.Close()
	sc, err := newRowScanner(rows)
	if err != nil {
		return fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	for rows.Next() {
		r, err := sc.scan(rows, 3)
		if err != nil {
			return fmt.Errorf("%s: reading attachments: %w", fileLabel(f), err)
		}
		hasUserInfo := r.get("user_info") != nil
		for i, k := range r.keys {
			if smsAttachmentBlobs[k] {
				r.vals[i] = b64(r.vals[i])
			}
		}
		r.set("isodate", macTimeMVT(r.get("created_date")))
		r.set("start_date", macTimeMVT(r.get("start_date")))
		dir := "received"
		if v, ok := valueInt(r.get("is_outgoing")); ok && v == 1 {
			dir = "sent"
		}
		r.set("direction", dir)
		r.set("has_user_info", hasUserInfo)
		if r.str("service") == "" {
			r.set("service", "Unknown")
		}
		if r.str("filename") == "" {
			r.set("filename", "NULL")
		}
		out.Record(r)
		out.Timeline(module.TimelineEvent{Timestamp: r.str("isodate"), Module: "SMSAttachments", Event: "sms_attachment",
			Data: fmt.Sprintf("%s: Attachment '%s' %s from %s with %s bytes (is_sticker: %s, has_user_info: %s)",
				r.str("service"), pyText(r.get("transfer_name")), dir, pyText(r.get("phone_number")),
				pyText(r.get("total_bytes")), pyText(r.get("is_sticker")), pyText(hasUserInfo))})
		smsAttachmentCheck(in.IOCs, r, r.str("filename"), dir, r.str("isodate"), out)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading attachments: %w", fileLabel(f), err)
	}
	return nil
}

// smsAttachmentCheck matches the file path (HIGH, MVT's level) and looks
// for the /var/tmp/…-1 trace of zero-click exploits (MEDIUM).
func smsAttachmentCheck(idx *ioc.Index, rec any, filename, direction, when string, out module.Emitter) {
	if m := idx.CheckFilePath(filename); m != nil {
		out.Alert(iocAlert(alert.High, matchMessage(filename, m), when, rec, m))
	}
	if strings.HasPrefix(filename, "/var/tmp/") && strings.HasSuffix(filename, "-1") && direction == "received" {
		out.Alert(heuristicAlert(alert.Medium, fmt.Sprintf("Suspicious iMessage attachment %s on %s", filename, when),
			when, rec, heuristicTmpAttachment))
	}
}

// Recheck implements module.Rechecker on one record of sms_attachments.json.
func (m *SMSAttachments) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		Filename  string `json:"filename"`
		Direction string `json:"direction"`
		Isodate   string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("sms_attachments record: %w", err)
	}
	smsAttachmentCheck(idx, json.RawMessage(raw), rec.Filename, rec.Direction, rec.Isodate, out)
	return nil
}

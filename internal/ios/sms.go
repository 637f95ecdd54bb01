package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/phishing"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// smsDB is where sms.db lives; SMS and SMSAttachments read the same file.
var smsDB = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/SMS/sms.db"},
	FSGlobs:     []string{"private/var/mobile/Library/SMS/sms.db"},
}

// smsBlobColumns hold binary archives (NSAttributedString, balloon payloads);
// MVT writes them base64-encoded.
var smsBlobColumns = map[string]bool{"attributedBody": true, "payload_data": true, "message_summary_info": true}

// appleThreatNotifications start the iMessages Apple sends to people it
// believes were targeted by mercenary spyware.
var appleThreatNotifications = []string{
	"ALERT: State-sponsored attackers may be targeting your iPhone",
	"ALERT: Apple detected a targeted mercenary spyware attack against your iPhone",
}

var heuristicAppleThreatNotification = &alert.Heuristic{
	ID:    "ios.sms.apple_threat_notification",
	Title: "Apple threat notification received",
	Why: "Apple sends this message only to people it believes were individually targeted by " +
		"mercenary spyware such as Pegasus; it is rarely sent by mistake, though a look-alike " +
		"text from an unknown sender could be phishing.",
	Action: "Check the same notice appears at appleid.apple.com, and contact a digital security " +
		"helpline (for example Access Now or Amnesty's Security Lab) before changing anything on the phone.",
}

// SMS reads the messages of sms.db (SMS and iMessage), extracts their links
// and checks them against the indicators.
type SMS struct{}

// NewSMS returns the sms module.
func NewSMS() *SMS { return &SMS{} }

// Describe implements module.Module.
func (*SMS) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "sms",
		MVTName:     "SMS",
		Description: "SMS and iMessage messages in sms.db, with the links they contain",
		Artifact:    "SMS and iMessage messages",
		Evidence:    iosBoth,
		Large:       true,
		Sensitive:   module.Fields{"text": module.Body, "subject": module.Body, "attributedBody": module.Body, "account": module.Phone, "destination_caller_id": module.Phone, "phone_number": module.Phone},
		Version:     1,
	}
}

var smsVariants = []sqlitedb.Variant{
	{Name: "message with handle (iOS 5+)", Requires: []string{"message.guid", "message.text", "message.date", "message.handle_id", "handle.id"}},
}

// Run implements module.Module.
func (m *SMS) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, smsDB, "sms.db (HomeDomain Library/SMS/sms.db)")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := pickSchema(in, db, f, smsVariants...); err != nil {
		return err
	}
	// MVT joins message and handle with an inner join, which drops messages
	// whose handle_id is 0 (some group and system messages). A link in such
	// a message would go unchecked, so spyglass keeps them (phone_number
	// null). On the fixture both give the same single record.
	n := 0
	// The derived fields are made on the goroutine
	// reading sms.db (see streamRowsDirect): the two goroutines then share
	// the work about evenly.
	err = streamRowsDirect(ctx, db, f, `SELECT message.*, handle.id AS phone_number
		FROM message LEFT JOIN handle ON handle.ROWID = message.handle_id`, func(r *sqlRow) {
		smsFinish(r)
	}, func(r *sqlRow) error {
		m.emit(in.IOCs, r, out)
		n++
		return nil
	})
	if err != nil {
		return err
	}
	logger(in).Debug("extracted SMS messages", "count", n)
	return nil
}

// smsFinish adds MVT's derived fields to a message row.
func smsFinish(r *sqlRow) {
	// Only a non-empty []byte changes under b64, so the column name is looked
	// up for those alone (85 map lookups per message were 0.6 s of CPU on a
	// million messages).
	for i, v := range r.vals {
		if b, ok := v.([]byte); ok && len(b) > 0 && smsBlobColumns[r.keys[i]] {
			r.vals[i] = b64(v)
		}
	}
	r.set("isodate", macTimeMVT(r.get("date")))
	r.set("isodate_read", macTimeMVT(r.get("date_read")))
	dir := "received"
	if v, ok := valueInt(r.get("is_from_me")); ok && v == 1 {
		dir = "sent"
	}
	r.set("direction", dir)
	text := r.str("text")
	r.set("text", text)
	links, more := ioc.MessageLinks(text, false)
	if links == nil {
		links = []string{}
	}
	r.set("links", links)
	if more > 0 {
		r.set("links_truncated", more) // spyglass's addition: links past ioc.MaxMessageLinks
	}
}

func (m *SMS) emit(idx *ioc.Index, r *sqlRow, out module.Emitter) {
	out.Record(r)
	isodate := r.str("isodate")
	text := r.str("text")
	data := fmt.Sprintf("%s: %s \"%s\" from %s (%s)", pyText(r.get("service")), pyText(r.get("guid")),
		strings.ReplaceAll(text, "\n", `\n`), pyText(r.get("phone_number")), pyText(r.get("account")))
	out.Timeline(module.TimelineEvent{Timestamp: isodate, Module: "SMS", Event: "sms_received", Data: data})
	if read := r.str("isodate_read"); read != "" {
		out.Timeline(module.TimelineEvent{Timestamp: read, Module: "SMS", Event: "sms_read", Data: data})
	}
	links, _ := r.get("links").([]string)
	for _, l := range links {
		out.URL(module.URL{URL: l, Timestamp: isodate, Source: "sms"})
	}
	smsCheck(idx, r, text, links, isodate, out)
}

// smsCheck runs the heuristics and indicator checks on one message; Run and
// Recheck share it.
func smsCheck(idx *ioc.Index, rec any, text string, links []string, isodate string, out module.Emitter) {
	for _, prefix := range appleThreatNotifications {
		if strings.HasPrefix(text, prefix) {
			out.Alert(heuristicAlert(alert.High,
				fmt.Sprintf("Apple warning about state-sponsored attack received on the %s", isodate),
				isodate, rec, heuristicAppleThreatNotification))
			break
		}
	}
	if u, match := idx.MessageLinkMatch(links, text); match != nil {
		out.Alert(iocAlert(alert.Critical, matchMessage(u, match), isodate, rec, match))
	} else if a := phishing.MessageLookalikeAlert(links, isodate, rec); a != nil {
		out.Alert(*a)
	}
}

// Recheck implements module.Rechecker on one record of sms.json.
func (m *SMS) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		Text    string   `json:"text"`
		Links   []string `json:"links"`
		Isodate string   `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("sms record: %w", err)
	}
	links := rec.Links
	if len(links) == 0 {
		links = findLinks(rec.Text)
	}
	smsCheck(idx, json.RawMessage(raw), rec.Text, links, rec.Isodate, out)
	return nil
}

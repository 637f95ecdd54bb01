package ios

import (
	"context"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var interactionCDB = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/CoreDuet/People/interactionC.db"},
	FSGlobs:     []string{"private/var/mobile/Library/CoreDuet/People/interactionC.db"},
}

// WhatsApp's address book, read to put names and numbers on WhatsApp
// interactions that CoreDuet only knows by LID or JID.
var interactionCWAContacts = source.IOSQuery{
	DomainPaths: []string{"AppDomainGroup-group.net.whatsapp.WhatsApp.shared-ContactsV2.sqlite"},
	FSGlobs:     []string{"private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"},
}

// interactionCTimes are the record's time keys, in MVT's order.
var interactionCTimes = []string{
	"start_date", "end_date", "interactions_creation_date", "contacts_creation_date",
	"first_incoming_recipient_date", "first_incoming_sender_date", "first_outgoing_recipient_date",
	"last_incoming_sender_date", "last_incoming_recipient_date", "last_outgoing_recipient_date",
}

// interactionCCols is the union of the columns MVT reads across schema
// versions (ZATTACHMENT and the recipient join exist since iOS 12).
var interactionCCols = []sqlCol{
	{"I.ZSTARTDATE", "start_date", "ZINTERACTIONS.ZSTARTDATE"},
	{"I.ZENDDATE", "end_date", "ZINTERACTIONS.ZENDDATE"},
	{"I.ZBUNDLEID", "bundle_id", "ZINTERACTIONS.ZBUNDLEID"},
	{"I.ZACCOUNT", "account", "ZINTERACTIONS.ZACCOUNT"},
	{"I.ZTARGETBUNDLEID", "target_bundle_id", "ZINTERACTIONS.ZTARGETBUNDLEID"},
	{"CASE I.ZDIRECTION WHEN 0 THEN 'INCOMING' WHEN 1 THEN 'OUTGOING' END", "direction", "ZINTERACTIONS.ZDIRECTION"},
	{"S.ZDISPLAYNAME", "sender_display_name", "ZCONTACTS.ZDISPLAYNAME"},
	{"S.ZIDENTIFIER", "sender_identifier", "ZCONTACTS.ZIDENTIFIER"},
	{"S.ZPERSONID", "sender_personid", "ZCONTACTS.ZPERSONID"},
	{"R.ZDISPLAYNAME", "recipient_display_name", "Z_2INTERACTIONRECIPIENT,ZCONTACTS.ZDISPLAYNAME"},
	{"R.ZIDENTIFIER", "recipient_identifier", "Z_2INTERACTIONRECIPIENT,ZCONTACTS.ZIDENTIFIER"},
	{"R.ZPERSONID", "recipient_personid", "Z_2INTERACTIONRECIPIENT,ZCONTACTS.ZPERSONID"},
	{"I.ZRECIPIENTCOUNT", "recipient_count", "ZINTERACTIONS.ZRECIPIENTCOUNT"},
	{"I.ZDOMAINIDENTIFIER", "domain_identifier", "ZINTERACTIONS.ZDOMAINIDENTIFIER"},
	{"I.ZISRESPONSE", "is_response", "ZINTERACTIONS.ZISRESPONSE"},
	{"I.ZMECHANISM", "mechanism", "ZINTERACTIONS.ZMECHANISM"},
	{"A.ZCONTENTTEXT", "content", "Z_1INTERACTIONS,ZATTACHMENT.ZCONTENTTEXT"},
	{"A.ZUTI", "uti", "Z_1INTERACTIONS,ZATTACHMENT.ZUTI"},
	{"A.ZCONTENTURL", "attachment_content_url", "Z_1INTERACTIONS,ZATTACHMENT.ZCONTENTURL"},
	{"A.ZSIZEINBYTES", "size", "Z_1INTERACTIONS,ZATTACHMENT.ZSIZEINBYTES"},
	{"A.ZPHOTOLOCALIDENTIFIER", "photo_local_id", "Z_1INTERACTIONS,ZATTACHMENT.ZPHOTOLOCALIDENTIFIER"},
	{"HEX(A.ZIDENTIFIER)", "attachment_id", "Z_1INTERACTIONS,ZATTACHMENT.ZIDENTIFIER"},
	{"A.ZCLOUDIDENTIFIER", "cloud_id", "Z_1INTERACTIONS,ZATTACHMENT.ZCLOUDIDENTIFIER"},
	{"S.ZINCOMINGRECIPIENTCOUNT", "incoming_recipient_count", "ZCONTACTS.ZINCOMINGRECIPIENTCOUNT"},
	{"S.ZINCOMINGSENDERCOUNT", "incoming_sender_count", "ZCONTACTS.ZINCOMINGSENDERCOUNT"},
	{"S.ZOUTGOINGRECIPIENTCOUNT", "outgoing_recipient_count", "ZCONTACTS.ZOUTGOINGRECIPIENTCOUNT"},
	{"I.ZCREATIONDATE", "interactions_creation_date", "ZINTERACTIONS.ZCREATIONDATE"},
	{"S.ZCREATIONDATE", "contacts_creation_date", "ZCONTACTS.ZCREATIONDATE"},
	{"S.ZFIRSTINCOMINGRECIPIENTDATE", "first_incoming_recipient_date", "ZCONTACTS.ZFIRSTINCOMINGRECIPIENTDATE"},
	{"S.ZFIRSTINCOMINGSENDERDATE", "first_incoming_sender_date", "ZCONTACTS.ZFIRSTINCOMINGSENDERDATE"},
	{"S.ZFIRSTOUTGOINGRECIPIENTDATE", "first_outgoing_recipient_date", "ZCONTACTS.ZFIRSTOUTGOINGRECIPIENTDATE"},
	{"S.ZLASTINCOMINGSENDERDATE", "last_incoming_sender_date", "ZCONTACTS.ZLASTINCOMINGSENDERDATE"},
	{"S.ZLASTINCOMINGRECIPIENTDATE", "last_incoming_recipient_date", "ZCONTACTS.ZLASTINCOMINGRECIPIENTDATE"},
	{"S.ZLASTOUTGOINGRECIPIENTDATE", "last_outgoing_recipient_date", "ZCONTACTS.ZLASTOUTGOINGRECIPIENTDATE"},
	{"S.ZCUSTOMIDENTIFIER", "custom_id", "ZCONTACTS.ZCUSTOMIDENTIFIER"},
	{"I.ZCONTENTURL", "interaction_content_url", "ZINTERACTIONS.ZCONTENTURL"},
	{"I.ZLOCATIONUUID", "location_uuid", "ZINTERACTIONS.ZLOCATIONUUID"},
	{"I.ZGROUPNAME", "group_name", "ZINTERACTIONS.ZGROUPNAME"},
	{"I.ZDERIVEDINTENTIDENTIFIER", "derivied_intent_id", "ZINTERACTIONS.ZDERIVEDINTENTIDENTIFIER"},
	{"I.Z_PK", "table_id", "ZINTERACTIONS.Z_PK"},
}

// InteractionC reads CoreDuet's record of who the user interacted with,
// through which app and when (interactionC.db).
type InteractionC struct{}

// NewInteractionC returns the interaction_c module.
func NewInteractionC() *InteractionC { return &InteractionC{} }

// Describe implements module.Module.
func (*InteractionC) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "interaction_c",
		MVTName:     "InteractionC",
		Description: "Who the user messaged or called, through which app and when, from CoreDuet's interactionC.db",
		Artifact:    "Recent interactions with contacts (interactionC.db)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{"account": module.Phone, "sender_display_name": module.Name, "sender_identifier": module.Phone, "recipient_display_name": module.Name, "recipient_identifier": module.Phone, "content": module.Body, "group_name": module.Name, "sender_resolved_name": module.Name, "recipient_resolved_name": module.Name},
		Version:     1,
	}
}

// Run implements module.Module.
func (*InteractionC) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, interactionCDB, "interactionC.db")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	s, _, err := readSchema(in, db, f, sqlitedb.Variant{Name: "CoreDuet", Requires: []string{"ZINTERACTIONS.ZSTARTDATE", "ZINTERACTIONS.ZBUNDLEID", "ZINTERACTIONS.ZSENDER", "ZCONTACTS.Z_PK"}})
	if err != nil {
		return err
	}
	sel, missing := buildSelect(s, interactionCCols)
	q := "SELECT " + sel + " FROM ZINTERACTIONS I LEFT JOIN ZCONTACTS S ON I.ZSENDER = S.Z_PK"
	if s.Has("Z_1INTERACTIONS.Z_3INTERACTIONS") && s.Has("ZATTACHMENT") {
		q += " LEFT JOIN Z_1INTERACTIONS J ON I.Z_PK = J.Z_3INTERACTIONS LEFT JOIN ZATTACHMENT A ON J.Z_1ATTACHMENTS = A.Z_PK"
	}
	if s.Has("Z_2INTERACTIONRECIPIENT.Z_3INTERACTIONRECIPIENT") {
		q += " LEFT JOIN Z_2INTERACTIONRECIPIENT P ON I.Z_PK = P.Z_3INTERACTIONRECIPIENT LEFT JOIN ZCONTACTS R ON P.Z_2RECIPIENTS = R.Z_PK"
	}
	logger(in).Debug("interactionC schema", "file", fileLabel(f), "columns missing from this version", missing)
	wa := loadWAContacts(ctx, in)
	return streamRows(ctx, db, f, q, func(r *sqlRow) error {
		for _, k := range interactionCTimes {
			if v := r.get(k); v != nil {
				if _, isText := v.(string); !isText {
					r.set(k, macTimeMVT(v))
				}
			}
		}
		resolveInteraction(r, wa)
		out.Record(r)
		for _, ev := range interactionCTimeline(r) {
			out.Timeline(ev)
		}
		return nil
	})
}

// waContact is what WhatsApp's address book says about one person.
type waContact struct{ phone, name string }

// loadWAContacts indexes WhatsApp contacts by LID, JID and phone number. A
// missing or unreadable address book only means names stay unresolved.
func loadWAContacts(ctx context.Context, in *module.Input) map[string]waContact {
	f, err := findOne(in, interactionCWAContacts, "ContactsV2.sqlite")
	if err != nil {
		return nil
	}
	db, err := openDB(in, f)
	if err != nil {
		logger(in).Debug("WhatsApp contacts unreadable", "err", err)
		return nil
	}
	defer db.Close()
	s, err := sqlitedb.ReadSchema(db)
	if err != nil || !s.Has("ZWAADDRESSBOOKCONTACT.ZPHONENUMBER") {
		return nil
	}
	sel, _ := buildSelect(s, []sqlCol{
		{"ZPHONENUMBER", "phone", "ZWAADDRESSBOOKCONTACT.ZPHONENUMBER"},
		{"ZFULLNAME", "name", "ZWAADDRESSBOOKCONTACT.ZFULLNAME"},
		{"ZWHATSAPPID", "jid", "ZWAADDRESSBOOKCONTACT.ZWHATSAPPID"},
		{"ZLID", "lid", "ZWAADDRESSBOOKCONTACT.ZLID"},
	})
	out := map[string]waContact{}
	const limit = 200000 // an address book larger than this is not real
	_ = streamRows(ctx, db, f, "SELECT "+sel+" FROM ZWAADDRESSBOOKCONTACT LIMIT 200000", func(r *sqlRow) error {
		c := waContact{phone: r.str("phone"), name: r.str("name")}
		for _, k := range []string{"lid", "jid", "phone"} {
			if id := r.str(k); id != "" && len(out) < limit {
				out[id] = c
			}
		}
		return nil
	})
	return out
}

// resolveInteraction adds the WhatsApp name and number of the sender and
// recipient of a WhatsApp interaction, when the address book knows them.
func resolveInteraction(r *sqlRow, wa map[string]waContact) {
	if len(wa) == 0 || !strings.HasPrefix(r.str("bundle_id"), "net.whatsapp.WhatsApp") {
		return
	}
	look := func(ids ...string) (waContact, bool) {
		for _, id := range ids {
			if id == "" {
				continue
			}
			if c, ok := wa[id]; ok {
				return c, true
			}
		}
		return waContact{}, false
	}
	if c, ok := look(r.str("sender_identifier"), r.str("custom_id")); ok {
		r.set("sender_resolved_phone", c.phone)
		r.set("sender_resolved_name", c.name)
	}
	if c, ok := look(r.str("recipient_identifier"), r.str("domain_identifier")); ok && r.str("direction") == "OUTGOING" {
		r.set("recipient_resolved_phone", c.phone)
		r.set("recipient_resolved_name", c.name)
	}
}

// party names one side of an interaction: "Name (+number)", the bare
// identifier, or "unknown".
func party(r *sqlRow, side string) string {
	name := r.str(side + "_resolved_name")
	id := r.str(side + "_resolved_phone")
	if name == "" {
		name = r.str(side + "_display_name")
	}
	if id == "" {
		id = r.str(side + "_identifier")
	}
	if side == "recipient" && id == "" {
		id = r.str("domain_identifier")
	}
	switch {
	case name != "" && id != "":
		return name + " (" + id + ")"
	case id != "":
		return id
	case name != "":
		return name
	}
	return "unknown"
}

// interactionCTimeline gives the interaction itself, when it ended (if
// later), when CoreDuet recorded it (if an hour or more apart from the
// start: a record created long after the event deserves a look), and the
// contact's first/last interaction dates.
func interactionCTimeline(r *sqlRow) []module.TimelineEvent {
	bundle := r.str("bundle_id")
	dir := r.str("direction")
	var desc string
	switch dir {
	case "OUTGOING":
		desc = fmt.Sprintf("[%s] OUTGOING from local user to %s", bundle, party(r, "recipient"))
	case "INCOMING":
		desc = fmt.Sprintf("[%s] INCOMING from %s to local user", bundle, party(r, "sender"))
	default:
		desc = fmt.Sprintf("[%s] from %s to %s", bundle, party(r, "sender"), party(r, "recipient"))
	}
	if c := r.str("content"); c != "" {
		desc += ": " + oneLine(c)
	}
	var evs []module.TimelineEvent
	add := func(key, data string) {
		ts := r.str(key)
		if ts == "" {
			return
		}
		evs = append(evs, module.TimelineEvent{Timestamp: ts, Module: "InteractionC", Event: key, Data: data})
	}
	start, end, created := r.str("start_date"), r.str("end_date"), r.str("interactions_creation_date")
	add("start_date", desc)
	if end != "" && end != start {
		add("end_date", "Interaction ended: "+desc)
	}
	if created != "" && start != "" {
		if gap, ok := secondsBetween(start, created); ok && (gap >= 3600 || gap <= -3600) {
			word := "after"
			if gap < 0 {
				word, gap = "before", -gap
			}
			add("interactions_creation_date", fmt.Sprintf("Interaction record created %s %s the event: %s", humanGap(gap), word, desc))
		}
	} else if start == "" {
		add("interactions_creation_date", desc)
	}
	contact := party(r, "sender")
	add("contacts_creation_date", "Contact record created for "+contact)
	add("first_incoming_sender_date", "First incoming interaction from "+contact)
	add("last_incoming_sender_date", "Last incoming interaction from "+contact)
	add("first_incoming_recipient_date", "First incoming interaction received by "+contact)
	add("last_incoming_recipient_date", "Last incoming interaction received by "+contact)
	add("first_outgoing_recipient_date", "First outgoing interaction to "+contact)
	add("last_outgoing_recipient_date", "Last outgoing interaction to "+contact)
	return evs
}

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

const whatsappDomain = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"

var (
	whatsappChatDB = source.IOSQuery{
		DomainPaths: []string{whatsappDomain + "-ChatStorage.sqlite"},
		FSGlobs:     []string{"private/var/mobile/Containers/Shared/AppGroup/*/ChatStorage.sqlite"},
	}
	whatsappLIDDB = source.IOSQuery{
		DomainPaths: []string{whatsappDomain + "-LID.sqlite"},
		FSGlobs:     []string{"private/var/mobile/Containers/Shared/AppGroup/*/LID.sqlite"},
	}
)

// whatsappLinkColumns may hold URLs: the text, the matched link preview,
// media URLs and the data item's content.
var whatsappLinkColumns = []string{"ZTEXT", "ZMATCHEDTEXT", "ZMEDIAURL", "ZCONTENT1", "ZCONTENT2"}

// Whatsapp reads WhatsApp messages (with their links), one record per chat
// with its first and last message dates, and the LID ↔ phone number pairs.
type Whatsapp struct{}

// NewWhatsapp returns the whatsapp module.
func NewWhatsapp() *Whatsapp { return &Whatsapp{} }

// Describe implements module.Module.
func (*Whatsapp) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "whatsapp",
		MVTName:     "Whatsapp",
		Description: "WhatsApp messages and their links, chats and LID pairs in ChatStorage.sqlite",
		Artifact:    "WhatsApp messages",
		Evidence:    iosBoth,
		Large:       true,
		Sensitive:   module.Fields{"ZTEXT": module.Body, "ZFROMJID": module.Phone, "ZTOJID": module.Phone, "ZPUSHNAME": module.Name, "lid": module.Phone, "phone_number": module.Phone, "partner_name": module.Name},
		Version:     1,
	}
}

var whatsappVariants = []sqlitedb.Variant{
	{Name: "ZWAMESSAGE with media and data items", Requires: []string{"ZWAMESSAGE.Z_PK", "ZWAMESSAGE.ZTEXT", "ZWAMESSAGE.ZMESSAGEDATE", "ZWAMEDIAITEM.ZMESSAGE", "ZWAMEDIAITEM.ZMEDIAURL", "ZWAMESSAGEDATAITEM.ZMESSAGE", "ZWAMESSAGEDATAITEM.ZCONTENT1"}},
	{Name: "ZWAMESSAGE only", Requires: []string{"ZWAMESSAGE.Z_PK", "ZWAMESSAGE.ZTEXT", "ZWAMESSAGE.ZMESSAGEDATE"}},
}

// Run implements module.Module.
func (m *Whatsapp) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	// The backup's domain contains '-', which source.IOSBackup.Find does not
	// split correctly; findOneByID also finds the file by its ID.
	f, err := findOneByID(in, whatsappChatDB, "WhatsApp ChatStorage.sqlite")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	schema, _, err := readSchema(in, db, f, whatsappVariants...)
	if err != nil {
		return err
	}
	if err := m.messages(ctx, in, db, f, schema, out); err != nil {
		return err
	}
	lids, err := m.lidPairs(ctx, in, db, schema, out)
	if err != nil {
		return err
	}
	return m.sessions(ctx, in, db, f, schema, lids, out)
}

func (m *Whatsapp) messages(ctx context.Context, in *module.Input, db *sqlitedb.DB, f source.IOSFile, schema *sqlitedb.Schema, out module.Emitter) error {
	col := func(expr string) string {
		if schema.Has(expr) {
			return expr
		}
		return "NULL"
	}
	q := fmt.Sprintf(`SELECT ZWAMESSAGE.*, %s AS ZAUTHORNAME, %s AS ZMEDIAURL, %s AS ZCONTENT1, %s AS ZCONTENT2,
			%s AS ZMATCHEDTEXT, %s AS ZSUMMARY, %s AS ZTITLE FROM ZWAMESSAGE`,
		col("ZWAMEDIAITEM.ZAUTHORNAME"), col("ZWAMEDIAITEM.ZMEDIAURL"), col("ZWAMESSAGEDATAITEM.ZCONTENT1"),
		col("ZWAMESSAGEDATAITEM.ZCONTENT2"), col("ZWAMESSAGEDATAITEM.ZMATCHEDTEXT"), col("ZWAMESSAGEDATAITEM.ZSUMMARY"),
		col("ZWAMESSAGEDATAITEM.ZTITLE"))
	if schema.Has("ZWAMEDIAITEM.ZMESSAGE") {
		q += " LEFT JOIN ZWAMEDIAITEM ON ZWAMEDIAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK"
	}
	if schema.Has("ZWAMESSAGEDATAITEM.ZMESSAGE") {
		q += " LEFT JOIN ZWAMESSAGEDATAITEM ON ZWAMESSAGEDATAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK"
	}
	// The derived fields are made on the goroutine reading the database,
	// the record written and checked on another (streamRowsDirect).
	return streamRowsDirect(ctx, db, f, q, func(r *sqlRow) {
		r.set("isodate", macTimeMVT(r.get("ZMESSAGEDATE")))
		text := r.str("ZTEXT")
		r.set("ZTEXT", text)
		links, more := whatsappLinks(r)
		if len(links) > 0 || strings.TrimSpace(text) == "" {
			r.set("links", links)
		}
		if more > 0 {
			r.set("links_truncated", more) // spyglass's addition: links past ioc.MaxMessageLinks
		}
	}, func(r *sqlRow) error {
		isodate, text := r.str("isodate"), r.str("ZTEXT")
		links, _ := r.get("links").([]string) // not set: no links
		out.Record(r)
		data := fmt.Sprintf("'%s' from %s", strings.ReplaceAll(text, "\n", `\n`), pyText(r.get("ZFROMJID")))
		if len(links) > 0 {
			data += " - Embedded links: " + strings.Join(links, ", ")
		}
		out.Timeline(module.TimelineEvent{Timestamp: isodate, Module: "Whatsapp", Event: "message", Data: data})
		for _, l := range links {
			out.URL(module.URL{URL: l, Timestamp: isodate, Source: "whatsapp"})
		}
		whatsappCheck(in.IOCs, r, links, whatsappTexts(r.str), isodate, out)
		return nil
	})
}

// whatsappLinks collects the links of a message's columns, without
// WhatsApp's own media servers and without duplicates (first seen first),
// at most ioc.MaxMessageLinks of them, and how many more links there were.
func whatsappLinks(r *sqlRow) (links []string, more int) {
	links = []string{}
	seen := map[string]bool{}
	for _, c := range whatsappLinkColumns {
		ioc.EachHTTPLink(r.str(c), func(l string) bool {
			switch {
			case strings.HasPrefix(l, "https://mmg-fna.whatsapp.net/") || strings.HasPrefix(l, "https://mmg.whatsapp.net/") || seen[l]:
			case len(links) == ioc.MaxMessageLinks:
				more++
			default:
				seen[l] = true
				links = append(links, l)
			}
			return true
		})
	}
	return links, more
}

// whatsappTexts is what a message's link columns hold, for the links
// written there without a scheme.
func whatsappTexts(get func(column string) string) []string {
	texts := make([]string, 0, len(whatsappLinkColumns))
	for _, c := range whatsappLinkColumns {
		if t := get(c); t != "" {
			texts = append(texts, t)
		}
	}
	return texts
}

func whatsappCheck(idx *ioc.Index, rec any, links, texts []string, when string, out module.Emitter) {
	if u, match := idx.MessageLinkMatch(links, texts...); match != nil {
		out.Alert(iocAlert(alert.Critical, matchMessage(u, match), when, rec, match))
	} else if a := phishing.MessageLookalikeAlert(links, when, rec); a != nil {
		out.Alert(*a)
	}
}

// lidPairs reads ZWAPHONENUMBERLIDPAIR from LID.sqlite, or from
// ChatStorage.sqlite in WhatsApp versions that keep it there, and returns
// LID digits → phone digits.
func (m *Whatsapp) lidPairs(ctx context.Context, in *module.Input, chat *sqlitedb.DB, chatSchema *sqlitedb.Schema, out module.Emitter) (map[string]string, error) {
	db := chat
	if f, err := findOneByID(in, whatsappLIDDB, "WhatsApp LID.sqlite"); err == nil {
		lidDB, err := openDB(in, f)
		if err != nil {
			logger(in).Warn("WhatsApp LID database unreadable", "err", err)
			return nil, nil
		}
		defer lidDB.Close()
		s, err := sqlitedb.ReadSchema(lidDB)
		if err != nil || !s.Has("ZWAPHONENUMBERLIDPAIR.ZLID") {
			logger(in).Warn("WhatsApp LID database has no ZWAPHONENUMBERLIDPAIR table", "file", fileLabel(f))
			return nil, nil
		}
		db = lidDB
	} else if !chatSchema.Has("ZWAPHONENUMBERLIDPAIR.ZLID") {
		logger(in).Info("no WhatsApp LID database: LID chat identifiers cannot be resolved to phone numbers")
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT ZLID, ZPHONENUMBER, ZTIMESTAMP FROM ZWAPHONENUMBERLIDPAIR`)
	if err != nil {
		logger(in).Warn("unable to read WhatsApp LID pairs", "err", err)
		return nil, nil
	}
	defer rows.Close()
	lids := map[string]string{}
	for rows.Next() {
		var lid, phone, ts any
		if err := rows.Scan(&lid, &phone, &ts); err != nil {
			return nil, fmt.Errorf("reading WhatsApp LID pairs: %w", err)
		}
		var when any
		if s := macTimeMVT(ts); s != "" {
			when = s
		}
		r := &sqlRow{}
		r.set("record_type", "lid_phone_number_pair")
		r.set("lid", lid)
		r.set("phone_number", phone)
		r.set("pair_timestamp", when)
		out.Record(r)
		if when != nil {
			out.Timeline(module.TimelineEvent{Timestamp: when.(string), Module: "Whatsapp", Event: "lid_pair_recorded",
				Data: fmt.Sprintf("WhatsApp associated LID %s with phone number %s", pyText(lid), pyText(phone))})
		}
		if lid != nil && phone != nil && valueText(lid) != "" && valueText(phone) != "" {
			l, _, _ := strings.Cut(valueText(lid), "@")
			p, _, _ := strings.Cut(valueText(phone), "@")
			lids[l] = strings.TrimLeft(p, "+")
		}
	}
	return lids, rows.Err()
}

// sessions writes one record per chat with its first and last message dates.
func (m *Whatsapp) sessions(ctx context.Context, in *module.Input, db *sqlitedb.DB, f source.IOSFile, schema *sqlitedb.Schema, lids map[string]string, out module.Emitter) error {
	if !schema.Has("ZWACHATSESSION.ZCONTACTJID") || !schema.Has("ZWAMESSAGE.ZCHATSESSION") {
		logger(in).Warn("WhatsApp chat sessions not readable in this schema", "file", fileLabel(f))
		return nil
	}
	col := func(expr string) string {
		if schema.Has(expr) {
			return expr
		}
		return "NULL"
	}
	group, groupJoin := "NULL", ""
	if schema.Has("ZWAGROUPINFO.ZCREATIONDATE") && schema.Has("ZWACHATSESSION.ZGROUPINFO") {
		group, groupJoin = "ZWAGROUPINFO.ZCREATIONDATE", "LEFT JOIN ZWAGROUPINFO ON ZWACHATSESSION.ZGROUPINFO = ZWAGROUPINFO.Z_PK"
	}
	q := fmt.Sprintf(`SELECT ZWACHATSESSION.Z_PK AS session_pk, ZWACHATSESSION.ZCONTACTJID AS contact_jid,
			%s AS partner_name, %s AS session_type, %s AS archived, %s AS removed, %s AS message_counter,
			%s AS last_message_date, %s AS group_creation_date,
			MIN(ZWAMESSAGE.ZMESSAGEDATE) AS first_stored_message_date, MAX(ZWAMESSAGE.ZMESSAGEDATE) AS last_stored_message_date,
			COUNT(ZWAMESSAGE.Z_PK) AS stored_message_count
		FROM ZWACHATSESSION %s LEFT JOIN ZWAMESSAGE ON ZWAMESSAGE.ZCHATSESSION = ZWACHATSESSION.Z_PK
		GROUP BY ZWACHATSESSION.Z_PK`,
		col("ZWACHATSESSION.ZPARTNERNAME"), col("ZWACHATSESSION.ZSESSIONTYPE"), col("ZWACHATSESSION.ZARCHIVED"),
		col("ZWACHATSESSION.ZREMOVED"), col("ZWACHATSESSION.ZMESSAGECOUNTER"), col("ZWACHATSESSION.ZLASTMESSAGEDATE"), group, groupJoin)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		logger(in).Warn("unable to read WhatsApp chat sessions", "file", fileLabel(f), "err", err)
		return nil
	}
	defer rows.Close()
	sc, err := newRowScanner(rows)
	if err != nil {
		return fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	for rows.Next() {
		r, err := sc.scan(rows, 2)
		if err != nil {
			return fmt.Errorf("%s: reading chat sessions: %w", fileLabel(f), err)
		}
		r.set("record_type", "chat_session")
		jid := r.str("contact_jid")
		var resolved any
		if strings.HasSuffix(jid, "@lid") {
			l, _, _ := strings.Cut(jid, "@")
			if p := lids[l]; p != "" {
				resolved = "+" + p
			}
		}
		r.set("partner_resolved_phone_number", resolved)
		for _, k := range []string{"last_message_date", "group_creation_date", "first_stored_message_date", "last_stored_message_date"} {
			var v any
			if s := macTimeMVT(r.get(k)); s != "" {
				v = s
			}
			r.set(k, v)
		}
		out.Record(r)
		whatsappSessionEvents(r, out)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading chat sessions: %w", fileLabel(f), err)
	}
	return nil
}

func whatsappSessionEvents(r *sqlRow, out module.Emitter) {
	jid := r.str("contact_jid")
	if jid == "" {
		jid = "unknown"
	}
	id := jid
	if p := r.str("partner_resolved_phone_number"); p != "" {
		id = p
	}
	label := id
	if name := r.str("partner_name"); name != "" {
		label = fmt.Sprintf("'%s' (%s)", name, id)
	}
	chat := "WhatsApp chat with " + label
	if strings.HasSuffix(jid, "@g.us") || r.str("group_creation_date") != "" {
		chat = "WhatsApp group chat " + label
	}
	if ts := r.str("group_creation_date"); ts != "" {
		out.Timeline(module.TimelineEvent{Timestamp: ts, Module: "Whatsapp", Event: "group_created", Data: chat + " was created"})
	}
	if ts := r.str("first_stored_message_date"); ts != "" {
		out.Timeline(module.TimelineEvent{Timestamp: ts, Module: "Whatsapp", Event: "chat_first_message", Data: "First stored message in " + chat})
	}
	// The session's own date can postdate the newest stored message when
	// that message was deleted, so it wins.
	last := r.str("last_message_date")
	if last == "" {
		last = r.str("last_stored_message_date")
	}
	if last != "" {
		out.Timeline(module.TimelineEvent{Timestamp: last, Module: "Whatsapp", Event: "chat_last_message", Data: "Last message in " + chat})
	}
}

// Recheck implements module.Rechecker on one record of whatsapp.json
// (chat sessions and LID pairs have no links and give nothing).
func (m *Whatsapp) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		Links   []string `json:"links"`
		Isodate string   `json:"isodate"`
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("whatsapp record: %w", err)
	}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("whatsapp record: %w", err)
	}
	texts := whatsappTexts(func(c string) string { s, _ := fields[c].(string); return s })
	whatsappCheck(idx, json.RawMessage(raw), rec.Links, texts, rec.Isodate, out)
	return nil
}

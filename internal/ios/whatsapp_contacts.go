package ios

import (
	"context"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var whatsappContactsDB = source.IOSQuery{
	DomainPaths: []string{whatsappDomain + "-ContactsV2.sqlite"},
	FSGlobs:     []string{"private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"},
}

// whatsappContactFields maps output keys to the ZWAADDRESSBOOKCONTACT
// columns that may hold them (WhatsApp renames columns between versions).
var whatsappContactFields = []struct {
	key  string
	cols []string
	kind byte // 's' string, 'd' Apple date, 0 as stored
}{
	{"whatsapp_id", []string{"ZWHATSAPPID"}, 's'}, {"lid", []string{"ZLID"}, 's'},
	{"phone_number", []string{"ZPHONENUMBER"}, 's'}, {"localized_phone_number", []string{"ZLOCALIZEDPHONENUMBER"}, 's'},
	{"full_name", []string{"ZFULLNAME"}, 's'}, {"given_name", []string{"ZGIVENNAME"}, 's'},
	{"last_name", []string{"ZLASTNAME"}, 's'}, {"user_name", []string{"ZUSERNAME"}, 's'},
	{"business_name", []string{"ZBUSINESSNAME"}, 's'}, {"about_text", []string{"ZABOUTTEXT"}, 's'},
	{"about_emoji", []string{"ZABOUTEMOJI"}, 's'}, {"notes", []string{"ZNOTES"}, 's'},
	{"disappearing_mode_duration", []string{"ZDISAPPEARINGMODEDURATION"}, 0},
	{"disappearing_mode_timestamp", []string{"ZDISAPPEARINGMODETIMESTAMP"}, 'd'},
	{"about_timestamp", []string{"ZABOUTTIMESTAMP"}, 'd'},
	{"about_expiration_timestamp", []string{"ZABOUTEXPIRATIONTIMESTAMP"}, 'd'},
	{"last_updated", []string{"ZLASTUPDATED"}, 'd'},
	{"phone_status", []string{"ZPHONESTATUS", "ZPHONENUMBERSTATUS"}, 0},
	{"sync_policy", []string{"ZSYNCPOLICY"}, 0},
}

// whatsappTimerLabels names WhatsApp's standard disappearing-message timers.
var whatsappTimerLabels = map[int64]string{86400: "24 hours", 604800: "7 days", 1209600: "14 days", 2592000: "30 days", 7776000: "90 days"}

// WhatsappContacts reads WhatsApp's contacts with their disappearing-message
// timers from ContactsV2.sqlite.
type WhatsappContacts struct{}

// NewWhatsappContacts returns the whatsapp_contacts module.
func NewWhatsappContacts() *WhatsappContacts { return &WhatsappContacts{} }

// Describe implements module.Module.
func (*WhatsappContacts) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "whatsapp_contacts",
		MVTName:     "WhatsappContacts",
		Description: "WhatsApp contacts and disappearing-message timers in ContactsV2.sqlite",
		Artifact:    "WhatsApp contacts and disappearing-message timers",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{"lid": module.Phone, "phone_number": module.Phone, "full_name": module.Name, "given_name": module.Name, "last_name": module.Name, "user_name": module.Name},
		Version:     1,
	}
}

var whatsappContactsVariants = []sqlitedb.Variant{
	{Name: "ZWAADDRESSBOOKCONTACT", Requires: []string{"ZWAADDRESSBOOKCONTACT.Z_PK"}},
}

// Run implements module.Module.
func (m *WhatsappContacts) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOneByID(in, whatsappContactsDB, "WhatsApp ContactsV2.sqlite (often missing from incremental backups)")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	schema, _, err := readSchema(in, db, f, whatsappContactsVariants...)
	if err != nil {
		return err
	}
	q := "SELECT Z_PK"
	var present []int
	for i, fld := range whatsappContactFields {
		for _, c := range fld.cols {
			if schema.Has("ZWAADDRESSBOOKCONTACT." + c) {
				q += ", " + c
				present = append(present, i)
				break
			}
		}
	}
	hasDuration := schema.Has("ZWAADDRESSBOOKCONTACT.ZDISAPPEARINGMODEDURATION")
	if !hasDuration {
		logger(in).Warn("no ZDISAPPEARINGMODEDURATION column: the disappearing-messages state is unknown", "file", fileLabel(f))
	}
	rows, err := db.QueryContext(ctx, q+" FROM ZWAADDRESSBOOKCONTACT")
	if err != nil {
		return fmt.Errorf("%s: reading contacts: %w", fileLabel(f), err)
	}
	defer rows.Close()
	vals := make([]any, 1+len(present))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("%s: reading contacts: %w", fileLabel(f), err)
		}
		got := map[string]any{}
		for j, i := range present {
			got[whatsappContactFields[i].key] = vals[1+j]
		}
		r := &sqlRow{}
		r.set("row_pk", vals[0])
		for _, fld := range whatsappContactFields {
			v := got[fld.key]
			switch fld.kind {
			case 's':
				if v != nil {
					v = valueText(v)
				}
			case 'd':
				if s := macTimeMVT(v); s != "" {
					v = s
				} else {
					v = nil
				}
			}
			r.set(fld.key, v)
		}
		if hasDuration {
			d, _ := valueFloat(r.get("disappearing_mode_duration"))
			r.set("disappearing_mode_is_on", d != 0)
			r.set("disappearing_mode_label", whatsappTimerLabel(d))
		} else {
			r.set("disappearing_mode_is_on", nil)
			r.set("disappearing_mode_label", nil)
		}
		out.Record(r)
		whatsappContactEvents(r, out)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading contacts: %w", fileLabel(f), err)
	}
	return nil
}

func whatsappTimerLabel(d float64) string {
	if d == 0 || d != d {
		return "off"
	}
	if d > 1e15 || d < -1e15 {
		return formatFloatPy(d) + " seconds"
	}
	if l, ok := whatsappTimerLabels[int64(d)]; ok {
		return l
	}
	return fmt.Sprintf("%d seconds", int64(d))
}

func whatsappContactEvents(r *sqlRow, out module.Emitter) {
	contact := "unknown"
	for _, k := range []string{"whatsapp_id", "lid", "phone_number"} {
		if s := r.str(k); s != "" {
			contact = s
			break
		}
	}
	if n := r.str("full_name"); n != "" {
		contact = fmt.Sprintf("%s (%s)", contact, n)
	}
	ev := func(ts, event, data string) {
		if ts != "" {
			out.Timeline(module.TimelineEvent{Timestamp: ts, Module: "WhatsappContacts", Event: event, Data: data})
		}
	}
	ev(r.str("disappearing_mode_timestamp"), "disappearing_mode_set",
		fmt.Sprintf("WhatsApp disappearing messages timer set to '%s' for %s", pyText(r.get("disappearing_mode_label")), contact))
	about := "WhatsApp about text of " + contact + " changed"
	if t := r.str("about_text"); t != "" {
		about += fmt.Sprintf(" to %q", strings.ReplaceAll(t, "\n", `\n`))
	}
	ev(r.str("about_timestamp"), "about_changed", about)
	ev(r.str("about_expiration_timestamp"), "about_expiration", "WhatsApp about text of "+contact+" scheduled to expire")
	ev(r.str("last_updated"), "contact_last_updated", "WhatsApp contact record for "+contact+" updated")
}

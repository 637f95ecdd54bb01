package ios

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var tccDB = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/TCC/TCC.db"},
	FSGlobs:     []string{"private/var/mobile/Library/TCC/TCC.db"},
}

// TCC auth_value (iOS 14+) and allowed (older) names, as MVT labels them.
var (
	tccAuthValues = map[int64]string{0: "denied", 1: "unknown", 2: "allowed", 3: "limited"}
	tccAllowedOld = map[int64]string{0: "denied", 1: "allowed"}
	tccReasons    = map[int64]string{1: "error", 2: "user_consent", 3: "user_set", 4: "system_set",
		5: "service_policy", 6: "mdm_policy", 7: "override_policy", 8: "missing_usage_string",
		9: "prompt_timeout", 10: "preflight_unknown", 11: "entitled", 12: "app_type_policy"}
)

// tccRecord is one row of TCC.db's access table. v3 (auth_value) and v2/v1
// (allowed) schemas fill different fields; absent ones are left out of the
// JSON as MVT leaves them out of its dict.
type tccRecord struct {
	Service        string  `json:"service"`
	Client         string  `json:"client"`
	ClientType     string  `json:"client_type"`
	AuthValue      *string `json:"auth_value,omitempty"`
	AuthReasonDesc *string `json:"auth_reason_desc,omitempty"`
	AllowedValue   *string `json:"allowed_value,omitempty"`
	PromptCount    any     `json:"prompt_count,omitempty"`
	LastModified   *string `json:"last_modified,omitempty"`
}

// TCC reads the privacy permissions (camera, microphone, location…) that
// apps were granted, from TCC.db.
type TCC struct{}

// NewTCC returns the tcc module.
func NewTCC() *TCC { return &TCC{} }

// Describe implements module.Module.
func (*TCC) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "tcc",
		MVTName:     "TCC",
		Description: "Privacy permissions granted to apps (camera, microphone, …) in TCC.db",
		Artifact:    "App permissions: camera, microphone, location… (TCC.db)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var tccVariants = []sqlitedb.Variant{
	{Name: "v3 (iOS 14+, auth_value)", Requires: []string{"access.service", "access.client", "access.client_type", "access.auth_value", "access.auth_reason", "access.last_modified"}},
	{Name: "v2 (allowed, last_modified)", Requires: []string{"access.service", "access.client", "access.client_type", "access.allowed", "access.prompt_count", "access.last_modified"}},
	{Name: "v1 (allowed)", Requires: []string{"access.service", "access.client", "access.client_type", "access.allowed", "access.prompt_count"}},
}

// Run implements module.Module.
func (m *TCC) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, tccDB, "TCC.db (HomeDomain Library/TCC/TCC.db)")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := pickSchema(in, db, f, tccVariants...)
	if err != nil {
		return err
	}
	var q string
	switch v.Name {
	case tccVariants[0].Name:
		q = `SELECT service, client, client_type, auth_value, auth_reason, last_modified FROM access`
	case tccVariants[1].Name:
		q = `SELECT service, client, client_type, allowed, prompt_count, last_modified FROM access`
	default:
		q = `SELECT service, client, client_type, allowed, prompt_count, NULL FROM access`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("%s: reading access: %w", fileLabel(f), err)
	}
	defer rows.Close()
	for rows.Next() {
		var service, client, ctype, a, b, mod any
		if err := rows.Scan(&service, &client, &ctype, &a, &b, &mod); err != nil {
			return fmt.Errorf("%s: reading access: %w", fileLabel(f), err)
		}
		rec := &tccRecord{Service: valueText(service), Client: valueText(client), ClientType: "absolute_path"}
		if t, ok := valueInt(ctype); ok && t == 0 {
			rec.ClientType = "bundle_id"
		}
		if v.Name == tccVariants[0].Name {
			av, _ := valueInt(a)
			desc := tccAuthValues[av]
			rec.AuthValue = &desc
			reason := "unknown"
			if r, ok := valueInt(b); ok {
				if s, ok := tccReasons[r]; ok {
					reason = s
				}
			}
			rec.AuthReasonDesc = &reason
		} else {
			av, _ := valueInt(a)
			desc := tccAllowedOld[av]
			rec.AllowedValue = &desc
			rec.PromptCount = b
			if rec.PromptCount == nil {
				rec.PromptCount = json.RawMessage("null")
			}
		}
		if v.Name != tccVariants[2].Name {
			lm := unixTimeMVT(mod)
			rec.LastModified = &lm
		}
		if rec.Service == "kTCCServiceMicrophone" || rec.Service == "kTCCServiceCamera" {
			logger(in).Info("client with access to camera or microphone", "client", rec.Client, "service", rec.Service, "value", tccValue(rec))
		}
		out.Record(rec)
		if rec.LastModified != nil {
			out.Timeline(module.TimelineEvent{Timestamp: *rec.LastModified, Module: "TCC", Event: "AccessRequest",
				Data: fmt.Sprintf("Access to %s by %s %s", rec.Service, rec.Client, tccValue(rec))})
		}
		when := ""
		if rec.LastModified != nil {
			when = *rec.LastModified
		}
		tccCheck(in.IOCs, rec, rec.Client, when, out)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading access: %w", fileLabel(f), err)
	}
	return nil
}

func tccValue(r *tccRecord) string {
	if r.AllowedValue != nil {
		return *r.AllowedValue
	}
	if r.AuthValue != nil {
		return *r.AuthValue
	}
	return ""
}

// tccCheck matches the client (a bundle id or a binary path) against
// process indicators.
// MVT leaves event_time empty; spyglass gives the permission's date so the
// alert reaches alerts_timeline.csv.
func tccCheck(idx *ioc.Index, rec any, client, when string, out module.Emitter) {
	if m := idx.CheckProcess(client); m != nil {
		out.Alert(iocAlert(alert.Critical, matchMessage(client, m), when, rec, m))
	}
}

// Recheck implements module.Rechecker on one record of tcc.json.
func (m *TCC) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		Client       string `json:"client"`
		LastModified string `json:"last_modified"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("tcc record: %w", err)
	}
	tccCheck(idx, json.RawMessage(raw), rec.Client, rec.LastModified, out)
	return nil
}

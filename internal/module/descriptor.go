package module

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/source"
)

// Descriptor is everything the rest of spyglass knows about a module, in
// one place: the run loop, -l, summary.json, report.html and --redact all
// read it, so that adding a module means writing its file and its entry in
// the platform's list, nothing else.
type Descriptor struct {
	// Slug names the module's output files: "sms" writes sms.json.
	Slug string
	// MVTName is MVT's class name for the same artifact ("SMS"), accepted
	// by -m; empty when MVT has no such module.
	MVTName string
	// Description is one sentence for people: what the module looks at
	// and what it checks.
	Description string
	// Artifact names what it reads, in words a non-expert understands
	// ("SMS and iMessage messages"); the report's coverage list shows it.
	Artifact string
	// Evidence lists the kinds of evidence the module runs on; a platform's
	// list is filtered by it.
	Evidence []Evidence
	// Large marks artifacts that grow with the phone's use (a million
	// messages); the run loop starts them first so that both cores stay
	// busy to the end.
	Large bool
	// Sensitive names the record fields that hold what a person wrote or
	// who they talk to; report.html hides them under redaction.
	Sensitive Fields
	// Version changes whenever the module's output changes, so that a
	// result says which parser produced it.
	Version int
}

// Evidence is a kind of evidence a module can read; internal/source
// recognises it (source.DetectKind), so the two always agree.
type Evidence = source.Kind

// The kinds of evidence spyglass checks.
const (
	IOSBackup      = source.KindIOSBackup
	IOSFilesystem  = source.KindIOSFS
	Sysdiagnose    = source.KindSysdiagnose
	AndroidQF      = source.KindAndroidQF
	Bugreport      = source.KindBugreport
	AndroidBackup  = source.KindAndroidBackup
	IntrusionLogs  = source.KindIntrusionLogs
	NetworkCapture = source.KindNetworkCapture
	NetworkLogs    = source.KindNetworkLogs
	// URLList is a list of links given on the command line (check-url).
	URLList = source.KindURLList
	// Email is .eml files, mbox files or folders of them (check-email).
	Email = source.KindEmail
)

// Sensitivity says what a sensitive field holds, which decides how it is
// hidden: a body is replaced whole, a phone field only when it looks like a
// phone number or an account.
type Sensitivity int

// The kinds of sensitive field.
const (
	// Body is text a person wrote (a message, a subject, a note).
	Body Sensitivity = iota + 1
	// Name is a person's or a group's name.
	Name
	// Phone is a number, handle or account that identifies a person.
	Phone
	// Address holds a phone number in some records and a network address
	// in others; only phone-like values are hidden.
	Address
	// NotPersonal marks a field whose name sounds personal but whose value
	// is not (a certificate's Subject, a Unix user_name such as u0_a123, a
	// signal number): declared so that redaction leaves it readable and a
	// reviewer sees the choice was made.
	NotPersonal
)

// Fields maps record field names (as written in <slug>.json) to what they
// hold.
type Fields map[string]Sensitivity

// RunsOn reports whether the module reads evidence of kind e.
func (d Descriptor) RunsOn(e Evidence) bool { return slices.Contains(d.Evidence, e) }

// Check reports the first field a module left empty, so that a test can
// hold every registered module to the contract.
func (d Descriptor) Check() error {
	var missing []string
	if d.Slug == "" || strings.ToLower(d.Slug) != d.Slug || strings.ContainsAny(d.Slug, " /.-") {
		missing = append(missing, "a lower-case slug")
	}
	if len(strings.TrimSpace(d.Description)) < 20 {
		missing = append(missing, "a one-sentence description")
	}
	if d.Artifact == "" || strings.EqualFold(strings.ReplaceAll(d.Artifact, " ", "_"), d.Slug) {
		missing = append(missing, "the artifact in words (not the slug)")
	}
	if len(d.Evidence) == 0 {
		missing = append(missing, "the evidence kinds it runs on")
	}
	if d.Version < 1 {
		missing = append(missing, "a version")
	}
	if d.Sensitive == nil {
		missing = append(missing, "its sensitive fields (an empty Fields{} when it has none)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("module %q lacks %s", d.Slug, strings.Join(missing, ", "))
	}
	return nil
}

// ForEvidence keeps, in order, the modules of list that run on e.
func ForEvidence(list []Module, e Evidence) []Module {
	var out []Module
	for _, m := range list {
		if m.Describe().RunsOn(e) {
			out = append(out, m)
		}
	}
	return out
}

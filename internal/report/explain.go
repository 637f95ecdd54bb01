package report

import (
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// This file holds the sentences written for people who are not forensic
// experts: what a verdict means, what a matched indicator of each type
// means, and what each artifact is.

// verdictText is the banner for each verdict.
type verdictText struct {
	Class    string
	Headline string
	Body     string
}

var verdicts = map[string]verdictText{
	VerdictIndicatorsFound: {"bad", wordings[KindSpyware].Headline, wordings[KindSpyware].Body},
	VerdictSuspicious: {"warn", "Suspicious traces were found, but none matches known spyware",
		"Some checks found traces that spyware often leaves, but none of them matches a published indicator. " +
			"Many have innocent explanations; an expert can tell which."},
	VerdictNoKnownIndicators: {"ok", "No known spyware indicators were found",
		"None of the traces checked matches a published indicator, and no check found a serious sign of spyware."},
	VerdictNothingChecked: {"none", "Nothing could be checked",
		"None of the checks found the data it reads in this evidence, so nothing on the phone was examined. " +
			"This is not a clean result: it says nothing about whether the phone is infected or not. " +
			"The evidence may be of another kind than the check expects, incomplete, or still encrypted; " +
			"the section \"What was checked\" says what each check looked for."},
}

// caveat is shown under every verdict but nothing_checked, which has its
// own.
const caveat = "No known indicators is not proof that the phone is clean. Indicators only describe spyware that has " +
	"already been discovered and documented, new attacks leave new traces, and some spyware erases its own. " +
	"Only part of a phone's data is in a backup or acquisition."

const nothingCheckedCaveat = "A check that found no data could not see anything, so this report cannot reassure anyone. " +
	"Run the check again on complete evidence of the right kind before drawing any conclusion."

// nothingCheckedSteps replace the usual advice when nothing was checked.
var nothingCheckedSteps = []string{
	"Make sure the evidence is complete and of the kind the check expects (an iPhone backup, a full file system dump, an Android acquisition or bug report), then run the check again.",
	"If you cannot tell what went wrong, ask a digital-security helpline (below) for help: their help is free for civil society.",
}

// otherHelplines are offered when no indicator matched: the reader may fear
// targeted spyware or a stalker, and both have their own helplines.
var otherHelplines = []Helpline{accessNow, amnestyLab, stopStalkerware}

// shareSteps tell a reader, who may never have used the command line, how
// to get a copy fit to share; the redacted copy says that it is one.
const (
	shareStep = "To share this report with a helpline without the text of messages, contact names and phone numbers, " +
		"ask whoever ran the check for the redacted version of it."
	shareStepRedacted = "This copy is the redacted version: message text, contact names and phone numbers are hidden, " +
		"so it is the one to share with a helpline."
)

// indicatorSentence explains, for a non-expert, what a match of an
// indicator type means.
func indicatorSentence(in *alert.Indicator) string {
	fam := familyName(in)
	if KindOf(in) == KindStalkerware {
		return stalkerwareSentence(in)
	}
	switch in.Type {
	case "domains":
		return fmt.Sprintf("The internet domain %s is known to be used by %s, for example to deliver the spyware through a link or to receive stolen data. Finding it in this record means the phone received, visited or contacted it; a visit can mean an infection attempt.", in.Value, fam)
	case "urls":
		return fmt.Sprintf("This web address is known to be used by %s. A message or visit containing it is a strong sign that someone tried to infect or trick this phone.", fam)
	case "ips":
		return fmt.Sprintf("The internet address %s is known to belong to %s's infrastructure. A connection to it suggests the phone talked to that infrastructure.", in.Value, fam)
	case "processes":
		return fmt.Sprintf("A program named %s ran on the phone, and this name is known from %s. Spyware often hides behind names that look like normal system programs, so a match on the name alone is a strong but not definitive sign.", in.Value, fam)
	case "emails":
		return fmt.Sprintf("The e-mail address %s is known to be used by %s (for example as an attacker account). Its presence on the phone suggests contact with that account.", in.Value, fam)
	case "file_names", "file_paths":
		return fmt.Sprintf("A file named %s was found, and this name is known from %s. Spyware leaves such files behind when it installs or runs.", in.Value, fam)
	case "files_sha256", "files_sha1", "files_md5":
		return fmt.Sprintf("A file on the phone is byte-for-byte identical to a file known from %s. This is one of the strongest signs of infection.", fam)
	case "app_ids":
		return fmt.Sprintf("An app with the identifier %s is installed or was seen, and this app is known as %s. Such apps can read messages, location or calls.", in.Value, fam)
	case "app_cert_hashes":
		return fmt.Sprintf("An installed app is signed with a certificate known to be used by %s. Whoever holds that certificate made the app.", fam)
	case "ios_profile_ids":
		return fmt.Sprintf("A configuration profile known from %s is or was installed. Profiles can redirect traffic or change security settings.", fam)
	case "android_property_names":
		return fmt.Sprintf("A system setting named %s is present, and it is known to be set by %s.", in.Value, fam)
	}
	return fmt.Sprintf("A value on the phone matches an indicator of %s (%s). An expert should review it.", fam, in.Type)
}

// stalkerwareSentence explains a match of a stalkerware indicator: the
// app itself, not an attack from afar, is what the trace points to.
func stalkerwareSentence(in *alert.Indicator) string {
	app := "the stalkerware app " + familyName(in)
	if n, ok := strings.CutSuffix(in.Name, " (watchware)"); ok {
		app = "the monitoring app " + n + ", sold for watching children or employees and also used to spy on partners"
	}
	switch in.Type {
	case "domains", "urls":
		return fmt.Sprintf("The internet address %s belongs to %s: the app sends what it collects there, or is sold or downloaded from it. Finding it in this record means the phone contacted or visited it.", in.Value, app)
	case "ips":
		return fmt.Sprintf("The internet address %s belongs to %s. A connection to it suggests the app is installed and sending data.", in.Value, app)
	case "app_ids":
		return fmt.Sprintf("An app with the identifier %s is installed or was seen, and it is %s. Such apps hide their icon and send the phone's messages, calls, photos and location to whoever installed them.", in.Value, app)
	case "app_cert_hashes", "files_sha256", "files_sha1", "files_md5":
		return fmt.Sprintf("An app on the phone is made by the makers of %s (the same signature or the same file). Such apps send the phone's messages, calls, photos and location to whoever installed them.", app)
	}
	return fmt.Sprintf("A value on the phone matches an indicator of %s (%s). An expert should review it.", app, in.Type)
}

// genericHeuristic explains alerts raised without an indicator and without
// a heuristic description (MVT's own checks).
func genericHeuristic(l alert.Level) string {
	if l <= alert.Informational {
		return "This is information for the expert reading the report, not a sign of spyware by itself."
	}
	return "This check raised an alert without a known indicator: the trace is unusual, but it is not linked to known spyware. Read the message above and ask an expert whether it matters on this phone."
}

// artifactNamer describes modules for people: from the summary of the run
// (each module wrote its artifact there), else from the descriptors of the
// modules that may have written the folder (an MVT folder), else the slug.
func artifactNamer(s *Summary, mods []module.Descriptor) func(string) string {
	names := map[string]string{}
	for _, d := range mods {
		names[d.Slug] = d.Artifact
	}
	for _, m := range s.Modules {
		if m.Artifact != "" {
			names[m.Name] = m.Artifact
		}
	}
	return func(slug string) string {
		if n, ok := names[slug]; ok && n != "" {
			return n
		}
		return slug
	}
}

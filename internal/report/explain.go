package report

import (
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
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
	VerdictIndicatorsFound: {"bad", "Traces of known spyware were found",
		"At least one trace on this phone matches an indicator published for a known spyware or surveillance campaign. " +
			"This is serious, but it is not yet a diagnosis: an expert must confirm it, because an indicator can occasionally match something harmless."},
	VerdictSuspicious: {"warn", "Suspicious traces were found, but none matches known spyware",
		"Some checks found traces that spyware often leaves, but none of them matches a published indicator. " +
			"Many have innocent explanations; an expert can tell which."},
	VerdictNoKnownIndicators: {"ok", "No known spyware indicators were found",
		"None of the traces checked matches a published indicator, and no check found a serious sign of spyware."},
	VerdictNothingChecked: {"nothing", "Nothing was checked",
		"No check found anything to read in this evidence: every artifact was missing, empty or unreadable. " +
			"This says nothing about the phone. Check that the evidence is complete and that the command matches its kind."},
}

// caveat is always shown, whatever the verdict.
const caveat = "No known indicators is not proof that the phone is clean. Indicators only describe spyware that has " +
	"already been discovered and documented, new attacks leave new traces, and some spyware erases its own. " +
	"Only part of a phone's data is in a backup or acquisition."

// nextSteps is the advice shown under the banner.
var nextSteps = []string{
	"Keep the phone as it is: do not reset it, update it, or delete apps or messages, because that can erase the traces an expert needs.",
	"Contact a digital-security helpline, such as Access Now's Digital Security Helpline (https://www.accessnow.org/help/) or Amnesty International's Security Lab (https://securitylab.amnesty.org/get-help/). Their help is free for civil society.",
	"If you think you are being watched, contact them from another device, and share this report made with --redact, which hides message text, names and phone numbers.",
}

// indicatorSentence explains, for a non-expert, what a match of an
// indicator type means.
func indicatorSentence(in *alert.Indicator) string {
	fam := familyName(in)
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

// genericHeuristic explains alerts raised without an indicator and without
// a heuristic description (MVT's own checks).
func genericHeuristic(l alert.Level) string {
	if l <= alert.Informational {
		return "This is information for the expert reading the report, not a sign of spyware by itself."
	}
	return "This check raised an alert without a known indicator: the trace is unusual, but it is not linked to known spyware. Read the message above and ask an expert whether it matters on this phone."
}

// artifacts describes what common modules read, for the findings and the
// coverage list. Modules not listed are shown by their slug.
var artifacts = map[string]string{
	"sms":                    "SMS and iMessage messages",
	"sms_attachments":        "SMS and iMessage attachments",
	"whatsapp":               "WhatsApp messages",
	"whatsapp_contacts":      "WhatsApp contacts",
	"tcc":                    "App permissions (TCC database)",
	"datausage":              "Network data usage per process",
	"net_netusage":           "Network usage per process",
	"global_preferences":     "Global system preferences",
	"backup_info":            "Backup information (Info.plist)",
	"manifest":               "List of files in the backup (Manifest.db)",
	"safari_history":         "Safari browsing history",
	"safari_browser_state":   "Safari open tabs",
	"chrome_history":         "Chrome browsing history",
	"calendar":               "Calendar events",
	"calls":                  "Call history",
	"contacts":               "Address book",
	"interaction_c":          "Recent interactions with contacts",
	"configuration_profiles": "Configuration profiles",
	"profile_events":         "Configuration profile installations",
	"shutdownlog":            "Processes still running at shutdown",
	"filesystem":             "Files and folders of the dump",
	"aqf_packages":           "Installed apps",
	"aqf_processes":          "Running processes",
	"aqf_get_prop":           "System properties (getprop)",
	"aqf_settings":           "System settings",
	"aqf_files":              "Files on shared storage",
	"aqf_root_binaries":      "Rooting tools",
	"dumpsys_accessibility":  "Accessibility services",
	"dumpsys_packages":       "Installed apps (dumpsys)",
	"dumpsys_appops":         "App permission use (appops)",
	"tombstones":             "Crash reports (tombstones)",
}

// androidArtifacts override artifacts where the same slug reads another
// thing on Android.
var androidArtifacts = map[string]string{
	"sms":   "SMS and MMS messages",
	"calls": "Call log",
}

// artifactNamer describes modules for people, for one platform.
func artifactNamer(platform string) func(string) string {
	return func(slug string) string {
		if platform == "android" {
			if d, ok := androidArtifacts[slug]; ok {
				return d
			}
		}
		return artifactName(slug)
	}
}

// artifactName describes a module for people.
func artifactName(slug string) string {
	if d, ok := artifacts[slug]; ok {
		return d
	}
	return slug
}

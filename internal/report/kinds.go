package report

import (
	"path"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// Stalkerware is not mercenary spyware, and the advice differs: it is
// usually installed by someone close with the phone in hand, and removing
// it can warn that person. This file decides which kind an indicator
// belongs to and holds the wording for each kind, for the page and the
// console alike.

// FamilyKind is the sort of threat a matched indicator's collection is.
type FamilyKind string

const (
	// KindSpyware: targeted (often mercenary) spyware and surveillance
	// campaigns, the default for every collection not known to be
	// stalkerware.
	KindSpyware FamilyKind = "spyware"
	// KindStalkerware: commercial monitoring apps installed on someone
	// else's phone (Echap's stalkerware and watchware lists).
	KindStalkerware FamilyKind = "stalkerware"
)

// stalkerwareFiles are the base names under which Echap's lists are
// published (stalkerware.stix2 is also what MVT's index downloads).
// Spyglass reads *.yaml and *.csv indicator files only as Echap's formats.
var stalkerwareFiles = map[string]bool{"stalkerware.stix2": true}

// KindOf says which kind of threat the matched indicator belongs to.
func KindOf(in *alert.Indicator) FamilyKind {
	if in == nil {
		return KindSpyware
	}
	base := strings.ToLower(path.Base(strings.ReplaceAll(in.STIX2FileName, `\`, "/")))
	switch path.Ext(base) {
	case ".yaml", ".yml", ".csv":
		return KindStalkerware
	}
	if stalkerwareFiles[base] || strings.HasSuffix(in.Name, " (watchware)") {
		return KindStalkerware
	}
	return KindSpyware
}

// KindsFound lists the kinds of the indicators matched in alerts, spyware
// first; nil when no indicator matched.
func KindsFound(alerts []alert.Alert) []FamilyKind {
	seen := map[FamilyKind]bool{}
	for i := range alerts {
		if alerts[i].Indicator != nil {
			seen[KindOf(alerts[i].Indicator)] = true
		}
	}
	var out []FamilyKind
	for _, k := range []FamilyKind{KindSpyware, KindStalkerware} {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// Helpline is an organisation a person can ask for help.
type Helpline struct {
	Name  string
	About string // one sentence: who they help
	URL   string // https:// page
	Email string // "" when they take requests through the page only
}

var (
	accessNow = Helpline{"Access Now Digital Security Helpline",
		"Free help for activists, journalists and civil society, around the clock, in many languages.",
		"https://www.accessnow.org/help/", "help@accessnow.org"}
	amnestyLab = Helpline{"Amnesty International Security Lab",
		"Checks phones of human rights defenders and journalists targeted by spyware.",
		"https://securitylab.amnesty.org/get-help/", ""}
	stopStalkerware = Helpline{"Coalition Against Stalkerware",
		"Lists support services for people targeted by stalkerware and domestic abuse, by country, and explains what to do.",
		"https://stopstalkerware.org/", ""}
)

// Wording is what people are told about a kind of finding.
type Wording struct {
	Kind FamilyKind
	// Label names the kind in one word, for a console line: "stalkerware".
	Label string
	// Headline and Body are the verdict banner when this kind was found.
	Headline, Body string
	// Alongside is the paragraph added to another kind's banner when both
	// were found.
	Alongside string
	// Steps is the advice, most urgent first, in plain text.
	Steps []string
	// Helplines are who can help, the most relevant first.
	Helplines []Helpline
}

// Finding says in one sentence what a match means for this kind, after the
// indicator's own sentence.
func (w Wording) Finding() string {
	if w.Kind == KindStalkerware {
		return "Stalkerware is usually installed by someone who had this phone in hand. Read the safety advice at the top of this report before removing it: removing it can alert that person."
	}
	return ""
}

var wordings = map[FamilyKind]Wording{
	KindSpyware: {
		Kind: KindSpyware, Label: "spyware",
		Headline: "Traces of known spyware were found",
		Body: "At least one trace on this phone matches an indicator published for a known spyware or surveillance campaign. " +
			"This is serious, but it is not yet a diagnosis: an expert must confirm it, because an indicator can occasionally match something harmless.",
		Alongside: "Some of the traces match an indicator published for a known spyware or surveillance campaign: an expert must confirm them.",
		Steps: []string{
			"Keep the phone as it is: do not reset it, update it, or delete apps or messages, because that can erase the traces an expert needs.",
			"Contact a digital-security helpline (below). Their help is free for civil society.",
			"If you think you are being watched, contact them from another device.",
		},
		Helplines: []Helpline{accessNow, amnestyLab},
	},
	KindStalkerware: {
		Kind: KindStalkerware, Label: "stalkerware",
		Headline: "Traces of stalkerware were found",
		Body: "At least one trace on this phone matches a known stalkerware app: software that lets someone read the messages, calls, photos and location of this phone in secret. " +
			"It is usually installed by someone close, a partner, ex-partner or family member, who had the phone in hand. " +
			"An expert should confirm the finding, because an indicator can occasionally match something harmless.",
		Alongside: "Some of the traces match a known stalkerware app: software that someone close, usually a partner, ex-partner or family member with the phone in hand, installs to read its messages, calls, photos and location in secret.",
		Steps: []string{
			"Think about your safety before you do anything to the phone. Removing the app, resetting the phone or confronting the person can alert whoever installed it, and some people react with more control or violence.",
			"Until you have a plan, assume that what you do, write and say on this phone, and where you take it, can be seen.",
			"Talk to a helpline that knows tech abuse and domestic violence (below), from a phone or computer the other person has never had access to. They can help you make a safety plan and decide when and how to remove the app.",
			"If you decide to go to the police or court, keep the phone as it is: the app and its traces can be evidence.",
		},
		Helplines: []Helpline{stopStalkerware, accessNow},
	},
}

// WordingFor gives the wording for one kind (the spyware one for a kind it
// does not know).
func WordingFor(k FamilyKind) Wording {
	if w, ok := wordings[k]; ok {
		return w
	}
	return wordings[KindSpyware]
}

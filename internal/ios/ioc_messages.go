package ios

import (
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// matchMessage words an indicator match the way MVT's alerts do, so that
// people used to MVT's alerts.json recognise them:
// Found a known suspicious domain <url> matching indicator "<ioc>" from "<collection>".
func matchMessage(value string, m *ioc.Match) string {
	var what string
	switch m.Type {
	case ioc.Domains, ioc.URLs, ioc.IPs:
		what = "domain"
	case ioc.Processes:
		what = "process name"
	case ioc.Emails:
		what = "email address"
	case ioc.FileNames:
		what = "file name"
	case ioc.FilePaths:
		what = "file path"
	case ioc.AppIDs:
		what = "app id"
	default:
		what = string(m.Type)
	}
	return fmt.Sprintf("Found a known suspicious %s %s matching indicator %q from %q", what, value, m.Value, m.Collection)
}

// urlCheck raises a CRITICAL alert for the first of urls that matches a
// URL or domain indicator (empty ones skipped): one alert per record, as MVT.
func urlCheck(idx *ioc.Index, rec any, when string, out module.Emitter, urls ...string) {
	for _, u := range urls {
		if u == "" {
			continue
		}
		if m := idx.CheckURL(u); m != nil {
			out.Alert(iocAlert(alert.Critical, matchMessage(u, m), when, rec, m))
			return
		}
	}
}

// firstURLMatch checks links in order and returns the first matching one.
// nullText stands for a NULL value in descriptions people read.
const nullText = "unknown"

func firstURLMatch(idx *ioc.Index, links []string) (string, *ioc.Match) {
	for _, l := range links {
		if m := idx.CheckURL(l); m != nil {
			return l, m
		}
	}
	return "", nil
}

// pyText renders a value as MVT's f-strings do in timeline descriptions,
// except NULL: MVT prints Python's "None" ("'hi' from None"), spyglass
// says "unknown".
func pyText(v any) string {
	if v == nil {
		return nullText
	}
	if b, ok := v.(bool); ok {
		if b {
			return "True"
		}
		return "False"
	}
	if f, ok := v.(float64); ok {
		return formatFloatPy(f)
	}
	return valueText(v)
}

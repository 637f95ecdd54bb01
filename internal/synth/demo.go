package synth

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// demoSpec is the demo backup: a small phone (a few hundred messages, visits
// and files), the traces added by Demo.
var demoSpec = Spec{
	SMS:                200,
	SafariVisits:       300,
	WhatsAppMessages:   150,
	ManifestFiles:      400,
	DataUsageProcesses: 60,
	Seed:               2021,
}

// Demo writes a small synthetic backup into dir with traces of real,
// publicly documented spyware taken from the embedded indicator feeds: a
// Pegasus link in an SMS, a Pegasus process in DataUsage, a Predator page in
// Safari's history and in an open tab, a stalkerware link in WhatsApp and a
// Pegasus file in the manifest. It returns the planted traces.
func Demo(dir string) ([]Trace, error) {
	idx := ioc.NewIndex()
	if err := idx.LoadEmbedded(); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	traces, err := DemoTraces(idx)
	if err != nil {
		return nil, err
	}
	s := demoSpec
	s.Traces = traces
	if err := Write(dir, s); err != nil {
		return nil, err
	}
	return traces, nil
}

// DemoTraces picks the demo's traces from idx (the embedded feeds), the
// same ones every time for the same feeds.
func DemoTraces(idx *ioc.Index) ([]Trace, error) {
	wants := []struct {
		kind  Kind
		typ   ioc.Type
		match func(e ioc.Entry) bool
		nth   int // which of the sorted candidates, so two traces differ
	}{
		{SMSLink, ioc.Domains, collection("pegasus"), 0},
		{DataUsageProcess, ioc.Processes, collection("pegasus"), 0},
		{SafariVisit, ioc.Domains, collection("predator"), 0},
		{SafariTab, ioc.Domains, collection("predator"), 1},
		{WhatsAppLink, ioc.Domains, func(e ioc.Entry) bool { return strings.HasPrefix(e.File, "stalkerware") }, 0},
		{ManifestPath, ioc.FileNames, collection("pegasus"), 0},
	}
	var out []Trace
	for _, w := range wants {
		var cands []ioc.Entry
		for _, e := range idx.Entries(w.typ) {
			if w.match(e) && plainValue(e.Value) {
				cands = append(cands, e)
			}
		}
		if len(cands) <= w.nth {
			return nil, fmt.Errorf("demo: the embedded feeds have no %s indicator for a %s trace", w.typ, w.kind)
		}
		// Entries come in no particular order; sort for a stable pick.
		sort.Slice(cands, func(i, j int) bool {
			if cands[i].Value != cands[j].Value {
				return cands[i].Value < cands[j].Value
			}
			return cands[i].Collection < cands[j].Collection
		})
		cands = dedupValues(cands)
		e := cands[w.nth%len(cands)]
		out = append(out, Trace{Kind: w.kind, Value: e.Value, Collection: e.Collection})
	}
	return out, nil
}

func collection(name string) func(ioc.Entry) bool {
	return func(e ioc.Entry) bool { return strings.EqualFold(e.Collection, name) }
}

// plainValue keeps values that read well in a demo: no wildcard, no
// whitespace, nothing that needs escaping in a URL.
func plainValue(v string) bool {
	return v != "" && !strings.ContainsAny(v, " *?%#/\\\t\n") && v == strings.ToLower(v)
}

func dedupValues(es []ioc.Entry) []ioc.Entry {
	out := es[:0]
	for i, e := range es {
		if i == 0 || e.Value != es[i-1].Value {
			out = append(out, e)
		}
	}
	return out
}

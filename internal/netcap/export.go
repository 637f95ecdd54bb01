package netcap

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// ExportFormats are the formats Export writes.
var ExportFormats = []string{"suricata", "hosts", "csv"}

// firstSID is the first Suricata rule id: 9,100,000+ is not used by the
// public rule sets (ET uses 2,000,000-2,999,999).
const firstSID = 9100000

// exported is one indicator value with every collection that lists it.
type exported struct {
	typ         ioc.Type
	value       string
	collections []string
}

// collect groups the network indicators (domains, IPs) by value, sorted.
func collect(idx *ioc.Index) []exported {
	var out []exported
	for _, t := range []ioc.Type{ioc.Domains, ioc.IPs} {
		by := map[string]*exported{}
		for _, e := range idx.Entries(t) {
			x := by[e.Value]
			if x == nil {
				x = &exported{typ: t, value: e.Value}
				by[e.Value] = x
			}
			if !slices.Contains(x.collections, e.Collection) {
				x.collections = append(x.collections, e.Collection)
			}
		}
		keys := make([]string, 0, len(by))
		for k := range by {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			slices.Sort(by[k].collections)
			out = append(out, *by[k])
		}
	}
	return out
}

// Export writes the loaded network indicators as Suricata rules, a hosts
// file or CSV, so that live monitoring (PiRogue, a router) watches what
// spyglass checks after the fact.
func Export(w io.Writer, idx *ioc.Index, format string) error {
	bw := bufio.NewWriter(w)
	xs := collect(idx)
	switch format {
	case "suricata":
		writeSuricata(bw, xs)
	case "hosts":
		fmt.Fprintln(bw, "# spyglass indicators as a hosts file: each name is sent to 0.0.0.0.")
		fmt.Fprintln(bw, "# A hosts file blocks exact names only; subdomains need a DNS blocklist.")
		for _, x := range xs {
			if x.typ == ioc.Domains {
				fmt.Fprintf(bw, "0.0.0.0 %s\n", x.value)
			}
		}
	case "csv":
		cw := csv.NewWriter(bw)
		cw.Write([]string{"type", "value", "collections"})
		for _, x := range xs {
			cw.Write([]string{string(x.typ), x.value, strings.Join(x.collections, "; ")})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q (choose %s)", format, strings.Join(ExportFormats, ", "))
	}
	return bw.Flush()
}

// writeSuricata writes, per domain, rules on the DNS query, the TLS SNI
// and the HTTP host (the domain and its subdomains, via dotprefix), and per
// IP or network one rule on traffic either way.
func writeSuricata(w io.Writer, xs []exported) {
	fmt.Fprintln(w, "# spyglass indicators as Suricata 7 rules (spyglass iocs export --format suricata)")
	sid := firstSID
	rule := func(format string, args ...any) {
		fmt.Fprintf(w, format+" sid:%d; rev:1;)\n", append(args, sid)...)
		sid++
	}
	for _, x := range xs {
		who := ruleText(strings.Join(x.collections, ", "))
		v := ruleText(x.value)
		if x.typ == ioc.IPs {
			rule(`alert ip any any <> %s any (msg:"spyglass: %s IP %s"; classtype:trojan-activity;`, v, who, v)
			continue
		}
		rule(`alert dns any any -> any any (msg:"spyglass: %s DNS query %s"; dns.query; dotprefix; content:".%s"; nocase; endswith; classtype:trojan-activity;`, who, v, v)
		rule(`alert tls any any -> any any (msg:"spyglass: %s TLS SNI %s"; tls.sni; dotprefix; content:".%s"; nocase; endswith; classtype:trojan-activity;`, who, v, v)
		rule(`alert http any any -> any any (msg:"spyglass: %s HTTP host %s"; http.host; dotprefix; content:".%s"; endswith; classtype:trojan-activity;`, who, v, v)
	}
}

// ruleText drops the characters a Suricata rule option cannot hold
// unescaped.
func ruleText(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '"', ';', '\\', '\n', '\r', '|':
			return -1
		}
		return r
	}, s)
}

package ioc

import (
	"net/netip"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Index holds every loaded indicator in hash sets keyed by normalised value.
// It is read-only after loading and safe for concurrent use by Check methods.
type Index struct {
	sets map[Type]map[string][]Entry
	// exactOnly marks domain indicators that are themselves public
	// suffixes (per the public suffix list, private part included): they
	// match only the identical host, never as a parent domain, so an
	// indicator "duckdns.org" does not flag every DuckDNS customer.
	exactOnly map[string]bool
	// urlHosts holds the hosts of URL indicators, so that CheckURL builds a
	// normalised URL only when an exact URL match is possible.
	urlHosts map[string]struct{}
	// tails holds the last two labels of every domain indicator (the
	// label itself for one-label indicators, which singles also lists):
	// a host whose last two labels are not here cannot match, which
	// settles most lookups with one map access.
	tails   map[string]struct{}
	singles map[string]struct{}
	ips     map[netip.Addr][]Entry
	nets    []netEntry
	// processPrefixes maps the first 15 bytes of process indicators longer
	// than 15 to their keys, for names truncated by the kernel.
	processPrefixes map[string][]string
	// relPaths are file-path indicators that do not start with "/"
	// ("Library/Preferences/x.plist"); they match on a path boundary
	// anywhere in the path.
	relPaths []string

	files       []FileInfo
	warnings    []Problem
	unsupported []Problem
	// seenFiles holds the sha256 of every loaded file, so the same file
	// reached twice (flag and environment) is read once.
	seenFiles map[string]bool
}

type netEntry struct {
	prefix  netip.Prefix
	entries []Entry
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{
		sets:            map[Type]map[string][]Entry{},
		exactOnly:       map[string]bool{},
		urlHosts:        map[string]struct{}{},
		tails:           map[string]struct{}{},
		singles:         map[string]struct{}{},
		ips:             map[netip.Addr][]Entry{},
		processPrefixes: map[string][]string{},
		seenFiles:       map[string]bool{},
	}
}

// Files lists the loaded indicator files in loading order.
func (x *Index) Files() []FileInfo {
	if x == nil {
		return nil
	}
	return x.files
}

// Warnings lists rejected values and other loading problems.
func (x *Index) Warnings() []Problem {
	if x == nil {
		return nil
	}
	return x.warnings
}

// Unsupported lists indicators whose pattern could not be used (wholly or in
// part), once per indicator.
func (x *Index) Unsupported() []Problem {
	if x == nil {
		return nil
	}
	return x.unsupported
}

// Len is the number of distinct (type, value) indicators.
func (x *Index) Len() int {
	if x == nil {
		return 0
	}
	n := len(x.ips) + len(x.nets)
	for _, s := range x.sets {
		n += len(s)
	}
	return n
}

// CountByType is the number of distinct values per type.
func (x *Index) CountByType() map[Type]int {
	out := map[Type]int{}
	if x == nil {
		return out
	}
	for t, s := range x.sets {
		out[t] = len(s)
	}
	if n := len(x.ips) + len(x.nets); n > 0 {
		out[IPs] = n
	}
	return out
}

// Entries returns every entry of type t (for listings), in no particular order.
func (x *Index) Entries(t Type) []Entry {
	var out []Entry
	if x == nil {
		return nil
	}
	if t == IPs {
		for _, es := range x.ips {
			out = append(out, es...)
		}
		for _, n := range x.nets {
			out = append(out, n.entries...)
		}
		return out
	}
	for _, es := range x.sets[t] {
		out = append(out, es...)
	}
	return out
}

// add stores e under the already normalised key. It reports whether e was
// new for its (collection, file); duplicates are dropped.
func (x *Index) add(e Entry, key string) bool {
	e.Value = key
	if e.Type == IPs {
		return x.addIP(e, key)
	}
	s := x.sets[e.Type]
	if s == nil {
		s = make(map[string][]Entry, 256)
		x.sets[e.Type] = s
	}
	old, ok := s[key]
	for _, o := range old {
		if o.Collection == e.Collection && o.File == e.File {
			return false
		}
	}
	if !ok {
		// Keys and ids may alias a whole file's buffer; keep copies only.
		key = strings.Clone(key)
		e.Value = key
	}
	e.ID = strings.Clone(e.ID)
	s[key] = append(old, e)
	if len(old) > 0 {
		return true
	}
	switch e.Type {
	case Domains:
		if ps, _ := publicsuffix.PublicSuffix(key); ps == key {
			x.exactOnly[key] = true
		}
		x.tails[lastLabels(key)] = struct{}{}
		if strings.IndexByte(key, '.') < 0 {
			x.singles[key] = struct{}{}
		}
	case URLs:
		if h := urlKeyHost(key); h != "" {
			x.urlHosts[h] = struct{}{}
		}
	case Processes:
		if len(key) > 15 {
			x.processPrefixes[key[:15]] = append(x.processPrefixes[key[:15]], key)
		}
	case FilePaths:
		if !strings.HasPrefix(key, "/") {
			x.relPaths = append(x.relPaths, key)
		}
	}
	return true
}

func (x *Index) addIP(e Entry, key string) bool {
	if strings.Contains(key, "/") {
		p, err := netip.ParsePrefix(key)
		if err != nil {
			return false
		}
		if p.IsSingleIP() {
			key = p.Addr().String()
			e.Value = key
		} else {
			for i := range x.nets {
				if x.nets[i].prefix == p {
					for _, o := range x.nets[i].entries {
						if o.Collection == e.Collection && o.File == e.File {
							return false
						}
					}
					x.nets[i].entries = append(x.nets[i].entries, e)
					return true
				}
			}
			e.Value = strings.Clone(e.Value)
			x.nets = append(x.nets, netEntry{prefix: p, entries: []Entry{e}})
			return true
		}
	}
	a, err := netip.ParseAddr(key)
	if err != nil {
		return false
	}
	old := x.ips[a]
	for _, o := range old {
		if o.Collection == e.Collection && o.File == e.File {
			return false
		}
	}
	e.Value = strings.Clone(e.Value)
	e.ID = strings.Clone(e.ID)
	x.ips[a] = append(old, e)
	return true
}

func matchOf(es []Entry, how string) *Match {
	if len(es) == 0 {
		return nil
	}
	m := &Match{Entry: es[0], How: how}
	if len(es) > 1 {
		m.Others = es[1:len(es):len(es)]
	}
	return m
}

func (x *Index) lookup(t Type, key, how string) *Match {
	return matchOf(x.sets[t][key], how)
}

// lastLabels returns the last two labels of h ("example.org" for
// "a.b.example.org"; h itself when it has fewer).
func lastLabels(h string) string {
	i := strings.LastIndexByte(h, '.')
	if i < 0 {
		return h
	}
	if j := strings.LastIndexByte(h[:i], '.'); j >= 0 {
		return h[j+1:]
	}
	return h
}

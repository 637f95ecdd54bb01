package ioc

import (
	"sort"
	"time"
)

// CollectionStat counts one collection's indicators in one file.
type CollectionStat struct {
	Name     string       `json:"name"`
	File     string       `json:"file"` // path as in FileInfo
	Source   string       `json:"source"`
	FeedDate time.Time    `json:"feed_date"`
	Counts   map[Type]int `json:"counts"`
	Total    int          `json:"total"`
}

// Collections counts the indicators of each (collection, file), in file
// loading order, then by name.
func (x *Index) Collections() []CollectionStat {
	if x == nil {
		return nil
	}
	type key struct{ coll, file string }
	order := map[string]int{}
	info := map[string]FileInfo{}
	for i, f := range x.files {
		b := baseName(f.Path)
		if _, ok := order[b]; !ok {
			order[b], info[b] = i, f
		}
	}
	stats := map[key]*CollectionStat{}
	count := func(es []Entry) {
		for _, e := range es {
			k := key{e.Collection, e.File}
			s := stats[k]
			if s == nil {
				fi := info[e.File]
				s = &CollectionStat{Name: e.Collection, File: fi.Path, Source: fi.Source, FeedDate: fi.FeedDate, Counts: map[Type]int{}}
				if s.File == "" {
					s.File = e.File
				}
				stats[k] = s
			}
			s.Counts[e.Type]++
			s.Total++
		}
	}
	for _, set := range x.sets {
		for _, es := range set {
			count(es)
		}
	}
	for _, es := range x.ips {
		count(es)
	}
	for _, n := range x.nets {
		count(n.entries)
	}
	out := make([]CollectionStat, 0, len(stats))
	for _, s := range stats {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		oi, oj := order[baseName(out[i].File)], order[baseName(out[j].File)]
		if oi != oj {
			return oi < oj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

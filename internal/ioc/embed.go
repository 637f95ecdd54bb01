package ioc

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// feedsFS is the snapshot of the public feeds (see feeds/SOURCE.md and
// feeds/LICENCE.md), loaded unless the user turns it off.
//
//go:embed feeds
var feedsFS embed.FS

// EmbeddedPrefix starts the Path of every embedded file in reports.
const EmbeddedPrefix = "embedded:"

// loadFS loads the indicator files of fsys: Echap YAML first (its app
// aliases name the collections of samples.csv), then STIX bundles, sample
// lists and text lists, each group in lexical order.
func (x *Index) loadFS(fsys fs.FS, prefix, source string) error {
	var yamls, others []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch b := path.Base(p); {
		case b == "ioc.yaml" || b == "watchware.yaml":
			yamls = append(yamls, p)
		case strings.HasSuffix(b, ".stix2") || b == "samples.csv" || b == "domains.txt" || b == "emails.txt":
			others = append(others, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing embedded feeds: %w", err)
	}
	aliases := map[string]string{}
	for _, p := range yamls {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		a, err := x.loadEchapYAML(prefix+p, data, source)
		if err != nil {
			return err
		}
		for k, v := range a {
			if _, ok := aliases[k]; !ok {
				aliases[k] = v
			}
		}
	}
	for _, p := range others {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		name := prefix + p
		switch b := path.Base(p); {
		case strings.HasSuffix(b, ".stix2"):
			_, err = x.loadSTIX(name, data, source)
		case b == "samples.csv":
			err = x.loadSamplesCSV(name, data, source, aliases)
		default:
			t, _ := textListType(b)
			err = x.loadTextList(name, data, source, t, investigationName(p))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// LoadEmbedded loads the embedded feed snapshot.
func (x *Index) LoadEmbedded() error {
	sub, err := fs.Sub(feedsFS, "feeds")
	if err != nil {
		return fmt.Errorf("embedded feeds: %w", err)
	}
	return x.loadFS(sub, EmbeddedPrefix, "embedded")
}

// EmbeddedFeeds exposes the embedded snapshot read-only (for tests and for
// "iocs list" to show the licence notes).
func EmbeddedFeeds() fs.FS {
	sub, _ := fs.Sub(feedsFS, "feeds")
	return sub
}

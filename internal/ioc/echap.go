package ioc

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// loadEchapYAML indexes Echap's ioc.yaml / watchware.yaml: a list of apps,
// each with name, names (aliases), type, packages, certificates (SHA-1 of
// the signing certificate), websites, distribution and c2 {domains, ips}
// (c2.ip occurs too). Every scalar is read as text, unknown keys are
// ignored. Each app becomes a collection named after it; watchware apps get
// " (watchware)" appended so that a parental-control app is not shown as if
// it were hidden stalkerware. It returns alias → collection name, used to
// name the collections of samples.csv.
func (x *Index) loadEchapYAML(name string, data []byte, source string) (map[string]string, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s is not readable YAML: %w", name, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s is not an Echap indicator list (expected a list of apps)", name)
	}
	fl, fresh := x.newFileLoad(name, data, source, "echap-yaml")
	aliases := map[string]string{}
	if !fresh {
		return aliases, nil
	}
	for _, app := range root.Content[0].Content {
		if app.Kind != yaml.MappingNode {
			continue
		}
		fields := map[string]*yaml.Node{}
		for i := 0; i+1 < len(app.Content); i += 2 {
			fields[app.Content[i].Value] = app.Content[i+1]
		}
		appName := strings.TrimSpace(first(scalars(fields["name"])))
		if appName == "" {
			fl.warn("", "", fmt.Sprintf("an app at line %d has no name (skipped)", app.Line))
			continue
		}
		fl.info.Objects++
		coll := appName
		if strings.EqualFold(first(scalars(fields["type"])), "watchware") {
			coll += " (watchware)"
		}
		aliases[strings.ToLower(appName)] = coll
		for _, a := range scalars(fields["names"]) {
			if _, taken := aliases[strings.ToLower(a)]; !taken {
				aliases[strings.ToLower(a)] = coll
			}
		}
		colls := []string{coll}
		add := func(t Type, vals []string) {
			for _, v := range vals {
				fl.addValue(t, v, "", "", colls)
			}
		}
		add(AppIDs, scalars(fields["packages"]))
		add(AppCertHashes, scalars(fields["certificates"]))
		add(Domains, scalars(fields["websites"]))
		for _, v := range scalars(fields["distribution"]) {
			if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
				fl.addValue(URLs, v, "", "", colls)
			} else {
				fl.addValue(Domains, v, "", "", colls)
			}
		}
		if c2 := fields["c2"]; c2 != nil && c2.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(c2.Content); i += 2 {
				switch c2.Content[i].Value {
				case "domains", "domain":
					add(Domains, scalars(c2.Content[i+1]))
				case "ips", "ip":
					add(IPs, scalars(c2.Content[i+1]))
				}
			}
		}
	}
	fl.finish()
	return aliases, nil
}

// scalars returns the text of a scalar node or of the scalars in a sequence.
func scalars(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		return []string{n.Value}
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode && c.Tag != "!!null" {
				out = append(out, c.Value)
			}
		}
		return out
	}
	return nil
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

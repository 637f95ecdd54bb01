package ioc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// DefaultIndexURL is the mvt-indicators index that "iocs update" reads
// (the one MVT's download-iocs reads).
const DefaultIndexURL = "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/indicators.yaml"

// manifestName is the file in destDir that records what update wrote, so
// that a later update knows what changed and which files it may remove.
// It starts with a dot so that loading the folder skips it.
const manifestName = ".spyglass-feeds.json"

const (
	maxIndexSize = 4 << 20
	maxFeedSize  = 64 << 20
)

// UpdateResult says what Update did, file by file.
type UpdateResult struct {
	Files                                      []UpdatedFile
	Added, Updated, Unchanged, Removed, Failed int
}

// UpdatedFile is one entry of the index.
type UpdatedFile struct {
	Name   string // the index entry's name ("NSO Group Pegasus Indicators of Compromise")
	URL    string
	Path   string // local file
	Status string // "added", "updated", "unchanged", "removed", "failed"
	Err    string `json:",omitempty"`
	// Indicators is the number the file holds (0 when it failed).
	Indicators int
}

type manifest struct {
	IndexURL string                   `json:"index_url"`
	Updated  time.Time                `json:"updated"`
	Files    map[string]manifestEntry `json:"files"` // by local file name
}

type manifestEntry struct {
	URL    string `json:"url"`
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

type feedIndex struct {
	Indicators []struct {
		Type        string `yaml:"type"`
		Name        string `yaml:"name"`
		DownloadURL string `yaml:"download_url"`
		Github      struct {
			Owner  string `yaml:"owner"`
			Repo   string `yaml:"repo"`
			Branch string `yaml:"branch"`
			Path   string `yaml:"path"`
		} `yaml:"github"`
	} `yaml:"indicators"`
}

// Update downloads the mvt-indicators index at indexURL and every file it
// names (type github → raw.githubusercontent.com URL, or download_url) into
// destDir. Each file must parse as a STIX bundle with at least one usable
// indicator before it replaces the old copy, which happens atomically
// (temporary file in destDir, then rename). An entry that fails (the real
// index's last entry points to a missing path) keeps its old copy and is
// reported; files that the index no longer names are removed. The error is
// non-nil only when the index itself cannot be used or every entry failed.
func Update(ctx context.Context, client *http.Client, indexURL, destDir string, log io.Writer) (*UpdateResult, error) {
	if client == nil {
		client = http.DefaultClient
	}
	if log == nil {
		log = io.Discard
	}
	if indexURL == "" {
		indexURL = DefaultIndexURL
	}
	raw, err := download(ctx, client, indexURL, maxIndexSize)
	if err != nil {
		return nil, fmt.Errorf("downloading the indicator index: %w", err)
	}
	var idx feedIndex
	if err := yaml.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("the indicator index %s is not valid YAML: %w", indexURL, err)
	}
	if len(idx.Indicators) == 0 {
		return nil, fmt.Errorf("the indicator index %s lists no indicator files", indexURL)
	}
	if err := os.MkdirAll(destDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the indicator folder: %w", err)
	}
	old := readManifest(destDir)
	next := manifest{IndexURL: indexURL, Updated: time.Now().UTC(), Files: map[string]manifestEntry{}}
	res := &UpdateResult{}
	seen := map[string]bool{}
	for _, e := range idx.Indicators {
		u := e.DownloadURL
		if strings.EqualFold(e.Type, "github") || u == "" {
			g := e.Github
			if g.Owner == "" || g.Repo == "" || g.Path == "" {
				res.add(UpdatedFile{Name: e.Name, Status: "failed", Err: "the index entry has neither download_url nor a complete github location"})
				continue
			}
			branch := g.Branch
			if branch == "" {
				branch = "main"
			}
			u = "https://raw.githubusercontent.com/" + g.Owner + "/" + g.Repo + "/" + branch + "/" + strings.TrimPrefix(g.Path, "/")
		}
		if seen[u] {
			continue
		}
		seen[u] = true
		name := localName(u)
		f := UpdatedFile{Name: e.Name, URL: u, Path: filepath.Join(destDir, name)}
		fmt.Fprintf(log, "downloading %s\n", u)
		sum, n, err := fetchFeed(ctx, client, u, destDir, name)
		if err != nil {
			f.Status, f.Err = "failed", err.Error()
			fmt.Fprintf(log, "  failed: %v\n", err)
			if prev, ok := old.Files[name]; ok {
				next.Files[name] = prev // keep the old copy
			}
			res.add(f)
			continue
		}
		f.Indicators = n
		next.Files[name] = manifestEntry{URL: u, Name: e.Name, SHA256: sum}
		switch prev, ok := old.Files[name]; {
		case !ok:
			f.Status = "added"
		case prev.SHA256 != sum:
			f.Status = "updated"
		default:
			f.Status = "unchanged"
		}
		res.add(f)
	}
	var gone []string
	for name := range old.Files {
		if _, ok := next.Files[name]; !ok {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	for _, name := range gone {
		p := filepath.Join(destDir, name)
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			res.add(UpdatedFile{Name: old.Files[name].Name, URL: old.Files[name].URL, Path: p, Status: "failed", Err: err.Error()})
			next.Files[name] = old.Files[name]
			continue
		}
		res.add(UpdatedFile{Name: old.Files[name].Name, URL: old.Files[name].URL, Path: p, Status: "removed"})
	}
	if err := writeManifest(destDir, next); err != nil {
		return res, err
	}
	if res.Failed > 0 && res.Added+res.Updated+res.Unchanged == 0 {
		return res, fmt.Errorf("no indicator file could be downloaded (%d failed)", res.Failed)
	}
	return res, nil
}

func (r *UpdateResult) add(f UpdatedFile) {
	r.Files = append(r.Files, f)
	switch f.Status {
	case "added":
		r.Added++
	case "updated":
		r.Updated++
	case "unchanged":
		r.Unchanged++
	case "removed":
		r.Removed++
	default:
		r.Failed++
	}
}

// fetchFeed downloads u, checks that it parses, and renames it into place.
func fetchFeed(ctx context.Context, client *http.Client, u, dir, name string) (string, int, error) {
	data, err := download(ctx, client, u, maxFeedSize)
	if err != nil {
		return "", 0, err
	}
	check := NewIndex()
	fi, err := check.loadSTIX(name, data, "")
	if err != nil {
		return "", 0, fmt.Errorf("not kept: %w", err)
	}
	if fi.Indicators == 0 {
		return "", 0, fmt.Errorf("not kept: the file holds no usable indicator")
	}
	if err := writeAtomic(dir, name, data); err != nil {
		return "", 0, err
	}
	return fi.SHA256, fi.Indicators, nil
}

func download(ctx context.Context, client *http.Client, u string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP status %s", u, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d MiB", u, limit>>20)
	}
	return data, nil
}

// writeAtomic replaces dir/name with data so that a reader sees either the
// old or the new file, never a partial one.
func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", name, werr)
	}
	return nil
}

// localName turns a URL into a flat file name as MVT does
// (raw.githubusercontent.com_AmnestyTech_investigations_master_…_pegasus.stix2),
// keeping only safe characters and ending in .stix2 or .json.
func localName(u string) string {
	s := u
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			b[i] = '_'
		}
	}
	s = strings.TrimLeft(string(b), "._")
	if len(s) > 200 {
		sum := sha256.Sum256([]byte(u))
		s = s[len(s)-180:] + "_" + hex.EncodeToString(sum[:4])
	}
	if l := strings.ToLower(s); !strings.HasSuffix(l, ".stix2") && !strings.HasSuffix(l, ".json") {
		s += ".stix2"
	}
	return s
}

func readManifest(dir string) manifest {
	m := manifest{Files: map[string]manifestEntry{}}
	data, err := safefile.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return m
	}
	if json.Unmarshal(data, &m) != nil || m.Files == nil {
		return manifest{Files: map[string]manifestEntry{}}
	}
	for name := range m.Files {
		// Never let a tampered manifest point outside the folder.
		if name != filepath.Base(name) || name != localNameSafe(name) {
			delete(m.Files, name)
		}
	}
	return m
}

func localNameSafe(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if strings.HasPrefix(name, ".") {
		return ""
	}
	return string(b)
}

func writeManifest(dir string, m manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(dir, manifestName, append(data, '\n'))
}

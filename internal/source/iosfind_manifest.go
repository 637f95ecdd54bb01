package source

import (
	"errors"
	"io/fs"
	"sort"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// findInManifest is Find for both plain and encrypted backups, so the two
// cannot drift apart: DomainPaths are looked up in the manifest and, when
// the manifest does not list them (MVT finds such files by their ID, as
// WhatsApp's LID.sqlite in its test backup), by the file ID derived from
// the name if byID accepts that path; RelativePaths match with '*' as any
// run of characters. Files present in fsys are returned (see IsArtifact),
// sorted, without duplicates.
func findInManifest(fsys fs.FS, files []IOSFile, byName map[string]int, q IOSQuery, byID func(path string) bool) []IOSFile {
	seen := map[string]bool{}
	var out []IOSFile
	add := func(f IOSFile) {
		if seen[f.Path] {
			return
		}
		if !IsArtifact(fs.Stat(fsys, f.Path)) {
			return
		}
		seen[f.Path] = true
		out = append(out, f)
	}
	for _, dp := range q.DomainPaths {
		if i, ok := byName[dp]; ok {
			add(files[i])
			continue
		}
		// The file ID hashes "domain-relativePath" as one string, so it
		// does not matter that domains may contain '-' themselves
		// ("AppDomainGroup-group.net.whatsapp.WhatsApp.shared"); the labels
		// are split at the last '-' before the first '/', which is right
		// for every domain Apple uses.
		domain, rel, ok := splitDomainPath(dp)
		if !ok {
			continue
		}
		id := FileID(domain, rel)
		if p := id[:2] + "/" + id; byID(p) {
			add(IOSFile{Path: p, Domain: domain, RelativePath: rel})
		}
	}
	for _, pat := range q.RelativePaths {
		for _, f := range files {
			if wildcardMatch(pat, f.RelativePath) {
				add(f)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// IsArtifact reports whether a Stat result is a file a module should be
// given: a regular file, or anything else that is not a folder (a FIFO, a
// device, a socket), so that the module fails naming it as "not a regular
// file" instead of reporting the artifact missing while something is there.
// Opening it never blocks: evidence folders are read through safefile.
func IsArtifact(st fs.FileInfo, err error) bool {
	if errors.Is(err, safefile.ErrNotRegular) {
		return true // the encrypted view stats by opening
	}
	return err == nil && !st.IsDir()
}

package ios

import (
	"fmt"
	"io/fs"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// locateAll finds every file matching q. For a backup it also tries each
// DomainPath by its computed file ID when the manifest does not list it:
// some files (WhatsApp's LID.sqlite) are stored in the backup folder without
// a Manifest.db row, and MVT reads them by ID.
func locateAll(src source.IOS, q source.IOSQuery) ([]source.IOSFile, error) {
	files, err := src.Find(q)
	if err != nil {
		return nil, err
	}
	if !src.IsBackup() {
		return files, nil
	}
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.Path] = true
	}
	for _, dp := range q.DomainPaths {
		for _, cand := range domainPathSplits(dp) {
			id := source.FileID(cand[0], cand[1])
			p := id[:2] + "/" + id
			if seen[p] {
				break
			}
			if source.IsArtifact(fs.Stat(src.FS(), p)) {
				seen[p] = true
				files = append(files, source.IOSFile{Path: p, Domain: cand[0], RelativePath: cand[1]})
				break
			}
		}
	}
	return files, nil
}

// domainPathSplits lists the (domain, relativePath) readings of
// "Domain-relative/path". Domains contain '-' themselves
// ("AppDomainGroup-group.net.whatsapp.WhatsApp.shared") and so can relative
// paths ("sms.db-wal"), so every '-' is a candidate; the file ID then says
// which reading is real.
func domainPathSplits(dp string) [][2]string {
	var out [][2]string
	for i := 0; i < len(dp); i++ {
		if dp[i] == '-' && i > 0 && i < len(dp)-1 {
			out = append(out, [2]string{dp[:i], dp[i+1:]})
		}
	}
	return out
}

// findAllByID is findAll plus the file-ID fallback of locateAll, for
// artifacts MVT reads by backup ID.
func findAllByID(in *module.Input, q source.IOSQuery, what string) ([]source.IOSFile, error) {
	src, err := iosSource(in)
	if err != nil {
		return nil, err
	}
	files, err := locateAll(src, q)
	if err != nil {
		return nil, fmt.Errorf("looking for %s: %w", what, err)
	}
	if len(files) == 0 {
		return nil, module.NoData("%s not found", what)
	}
	return files, nil
}

// findOneByID is findOne with the file-ID fallback.
func findOneByID(in *module.Input, q source.IOSQuery, what string) (source.IOSFile, error) {
	files, err := findAllByID(in, q, what)
	if err != nil {
		return source.IOSFile{}, err
	}
	return files[0], nil
}

package synth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// artifact is one database of the backup.
type artifact struct {
	domain, rel string
	write       func(path string, s *Spec) error
	// needed reports whether the Spec asks for this artifact.
	needed func(s *Spec) bool
}

var artifacts = []artifact{
	{"HomeDomain", "Library/SMS/sms.db", writeSMS,
		func(s *Spec) bool { return s.SMS > 0 || len(s.traces(SMSLink)) > 0 }},
	{"WirelessDomain", "Library/Databases/DataUsage.sqlite", writeDataUsage,
		func(s *Spec) bool { return s.DataUsageProcesses > 0 || len(s.traces(DataUsageProcess)) > 0 }},
	{"AppDomain-com.apple.mobilesafari", "Library/Safari/History.db", writeSafariHistory,
		func(s *Spec) bool { return s.SafariVisits > 0 || len(s.traces(SafariVisit)) > 0 }},
	{"AppDomain-com.apple.mobilesafari", "Library/Safari/BrowserState.db", writeBrowserState,
		func(s *Spec) bool { return s.SafariVisits > 0 || len(s.traces(SafariTab)) > 0 }},
	{"AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite", writeWhatsApp,
		func(s *Spec) bool { return s.WhatsAppMessages > 0 || len(s.traces(WhatsAppLink)) > 0 }},
}

// Write writes the backup described by s into dir, which must not exist or
// be empty. The folder then holds Info.plist, Manifest.plist, Status.plist,
// Manifest.db and the files under <fileID[:2]>/<fileID>, as a backup of an
// iPhone made by Finder or iTunes (unencrypted).
func Write(dir string, s Spec) error {
	if err := s.validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if ents, err := os.ReadDir(dir); err != nil {
		return fmt.Errorf("synth: %w", err)
	} else if len(ents) > 0 {
		return fmt.Errorf("synth: %s is not empty; choose a new folder", dir)
	}

	// The databases are independent: write them in parallel.
	var todo []artifact
	for _, a := range artifacts {
		if a.needed(&s) {
			todo = append(todo, a)
		}
	}
	errs := make([]error, len(todo))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, a := range todo {
		p := backupFilePath(dir, a.domain, a.rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = a.write(p, &s)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("synth: %w", err)
	}

	g := newGen(s.Seed, "manifest")
	mb := newManifestBuilder()
	for _, a := range todo {
		st, err := os.Stat(backupFilePath(dir, a.domain, a.rel))
		if err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		mb.add(manifestEntry{domain: a.domain, rel: a.rel, flags: flagFile, size: st.Size(), time: int64(macBase+spanSeconds) + unixMacOffset})
	}
	for _, t := range s.traces(ManifestPath) {
		// Spyware files sit outside any app's container; the trace keeps
		// the whole path so "/"+relativePath is the indicator itself.
		// A bare file name goes where daemons keep their preferences.
		domain, rel := "RootDomain", strings.TrimPrefix(t.Value, "/")
		if !strings.Contains(rel, "/") {
			domain, rel = "HomeDomain", "Library/Preferences/"+rel
		}
		data := []byte{0xca, 0xfe, 0xba, 0xbe}
		mb.add(manifestEntry{domain: domain, rel: rel, flags: flagFile, size: int64(len(data)), time: int64(g.timeAt(1, 2)) + unixMacOffset})
		if err := writeBackupFile(dir, domain, rel, data); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	if err := mb.addFiller(dir, s.ManifestFiles, g); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := writeManifestDB(filepath.Join(dir, "Manifest.db"), mb.entries); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := writePlists(dir, newDevice(newGen(s.Seed, "device")), g); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// Package source gives read-only views of evidence. Every path that comes from
// the evidence is checked here, once, before anything is opened.
package source

import "io/fs"

// IOSFile is one artifact file found in iOS evidence.
type IOSFile struct {
	// Path is the file's name inside IOS.FS() (for a backup:
	// "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28").
	Path string
	// Domain and RelativePath are the backup's names for the file
	// ("HomeDomain", "Library/SMS/sms.db"); for a filesystem dump Domain is
	// "" and RelativePath is the path inside the dump.
	Domain       string
	RelativePath string
}

// IOSQuery says where an artifact lives, in both kinds of iOS evidence; a
// module fills in what applies and the source uses what it can.
type IOSQuery struct {
	// DomainPaths are exact backup names, "HomeDomain-Library/SMS/sms.db".
	DomainPaths []string
	// RelativePaths match a backup file's relative path in any domain; '*'
	// matches any run of characters ("Library/Safari/History.db",
	// "Library/Application Support/Google/Chrome/Default/History").
	RelativePaths []string
	// FSGlobs are path.Match patterns relative to a filesystem dump's root
	// ("private/var/mobile/Library/SMS/sms.db").
	FSGlobs []string
}

// IOS is iOS evidence: a backup (plain or encrypted) or a filesystem dump.
type IOS interface {
	// FS is a read-only view; files of an encrypted backup read decrypted.
	FS() fs.FS
	// IsBackup reports whether this is an iTunes/Finder backup.
	IsBackup() bool
	// Find returns the files matching q, in a stable order, with no
	// duplicates. Finding nothing is not an error.
	Find(q IOSQuery) ([]IOSFile, error)
}

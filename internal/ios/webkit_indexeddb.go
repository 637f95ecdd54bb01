package ios

import (
	"context"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// WebkitIndexedDB lists the sites that stored IndexedDB data in any app's
// WebKit views.
type WebkitIndexedDB struct{ r webkitOriginFolders }

// NewWebkitIndexedDB returns the webkit_indexeddb module.
func NewWebkitIndexedDB() *WebkitIndexedDB {
	return &WebkitIndexedDB{webkitOriginFolders{
		slug: "webkit_indexeddb", class: "WebkitIndexedDB", event: "indexeddb_record",
		what:     "WebKit IndexedDB folders (Containers/Data/Application/*/Library/WebKit/WebsiteData/IndexedDB)",
		patterns: []string{"private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/IndexedDB"},
		describe: func(r *webkitOrigin) string {
			return "IndexedDB folder " + r.Folder + " containing file for URL " + r.URL
		},
	}}
}

// Describe implements module.Module.
func (m *WebkitIndexedDB) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        m.r.slug,
		MVTName:     "WebkitIndexedDB",
		Description: "Sites that stored IndexedDB data in apps' WebKit views (folder names)",
		Artifact:    "Sites that stored data in apps' web views (IndexedDB)",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *WebkitIndexedDB) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return m.r.run(ctx, in, out)
}

// Recheck implements module.Rechecker on one record of webkit_indexeddb.json.
func (m *WebkitIndexedDB) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	return m.r.recheck(idx, raw, out)
}

package ios

import (
	"context"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// WebkitLocalStorage lists the sites that stored Local Storage data in any app's
// WebKit views.
type WebkitLocalStorage struct{ r webkitOriginFolders }

// NewWebkitLocalStorage returns the webkit_local_storage module.
func NewWebkitLocalStorage() *WebkitLocalStorage {
	return &WebkitLocalStorage{webkitOriginFolders{
		slug: "webkit_local_storage", class: "WebkitLocalStorage", event: "local_storage",
		what:     "WebKit LocalStorage folders (Containers/Data/Application/*/Library/WebKit/WebsiteData/LocalStorage)",
		patterns: []string{"private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/LocalStorage"},
		describe: func(r *webkitOrigin) string {
			return "WebKit Local Storage folder " + r.Folder + " containing file for URL " + r.URL
		},
	}}
}

// Describe implements module.Module.
func (m *WebkitLocalStorage) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        m.r.slug,
		MVTName:     "WebkitLocalStorage",
		Description: "Sites that stored Local Storage data in apps' WebKit views (folder names)",
		Artifact:    "Sites that stored data in apps' web views (Local Storage)",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *WebkitLocalStorage) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return m.r.run(ctx, in, out)
}

// Recheck implements module.Rechecker on one record of webkit_local_storage.json.
func (m *WebkitLocalStorage) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	return m.r.recheck(idx, raw, out)
}

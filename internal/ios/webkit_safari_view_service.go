package ios

import (
	"context"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// WebkitSafariViewService lists the sites opened in apps' in-app Safari
// views (SFSafariViewController), from the origin folders of their website
// data.
type WebkitSafariViewService struct{ r webkitOriginFolders }

// NewWebkitSafariViewService returns the webkit_safari_view_service module.
func NewWebkitSafariViewService() *WebkitSafariViewService {
	return &WebkitSafariViewService{webkitOriginFolders{
		slug: "webkit_safari_view_service", class: "WebkitSafariViewService", event: "webkit_safari_view_service",
		what:     "SafariViewService website data (Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData)",
		patterns: []string{"private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData"},
		describe: func(r *webkitOrigin) string {
			return "SafariViewService folder " + r.Folder + " containing file for URL " + r.URL
		},
	}}
}

// Describe implements module.Module.
func (m *WebkitSafariViewService) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        m.r.slug,
		MVTName:     "WebkitSafariViewService",
		Description: "Sites opened in in-app Safari views (SafariViewService website data folder names)",
		Artifact:    "Sites opened in in-app Safari views",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *WebkitSafariViewService) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return m.r.run(ctx, in, out)
}

// Recheck implements module.Rechecker on one record of webkit_safari_view_service.json.
func (m *WebkitSafariViewService) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	return m.r.recheck(idx, raw, out)
}

package ios

import "github.com/spyglass-forensics/spyglass/internal/source"

// SysdiagnoseFiles are the files, relative to a sysdiagnose's folder, that
// its modules read: a .tar.gz is read once, as a stream, and only these
// are kept (source.OpenSysdiagnose). A module that reads a new file of a
// sysdiagnose adds its query here.
func SysdiagnoseFiles() []string {
	var out []string
	for _, q := range []source.IOSQuery{
		shutdownLogFiles,
		{FSGlobs: []string{"ps.txt", "ps_thread.txt"}},
		crashLogFiles,
		mobileInstallationFiles,
		wifiKnownNetworksFiles,
	} {
		out = append(out, q.FSGlobs...)
	}
	return out
}

package cli

// writeHTMLReport writes report.html into a results folder.
// (Wired to internal/report's HTML writer once it lands.)
func writeHTMLReport(dir string, redact bool) error { return nil }

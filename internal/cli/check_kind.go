package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/source"
)

// kindCommands is the command that checks each kind of evidence.
var kindCommands = map[source.Kind]string{
	source.KindIOSBackup:     "ios check-backup",
	source.KindIOSFS:         "ios check-fs",
	source.KindSysdiagnose:   "ios check-sysdiagnose",
	source.KindAndroidQF:     "android check-androidqf",
	source.KindBugreport:     "android check-bugreport",
	source.KindAndroidBackup: "android check-backup",
	source.KindIntrusionLogs: "android check-intrusion-logs",
	source.KindResults:       "check-iocs",
}

// expectKind refuses evidence that looks like another kind than want, in
// one sentence naming what it looks like and the command to use: run by the
// wrong command, every module would find no data and the run would look
// clean. Evidence of no known kind (an empty folder) goes on: the verdict
// then says that nothing was checked.
func expectKind(cmd *cobra.Command, p string, want source.Kind) error {
	k, err := source.DetectKind(p)
	if err != nil || k == source.KindUnknown || k == want {
		return nil // runCheck reports an unreadable path
	}
	use := "no spyglass command checks it yet"
	if c, ok := kindCommands[k]; ok {
		if found, _, ferr := cmd.Root().Find(splitWords(c)); ferr == nil && found != nil && found.Name() != cmd.Root().Name() {
			use = "use `spyglass " + c + "`"
		}
	}
	return fmt.Errorf("%s looks like %s, not %s: %s", p, k.Describe(), want.Describe(), use)
}

func splitWords(s string) []string {
	var out []string
	word := ""
	for _, r := range s + " " {
		if r == ' ' {
			if word != "" {
				out = append(out, word)
			}
			word = ""
			continue
		}
		word += string(r)
	}
	return out
}

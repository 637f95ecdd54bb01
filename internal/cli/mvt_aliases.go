package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// MVT's spellings of commands spyglass has under other names, so that
// scripts written for mvt-ios and mvt-android keep working.

// mvtCheckIOCsAnnotation marks the ios/android check-iocs commands, which
// take MVT's form: without -o they print the detections and keep nothing
// (the top-level check-iocs insists on -o).
const mvtCheckIOCsAnnotation = "spyglass/mvt-check-iocs"

// newMVTCheckIOCsCmd is `ios check-iocs` / `android check-iocs`: the
// top-level check-iocs, with -o optional.
func newMVTCheckIOCsCmd(app *App) *cobra.Command {
	cmd := newCheckIOCsCmd(app)
	cmd.Args = cobra.ExactArgs(1)
	cmd.Short += " (MVT's spelling of spyglass check-iocs; without -o nothing is saved)"
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[mvtCheckIOCsAnnotation] = "1"
	return cmd
}

// newMVTDownloadIOCsCmd is `ios download-iocs` / `android download-iocs`:
// spyglass iocs update.
func newMVTDownloadIOCsCmd(app *App) *cobra.Command {
	cmd := newIOCsUpdateCmd(app)
	cmd.Use = "download-iocs"
	cmd.Short = "Download the latest public indicator feeds (MVT's spelling of spyglass iocs update)"
	return cmd
}

// androidQFURL is where AndroidQF, the acquisition tool, is published.
const androidQFURL = "https://github.com/mvt-project/androidqf"

// newAndroidCheckADBCmd is MVT's `android check-adb`, which read a phone
// over adb. spyglass only checks evidence already taken; it says what to
// use instead and fails, so that a script does not take it for a check.
func newAndroidCheckADBCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "check-adb",
		Short:              "Not supported: acquire the phone with AndroidQF, then run check-androidqf",
		DisableFlagParsing: true, // MVT's flags (--serial, -o...) get the same explanation
		RunE: func(*cobra.Command, []string) error {
			return codedError{ExitFail, errors.New("spyglass does not read a phone over adb: acquisition is AndroidQF's job (" +
				androidQFURL + "). Run AndroidQF with the phone connected, then check the folder it writes with `spyglass android check-androidqf FOLDER`")}
		},
	}
}

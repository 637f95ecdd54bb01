package cli

import (
	"runtime"

	"github.com/spf13/pflag"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// iocFlags are the indicator options every command that checks evidence
// shares: -i/--iocs (repeatable) and --no-default-iocs.
type iocFlags struct {
	paths     []string
	noDefault bool
}

func (f *iocFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&f.paths, "iocs", "i", nil, "indicator file (STIX 2) or folder searched for *.stix2 and *.json; repeatable")
	fs.BoolVar(&f.noDefault, "no-default-iocs", false, "do not load the embedded indicator snapshot")
}

// load builds the index in MVT's order: -i paths, SPYGLASS_IOCS and
// MVT_STIX2, the feeds downloaded by "iocs update", the embedded snapshot.
func (f *iocFlags) load(app *App) (*ioc.Index, *ioc.LoadReport, error) {
	return ioc.LoadAll(ioc.LoadOptions{
		Paths:     f.paths,
		Getenv:    app.Getenv,
		UserDir:   userIOCDir(app),
		NoDefault: f.noDefault,
	})
}

// userIOCDir is where "iocs update" stores feeds, from the App's
// environment.
func userIOCDir(app *App) string {
	getenv := app.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return ioc.UserDirFrom(getenv, runtime.GOOS)
}

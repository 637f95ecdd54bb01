package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/email"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

func newCheckEmailCmd(app *App) *cobra.Command {
	var f checkFlags
	var p phishFlags
	cmd := &cobra.Command{
		Use:   "check-email [flags] -o DIR PATH...",
		Short: "Check emails (.eml, mbox, folders, Maildir) for phishing",
		Long: `Check emails for phishing: senders, Reply-To, Return-Path, links and attachments against the
indicators; look-alikes of well-known services (or of your own domains, --protect); failed SPF,
DKIM or DMARC checks written by the receiving server; a sender name that imitates a service; replies
sent to another domain. PATH is an .eml file, an mbox file or a folder of them (recursively; a
Maildir works too). Forwarded messages (message/rfc822) are unwrapped and checked as well.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if _, err := os.Stat(a); err != nil {
					return fmt.Errorf("cannot read %s: %w", a, err)
				}
			}
			checker, err := p.checker()
			if err != nil {
				return err
			}
			mod := email.New(checker)
			if f.expandURLs {
				mod.WithExpander(ioc.NewExpander(app.HTTPClient))
			}
			mods := []module.Module{mod}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "check-email",
				target:       args[0],
				moreTargets:  args[1:],
				modules:      mods,
				platform:     "email",
				evidenceType: string(module.Email),
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					in.Source = args
					return jobsFor(mods, in, ""), nil, nil
				},
			})
		},
	}
	fl := cmd.Flags()
	f.iocs.register(fl)
	fl.StringVarP(&f.output, "output", "o", "", "folder for the results (created if missing)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only warnings, errors and the final summary")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print debug messages on the console")
	fl.BoolVar(&f.expandURLs, "expand-urls", false, "contact URL shorteners to expand short links (network access)")
	fl.BoolVar(&f.redact, "redact", false, "hide subjects and addresses in report.html (the JSON files keep them)")
	p.register(cmd)
	return cmd
}

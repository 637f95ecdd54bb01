package androidqf

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Package is one entry of packages.json, with AndroidQF's (and MVT's) field
// names.
type Package struct {
	Name       string        `json:"name"`
	Files      []PackageFile `json:"files"`
	Installer  string        `json:"installer"`
	UID        int64         `json:"uid"`
	Disabled   bool          `json:"disabled"`
	System     bool          `json:"system"`
	ThirdParty bool          `json:"third_party"`
}

// PackageFile is one APK of a package.
type PackageFile struct {
	Path                string       `json:"path"`
	LocalName           string       `json:"local_name"`
	MD5                 string       `json:"md5"`
	SHA1                string       `json:"sha1"`
	SHA256              string       `json:"sha256"`
	SHA512              string       `json:"sha512"`
	Error               string       `json:"error"`
	VerifiedCertificate bool         `json:"verified_certificate"`
	Certificate         *Certificate `json:"certificate,omitempty"`
	CertificateError    string       `json:"certificate_error"`
	TrustedCertificate  bool         `json:"trusted_certificate"`
}

// Certificate is the APK signing certificate as AndroidQF writes it
// (capitalised keys).
type Certificate struct {
	Md5                string `json:"Md5"`
	Sha1               string `json:"Sha1"`
	Sha256             string `json:"Sha256"`
	ValidFrom          string `json:"ValidFrom"`
	ValidTo            string `json:"ValidTo"`
	Issuer             string `json:"Issuer"`
	Subject            string `json:"Subject"`
	SignatureAlgorithm string `json:"SignatureAlgorithm"`
	// SerialNumber can exceed 64 bits; it is kept as the JSON number text.
	SerialNumber json.Number `json:"SerialNumber"`
}

// rootPackages are apps that root a phone or hide root (MVT's ROOT_PACKAGES).
var rootPackages = []string{
	"com.noshufou.android.su", "com.noshufou.android.su.elite", "eu.chainfire.supersu",
	"com.koushikdutta.superuser", "com.thirdparty.superuser", "com.yellowes.su",
	"com.koushikdutta.rommanager", "com.koushikdutta.rommanager.license",
	"com.dimonvideo.luckypatcher", "com.chelpus.lackypatch", "com.ramdroid.appquarantine",
	"com.ramdroid.appquarantinepro", "com.devadvance.rootcloak", "com.devadvance.rootcloakplus",
	"de.robv.android.xposed.installer", "com.saurik.substrate", "com.zachspong.temprootremovejb",
	"com.amphoras.hidemyroot", "com.amphoras.hidemyrootadfree", "com.formyhm.hiderootPremium",
	"com.formyhm.hideroot", "me.phh.superuser", "eu.chainfire.supersu.pro", "com.kingouser.com",
	"com.topjohnwu.magisk",
}

// securityPackages are vendor security/update agents that stalkerware
// disables to stay hidden.
var securityPackages = []string{
	"com.policydm", "com.samsung.android.app.omcagent", "com.samsung.android.securitylogagent",
	"com.sec.android.soagent",
}

// systemUpdatePackages deliver OTA updates; disabling them keeps a phone
// vulnerable.
var systemUpdatePackages = []string{
	"com.android.updater", "com.google.android.gms", "com.huawei.android.hwouc",
	"com.lge.lgdmsclient", "com.motorola.ccc.ota", "com.oneplus.opbackup", "com.oppo.ota",
	"com.transsion.systemupdate", "com.wssyncmldm",
}

var (
	thirdPartyStoreInstallers = []string{"com.aurora.store", "org.fdroid.fdroid"}
	browserInstallers         = []string{"com.google.android.packageinstaller", "com.android.packageinstaller"}
)

// The package heuristics.
var (
	hRootPackage = &alert.Heuristic{
		ID:     "android.packages.root_app",
		Title:  "Rooting app installed",
		Why:    "This app roots the phone or hides that it is rooted. Rooting removes Android's protections; some spyware is installed this way, though enthusiasts also root their own phones.",
		Action: "Ask the owner whether they rooted the phone themselves. If not, treat the phone as compromised.",
	}
	hThirdPartyStore = &alert.Heuristic{
		ID:     "android.packages.third_party_store",
		Title:  "App installed from an alternative store",
		Why:    "The app came from an app store other than Google Play (F-Droid, Aurora). This is common and usually innocent, but such apps skip Play's review.",
		Action: "Check that the owner knows and wants this app.",
	}
	hBrowserInstall = &alert.Heuristic{
		ID:     "android.packages.browser_install",
		Title:  "App installed from a downloaded file",
		Why:    "The app was installed by the package installer, i.e. from an APK file downloaded or received, not from a store. Stalkerware is usually installed this way by someone with the phone in hand.",
		Action: "Check that the owner knows this app and where it came from; look it up if the name is unfamiliar.",
	}
	hADBInstall = &alert.Heuristic{
		ID:     "android.packages.adb_install",
		Title:  "App installed over USB debugging",
		Why:    "A non-system app has no installer: it was installed over ADB (a computer connected with USB debugging) or by another unusual method. Developers do this; so does someone installing spyware on a borrowed phone.",
		Action: "Check that the owner knows this app and who installed it.",
	}
	hSecurityDisabled = &alert.Heuristic{
		ID:     "android.packages.security_disabled",
		Title:  "Security app disabled",
		Why:    "A vendor security or device-management agent is disabled. Spyware disables these to avoid detection; users rarely do.",
		Action: "Re-enable it and find out who disabled it.",
	}
	hUpdateDisabled = &alert.Heuristic{
		ID:     "android.packages.update_disabled",
		Title:  "System update app disabled",
		Why:    "The app that installs system updates is disabled, so the phone stops receiving security fixes, which keeps known exploits working.",
		Action: "Re-enable it and update the phone.",
	}
)

// Packages analyses packages.json: how each app was installed, and the app
// ids, APK hashes and signing certificates against the indicators.
type Packages struct{}

// Describe implements module.Module.
func (Packages) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "aqf_packages",
		MVTName:     "AQFPackages",
		Description: "Installed apps, their installers, APK hashes and signing certificates (packages.json)",
		Artifact:    "Installed apps, their installers and signing certificates",
		Evidence:    []module.Evidence{module.AndroidQF},
		Sensitive:   module.Fields{"Subject": module.NotPersonal},
		Version:     1,
	}
}

// Run implements module.Module.
func (m Packages) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	a, err := acquisition(in)
	if err != nil {
		return err
	}
	f, err := open(a, "packages.json")
	if err != nil {
		return err
	}
	defer f.Close()
	err = decodeList(f, func(p Package) error {
		out.Record(p)
		m.check(in.IOCs, p, out)
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("packages.json: %w", err)
	}
	return nil
}

// Recheck implements module.Rechecker.
func (m Packages) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var p Package
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("aqf_packages record: %w", err)
	}
	m.check(idx, p, out)
	return nil
}

func (Packages) check(idx *ioc.Index, p Package, out module.Emitter) {
	heur := func(l alert.Level, h *alert.Heuristic, msg string) {
		out.Alert(alert.Alert{Level: l, Message: msg, Event: p, Heuristic: h})
	}
	switch {
	case slices.Contains(rootPackages, p.Name):
		heur(alert.Medium, hRootPackage, fmt.Sprintf("Found an installed package related to rooting/jailbreaking: %q", p.Name))
	case slices.Contains(thirdPartyStoreInstallers, p.Installer):
		heur(alert.Informational, hThirdPartyStore, fmt.Sprintf("Found a package installed via a third party store (installer=%q): %q", p.Installer, p.Name))
	case slices.Contains(browserInstallers, p.Installer):
		heur(alert.Medium, hBrowserInstall, fmt.Sprintf("Found a package installed via a browser (installer=%q): %q", p.Installer, p.Name))
	case p.Installer == "null" && !p.System:
		heur(alert.Medium, hADBInstall, fmt.Sprintf("Found a non-system package installed via adb or another method: %q", p.Name))
	}
	if p.Disabled && slices.Contains(securityPackages, p.Name) {
		heur(alert.Medium, hSecurityDisabled, fmt.Sprintf("Security package %q disabled on the phone", p.Name))
	}
	if p.Disabled && slices.Contains(systemUpdatePackages, p.Name) {
		heur(alert.Medium, hUpdateDisabled, fmt.Sprintf("System OTA update package %q disabled on the phone", p.Name))
	}
	crit := func(msg string, match *ioc.Match) {
		out.Alert(alert.Alert{Level: alert.Critical, Message: msg, Event: p, Indicator: match.Indicator()})
	}
	if match := idx.CheckAppID(p.Name); match != nil {
		crit(iocMessage("app", p.Name, match), match)
	}
	for _, f := range p.Files {
		// MVT checks the SHA-256 only; the MD5 and SHA-1 are checked too
		// (one alert per APK), and so is every certificate hash.
		for _, h := range []string{f.SHA256, f.SHA1, f.MD5} {
			if match := idx.CheckHash(h); match != nil {
				crit(iocMessage("APK", f.Path+" ("+h+")", match), match)
				break
			}
		}
		if f.Certificate == nil {
			continue
		}
		for _, h := range []string{f.Certificate.Md5, f.Certificate.Sha1, f.Certificate.Sha256} {
			if match := idx.CheckCertHash(h); match != nil {
				crit(iocMessage("app signing certificate", h+" of "+p.Name, match), match)
				break
			}
		}
	}
}

package ios

import "github.com/spyglass-forensics/spyglass/internal/module"

// The evidence each iOS module reads; a module's descriptor names one.
var (
	iosBackup     = []module.Evidence{module.IOSBackup}
	iosFilesystem = []module.Evidence{module.IOSFilesystem}
	iosBoth       = []module.Evidence{module.IOSBackup, module.IOSFilesystem}
)

// Modules is every iOS module, once, in MVT's order: the backup-only ones,
// the filesystem-only ones, then those that read the same artifact from
// either. A command runs ModulesFor its evidence; adding a module means
// adding it here.
func Modules() []module.Module {
	return []module.Module{
		// backup only
		NewBackupInfo(),
		NewConfigurationProfiles(),
		NewManifest(),
		NewProfileEvents(),
		// filesystem dump only
		NewCacheFiles(),
		NewFilesystem(),
		NewNetusage(),
		NewAnalytics(),
		NewAnalyticsIOSVersions(),
		NewSafariFavicon(),
		NewShutdownLog(),
		NewIOSVersionHistory(),
		NewWebkitIndexedDB(),
		NewWebkitLocalStorage(),
		NewWebkitSafariViewService(),
		// both
		NewCalls(),
		NewChromeFavicon(),
		NewChromeHistory(),
		NewContacts(),
		NewFirefoxFavicon(),
		NewFirefoxHistory(),
		NewIDStatusCache(),
		NewInteractionC(),
		NewLocationdClients(),
		NewOSAnalyticsADDaily(),
		NewDatausage(),
		NewSafariBrowserState(),
		NewSafariHistory(),
		NewTCC(),
		NewSMS(),
		NewSMSAttachments(),
		NewWebkitResourceLoadStatistics(),
		NewWebkitSessionResourceLog(),
		NewWhatsapp(),
		NewWhatsappContacts(),
		NewShortcuts(),
		NewApplications(),
		NewCalendar(),
		NewGlobalPreferences(),
		// sysdiagnose only
		NewPS(),
		NewPSThread(),
		NewCrashLogs(),
		NewMobileInstallation(),
		NewWiFiKnownNetworks(),
	}
}

// ModulesFor is the modules that run on one kind of evidence, in order.
func ModulesFor(e module.Evidence) []module.Module { return module.ForEvidence(Modules(), e) }

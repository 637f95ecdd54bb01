package ios

import "github.com/spyglass-forensics/spyglass/internal/module"

// BackupModules lists, in MVT's order, every module run on an iTunes/Finder
// backup: the backup-only ones, then the mixed ones.
func BackupModules() []module.Module {
	mods := []module.Module{
		// group A: backup-only
		NewBackupInfo(),
		NewConfigurationProfiles(), // group C1
		NewManifest(),
		NewProfileEvents(), // group C1
	}
	return append(mods, mixedModules()...)
}

// FSModules lists, in MVT's order, every module run on a full filesystem
// dump: the filesystem-only ones, then the mixed ones.
func FSModules() []module.Module {
	mods := []module.Module{
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
	}
	return append(mods, mixedModules()...)
}

// mixedModules are the modules that read the same artifact from a backup or
// a filesystem dump, in MVT's order (WhatsappContacts before InteractionC is
// the run loop's concern: it passes dependencies in).
func mixedModules() []module.Module {
	return []module.Module{
		// group A
		NewCalls(),
		NewChromeFavicon(),  // group C2
		NewChromeHistory(),  // group C2
		NewContacts(),       // group C1
		NewFirefoxFavicon(), // group C2
		NewFirefoxHistory(), // group C2
		NewIDStatusCache(),  // group C1
		NewInteractionC(),
		NewLocationdClients(),   // group C1
		NewOSAnalyticsADDaily(), // group C1
		// end group A
		// group B
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
		NewShortcuts(),    // group C2
		NewApplications(), // group C2
		NewCalendar(),
		NewGlobalPreferences(),
		// end group B
	}
}

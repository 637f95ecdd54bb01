package report

import "strings"

// artifacts says, for people, what each module reads: the coverage table's
// "What it reads" column, finding headers and excerpt titles. One entry per
// module slug, so that the table can later move into the modules' own
// descriptors; TestArtifactsDescribeEveryModule fails when a module has no
// entry. MVT's slugs are the same as ours.
var artifacts = map[string]string{
	// iOS, backup and file system dump
	"applications":                    "Installed apps and where they came from (App Store metadata)",
	"backup_info":                     "Backup information: device model, iOS version, date (Info.plist)",
	"calendar":                        "Calendar events (Calendar.sqlitedb)",
	"calls":                           "Call history (CallHistory.storedata)",
	"chrome_favicon":                  "Chrome's icon cache: pages visited",
	"chrome_history":                  "Chrome browsing history",
	"configuration_profiles":          "Installed configuration profiles, which can change network and security settings",
	"contacts":                        "Address book (AddressBook.sqlitedb)",
	"datausage":                       "Network data usage per app and process (DataUsage.sqlite)",
	"firefox_favicon":                 "Firefox's icon cache: pages visited",
	"firefox_history":                 "Firefox browsing history",
	"global_preferences":              "Global system preferences, including Lockdown Mode",
	"id_status_cache":                 "iMessage and FaceTime account lookups",
	"interaction_c":                   "Recent interactions with contacts (interactionC.db)",
	"locationd_clients":               "Apps and services that used the location",
	"manifest":                        "List of files in the backup (Manifest.db)",
	"os_analytics_ad_daily":           "Daily network usage per process (iOS analytics)",
	"profile_events":                  "Configuration profile installations and removals",
	"safari_browser_state":            "Safari open tabs",
	"safari_history":                  "Safari browsing history (History.db)",
	"shortcuts":                       "Shortcuts automations and the addresses they use",
	"sms":                             "SMS and iMessage messages",
	"sms_attachments":                 "SMS and iMessage attachments",
	"tcc":                             "App permissions: camera, microphone, location… (TCC.db)",
	"webkit_resource_load_statistics": "Sites loaded by Safari and in-app browsers (WebKit statistics)",
	"webkit_session_resource_log":     "Redirects between sites while browsing (WebKit session log)",
	"whatsapp":                        "WhatsApp messages",
	"whatsapp_contacts":               "WhatsApp contacts and disappearing-message timers",
	// iOS file system dump only
	"analytics":                  "Keychain analytics events: processes and hosts",
	"analytics_ios_versions":     "iOS versions the phone ran (keychain analytics)",
	"cache_files":                "Web addresses in apps' download caches (Cache.db)",
	"filesystem":                 "Files and folders of the dump",
	"ios_version_history":        "iOS versions the phone ran (analytics journals)",
	"netusage":                   "Network usage per process (netusage.sqlite)",
	"safari_favicon":             "Safari's icon cache: pages visited (Favicons.db)",
	"shutdown_log":               "Processes still running at shutdown (shutdown.log)",
	"webkit_indexeddb":           "Sites that stored data in apps' web views (IndexedDB)",
	"webkit_local_storage":       "Sites that stored data in apps' web views (Local Storage)",
	"webkit_safari_view_service": "Sites opened in in-app Safari views",
	// AndroidQF acquisition
	"aqf_files":          "Files on the phone, with times and hashes (files.json)",
	"aqf_get_prop":       "System properties (getprop)",
	"aqf_log_timestamps": "Times of the log files the acquisition copied",
	"aqf_packages":       "Installed apps, their installers and signing certificates",
	"aqf_processes":      "Running processes",
	"aqf_settings":       "System settings",
	"mounts":             "Mounted file systems",
	"root_binaries":      "Rooting tools found on the phone",
	// Android bug report (and an acquisition's dumpsys.txt)
	"bugreport_timestamps":    "Times of the files in the bug report",
	"dbinfo":                  "Recent operations on app databases (dumpsys dbinfo)",
	"dumpsys_accessibility":   "Accessibility services: apps that can see and drive the screen",
	"dumpsys_activities":      "Apps registered to handle actions (dumpsys package)",
	"dumpsys_adb_state":       "Computers trusted for USB debugging (dumpsys adb)",
	"dumpsys_appops":          "App permission use, with times (appops)",
	"dumpsys_battery_daily":   "App installs, updates and removals per day (batterystats)",
	"dumpsys_battery_history": "App jobs, alarms and wake-ups (battery history)",
	"dumpsys_get_prop":        "System properties (bug report)",
	"dumpsys_packages":        "Installed apps and their permissions (dumpsys package)",
	"dumpsys_platform_compat": "Apps named in compatibility settings, even once removed",
	"dumpsys_receivers":       "Apps that receive SMS, calls and other events (dumpsys package)",
	"tombstones":              "Crash reports (tombstones)",
	// Android intrusion logging
	"connect_event":  "Network connections (intrusion logging)",
	"dns_event":      "Internet name lookups (intrusion logging)",
	"security_event": "Security events: debugging, app starts, certificates (intrusion logging)",
}

// androidArtifacts override artifacts where the same slug reads another
// thing on Android.
var androidArtifacts = map[string]string{
	"sms":   "SMS and MMS messages (telephony backup)",
	"calls": "Call log",
}

// nestedPrefix starts the slugs of the bug report modules that run on the
// bug report inside an AndroidQF acquisition (cli.nestedBugreportModules).
const nestedPrefix = "bugreport_"

// artifactNamer describes modules for people, for one platform.
func artifactNamer(platform string) func(string) string {
	return func(slug string) string { return ArtifactName(platform, slug) }
}

// ArtifactName says what the module named slug reads, for people; platform
// is "ios", "android" or "" (unknown). Unknown modules are shown by their
// slug.
func ArtifactName(platform, slug string) string {
	if platform == "android" {
		if d, ok := androidArtifacts[slug]; ok {
			return d
		}
	}
	if d, ok := artifacts[slug]; ok {
		return d
	}
	if rest, ok := strings.CutPrefix(slug, nestedPrefix); ok {
		if d, ok := artifacts[rest]; ok {
			return d + ", in the bug report"
		}
	}
	return slug
}

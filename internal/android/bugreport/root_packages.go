package bugreport

// IsRootPackage reports whether name is a package used to root a phone or to
// hide root (SuperSU, Magisk, Xposed, root cloakers): the 25 ids MVT lists.
// A switch rather than a package-level map keeps it free of mutable state.
func IsRootPackage(name string) bool {
	switch name {
	case "com.noshufou.android.su", "com.noshufou.android.su.elite", "eu.chainfire.supersu",
		"com.koushikdutta.superuser", "com.thirdparty.superuser", "com.yellowes.su",
		"com.koushikdutta.rommanager", "com.koushikdutta.rommanager.license",
		"com.dimonvideo.luckypatcher", "com.chelpus.lackypatch", "com.ramdroid.appquarantine",
		"com.ramdroid.appquarantinepro", "com.devadvance.rootcloak", "com.devadvance.rootcloakplus",
		"de.robv.android.xposed.installer", "com.saurik.substrate", "com.zachspong.temprootremovejb",
		"com.amphoras.hidemyroot", "com.amphoras.hidemyrootadfree", "com.formyhm.hiderootPremium",
		"com.formyhm.hideroot", "me.phh.superuser", "eu.chainfire.supersu.pro", "com.kingouser.com",
		"com.topjohnwu.magisk":
		return true
	}
	return false
}

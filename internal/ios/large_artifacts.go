package ios

// The modules whose artifacts grow with the phone's use: on a large backup
// each takes seconds, and starting them first keeps both cores busy to the
// end (module.LargeArtifact).

// LargeArtifact implements module.LargeArtifact.
func (*SMS) LargeArtifact() bool { return true }

// LargeArtifact implements module.LargeArtifact.
func (*SafariHistory) LargeArtifact() bool { return true }

// LargeArtifact implements module.LargeArtifact.
func (*Whatsapp) LargeArtifact() bool { return true }

// LargeArtifact implements module.LargeArtifact.
func (*Manifest) LargeArtifact() bool { return true }

package intrusionlogs

import "github.com/spyglass-forensics/spyglass/internal/module"

// Modules returns the intrusion-log modules in MVT's order. They share a
// *Logs as module.Input.Source; each reads the files once, streaming.
func Modules() []module.Module {
	return []module.Module{DNSEvent{}, ConnectEvent{}, SecurityEvent{}}
}

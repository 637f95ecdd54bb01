package androidqf

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func TestMissingArtifacts(t *testing.T) {
	a := dirAcq(t, map[string]string{"acquisition.json": "{}"})
	for _, m := range Modules() {
		_, err := run(t, m, a, indicators(t))
		if !errors.Is(err, module.ErrNoData) {
			t.Errorf("%s: err = %v, want ErrNoData", m.Describe().Slug, err)
		}
	}
}

func TestCorruptArtifacts(t *testing.T) {
	a := dirAcq(t, map[string]string{
		"packages.json":      `[{"name": "x"}, {"name": 5}]`,
		"files.json":         `[{"path": "/a", "size": "big"}]`,
		"root_binaries.json": `{"not": "a list"}`,
		"mounts.json":        `[1, 2]`,
		"processes.json":     `[{"pid": "x"}]`,
	})
	for _, m := range []module.Module{Packages{}, Files{}, RootBinaries{}, Mounts{}, Processes{}} {
		c := &module.Collector{}
		err := m.Run(t.Context(), &module.Input{Source: a, IOCs: indicators(t)}, c)
		if err == nil || errors.Is(err, module.ErrNoData) {
			t.Errorf("%s: err = %v, want a parse error", m.Describe().Slug, err)
		}
	}
}

func TestProcessesJSON(t *testing.T) {
	a := dirAcq(t, map[string]string{"processes.json": `[
		{"pid":1,"uid":0,"ppid":0,"filename":"(init)","state":"S","path":"/system/bin/init","context":"u:r:init:s0","command_line":["/system/bin/init","second_stage"]},
		{"pid":900,"uid":10100,"ppid":1,"filename":"(com.evil.spy)","state":"S","path":"/system/bin/app_process64","command_line":["com.evil.spyware:remote"]}]`})
	c, _ := run(t, Processes{}, a, indicators(t, "[process:name='com.evil.spyware:remote']"))
	if len(c.Records) != 2 || c.Records[1].(Process).ProcName != "com.evil.spyware:remote" {
		t.Fatalf("records = %+v", c.Records)
	}
	if len(c.AlertsAt(alert.Critical)) != 1 {
		t.Errorf("alerts = %+v", c.Alerts)
	}
}

func TestPSLines(t *testing.T) {
	tests := []struct {
		line string
		want Process
		ok   bool
	}{
		{"root 1 0 57912 2084 0 0 S init", Process{User: "root", PID: 1, VSZ: 57912, RSS: 2084, WChan: "0", Addr: "0", Stat: "S", ProcName: "init"}, true},
		{"u:r:init:s0 root 1 0 57912 2084 SyS_epoll_wait 0 S init", Process{User: "root", PID: 1, VSZ: 57912, RSS: 2084, WChan: "SyS_epoll_wait", Addr: "0", Stat: "S", ProcName: "init", Label: "u:r:init:s0"}, true},
		{"system 500 1 100 50 0 S system_server", Process{User: "system", PID: 500, PPID: 1, VSZ: 100, RSS: 50, Addr: "0", Stat: "S", ProcName: "system_server"}, true},
		{"root x 0 1 1 0 0 S init", Process{}, false},
		{"", Process{}, false},
	}
	for _, tt := range tests {
		got, ok := parsePSLine(tt.line)
		if ok != tt.ok || got.ProcName != tt.want.ProcName || got.WChan != tt.want.WChan || got.Label != tt.want.Label || got.PPID != tt.want.PPID {
			t.Errorf("parsePSLine(%q) = %+v %v, want %+v", tt.line, got, ok, tt.want)
		}
	}
}

func TestFilesNDJSONAndTmp(t *testing.T) {
	a := dirAcq(t, map[string]string{
		"getprop.txt": "[persist.sys.timezone]: [Europe/Rome]\n",
		"files.json": `{"path":"/data/local/tmp/collector","mode":"-rwxr-xr-x","modified_time":1700000000,"access_time":1700000000,"changed_time":1700000000}
{"path":"/data/local/tmp/x","mode":"-rwxr-xr-x","modified_time":1700000000,"access_time":1700000001,"changed_time":1700000002,"sha256":"570CD76BF49CF52E0CB347A68BDCF0590B2EAECE134E1B1EBA7E8D66261BDBE6"}
`})
	c, _ := run(t, Files{}, a, indicators(t))
	if len(c.Records) != 2 {
		t.Fatalf("records = %d", len(c.Records))
	}
	f := c.Records[1].(File)
	if f.ModifiedTime != "2023-11-14 23:13:20.000000" { // 22:13:20 UTC in Rome
		t.Errorf("modified_time = %q", f.ModifiedTime)
	}
	if len(c.AlertsAt(alert.High)) != 1 || !strings.Contains(c.AlertsAt(alert.High)[0].Message, "executable file") {
		t.Errorf("high alerts = %+v", c.AlertsAt(alert.High))
	}
	if len(c.AlertsAt(alert.Critical)) != 1 { // the test SHA-256, upper-case
		t.Errorf("critical alerts = %+v", c.AlertsAt(alert.Critical))
	}
	if len(c.Events) != 1+3 {
		t.Errorf("timeline = %d events", len(c.Events))
	}
}

func TestOldPatchLevel(t *testing.T) {
	a := dirAcq(t, map[string]string{"getprop.txt": "[ro.build.version.security_patch]: [2024-01-05]\n"})
	now := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	c, _ := run(t, GetProp{Now: now}, a, indicators(t))
	if len(c.Alerts) != 0 {
		t.Errorf("recent patch flagged: %+v", c.Alerts)
	}
	now = func() time.Time { return time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC) }
	c, _ = run(t, GetProp{Now: now}, a, indicators(t))
	if len(c.AlertsAt(alert.Medium)) != 1 {
		t.Errorf("old patch not flagged: %+v", c.Alerts)
	}
}

func TestMounts(t *testing.T) {
	a := dirAcq(t, map[string]string{"mounts.json": `[
		"/dev/block/dm-12 on / type ext4 (ro,seclabel,noatime)",
		"/dev/block/dm-1 on /system type ext4 (rw,seclabel,relatime)",
		"/dev/block/dm-2 on /vendor type ext4 (ro,seclabel,noatime)",
		"/dev/block/dm-3 on /product type ext4 (ro,remount)",
		"tmpfs on /dev type tmpfs",
		"garbage line"]`})
	c, _ := run(t, Mounts{}, a, indicators(t))
	if len(c.Records) != 5 {
		t.Errorf("records = %d, want 5", len(c.Records))
	}
	// /system rw → HIGH, plus its rw option → MEDIUM; /product remount → MEDIUM;
	// /vendor noatime is allowed.
	if len(c.AlertsAt(alert.High)) != 1 || len(c.AlertsAt(alert.Medium)) != 2 {
		t.Errorf("alerts = %+v", c.Alerts)
	}
}

func TestSettingsNamespaces(t *testing.T) {
	a := dirAcq(t, map[string]string{
		"settings_secure.txt": "accessibility_enabled=1\ninstall_non_market_apps=0\nnoequals\n",
		"settings_global.txt": "package_verifier_enable=0\nadb_install_need_confirm=1\n",
	})
	c, _ := run(t, Settings{}, a, indicators(t))
	res := c.Single.(SettingsResult)
	if len(res) != 2 || res["secure"]["accessibility_enabled"] != "1" {
		t.Errorf("result = %v", res)
	}
	if len(c.AlertsAt(alert.Medium)) != 2 {
		t.Errorf("alerts = %+v", c.Alerts)
	}
}

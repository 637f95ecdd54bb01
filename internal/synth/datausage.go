package synth

import "fmt"

// systemProcesses are daemons of a stock iPhone that use the network; apps
// are written "Name/bundle.id" with the bundle in ZBUNDLENAME, as iOS does.
var systemProcesses = []string{
	"mDNSResponder", "apsd", "nsurlsessiond", "itunesstored", "mobileassetd", "softwareupdateservicesd",
	"cloudd", "identityservicesd", "assistantd", "locationd", "timed", "trustd", "CommCenter", "geod",
	"dataaccessd", "akd", "appstored", "parsecd", "kbd", "mediaserverd", "nehelper", "symptomsd",
	"wifid", "remindd", "healthd", "bird", "passd", "rapportd", "sharingd", "imagent", "callservicesd",
	"nsurlstoraged", "storebookkeeperd", "mobileactivationd", "gamed", "calaccessd", "routined",
	"searchpartyd", "coreduetd", "mediaremoted", "duetexpertd", "photoanalysisd", "cloudphotod",
}

var userApps = []struct{ name, bundle string }{
	{"MobileSafari", "com.apple.mobilesafari"}, {"MobileMail", "com.apple.mobilemail"},
	{"Maps", "com.apple.Maps"}, {"Music", "com.apple.Music"}, {"Podcasts", "com.apple.podcasts"},
	{"News", "com.apple.news"}, {"Weather", "com.apple.weather"}, {"AppStore", "com.apple.AppStore"},
	{"WhatsApp", "net.whatsapp.WhatsApp"}, {"Signal", "org.whispersystems.signal"},
	{"Telegram", "ph.telegra.Telegraph"}, {"Spotify", "com.spotify.client"},
	{"YouTube", "com.google.ios.youtube"}, {"Gmail", "com.google.Gmail"},
}

// processName returns the i-th process of the phone: system daemons, then
// apps, then (for large cases) numbered apps.
func processName(i int) (name, bundle string) {
	if i < len(systemProcesses) {
		return systemProcesses[i], ""
	}
	i -= len(systemProcesses)
	if i < len(userApps) {
		a := userApps[i]
		return a.name + "/" + a.bundle, a.bundle
	}
	i -= len(userApps)
	bundle = fmt.Sprintf("org.synthetic.app%d", i)
	return fmt.Sprintf("App%d/%s", i, bundle), bundle
}

func writeDataUsage(path string, s *Spec) error {
	g := newGen(s.Seed, "datausage")
	traces := s.traces(DataUsageProcess)
	total := s.DataUsageProcesses + len(traces)
	w, err := createDB(path, dataUsageSchema)
	if err != nil {
		return err
	}
	defer w.close()
	planted := spread(len(traces), total)
	// Process numbers are contiguous (a gap is itself a finding), and every
	// process but a few has one live-usage row.
	nLive := 0
	err = w.load(func(l *loader) error {
		proc, err := l.prepare(`INSERT INTO ZPROCESS (Z_PK, Z_ENT, Z_OPT, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME) VALUES (?, 7, 1, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		live, err := l.prepare(`INSERT INTO ZLIVEUSAGE (Z_PK, Z_ENT, Z_OPT, ZKIND, ZMETADATA, ZTAG, ZHASPROCESS, ZBILLCYCLEEND, ZTIMESTAMP, ZWIFIIN, ZWIFIOUT, ZWWANIN, ZWWANOUT)
			VALUES (?, 5, 1, 0, 0, 0, ?, NULL, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		benign := 0
		for i := 0; i < total; i++ {
			var name, bundle any
			if j, ok := planted[i]; ok {
				name = traces[j].Value // spyware daemons have no bundle id
			} else {
				n, b := processName(benign)
				benign++
				name = n
				if b != "" {
					bundle = b
				}
			}
			first := g.timeAt(i, total)
			last := first + g.float()*(macBase+spanSeconds-first)
			last = float64(int64(last*1e6)) / 1e6
			if err := proc.row(i+1, first, last, bundle, name); err != nil {
				return err
			}
			if g.chance(0.05) {
				continue // no live usage recorded
			}
			nLive++
			wifiIn, wifiOut := float64(g.intn(500_000_000)), float64(g.intn(50_000_000))
			wwanIn, wwanOut := float64(g.intn(100_000_000)), float64(g.intn(10_000_000))
			if err := live.row(nLive, i+1, last, wifiIn, wifiOut, wwanIn, wwanOut); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = w.load(func(l *loader) error {
		pk, err := l.prepare(`INSERT INTO Z_PRIMARYKEY (Z_ENT, Z_NAME, Z_SUPER, Z_MAX) VALUES (?, ?, 0, ?)`)
		if err != nil {
			return err
		}
		for i, e := range dataUsageEntities {
			maxPK := 0
			switch e {
			case "Process":
				maxPK = total
			case "LiveUsage":
				maxPK = nLive
			}
			if err := pk.row(i+1, e, maxPK); err != nil {
				return err
			}
		}
		md, err := l.prepare(`INSERT INTO Z_METADATA (Z_VERSION, Z_UUID, Z_PLIST) VALUES (1, ?, NULL)`)
		if err != nil {
			return err
		}
		return md.row(g.uuid())
	})
	if err != nil {
		return err
	}
	return w.close()
}

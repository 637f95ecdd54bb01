package synth

import (
	"fmt"
	"math/rand/v2"
)

// gen is one artifact's deterministic random stream. Each artifact has its
// own stream (seeded from the Spec's seed and the artifact's name), so that
// changing one count does not change the content of the other artifacts.
type gen struct {
	r *rand.Rand
}

func newGen(seed int64, artifact string) *gen {
	var h uint64 = 14695981039346656037 // FNV-1a of the artifact name
	for i := 0; i < len(artifact); i++ {
		h ^= uint64(artifact[i])
		h *= 1099511628211
	}
	return &gen{r: rand.New(rand.NewPCG(uint64(seed), h))}
}

func (g *gen) intn(n int) int { return g.r.IntN(n) }

func (g *gen) float() float64 { return g.r.Float64() }

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// uuid is an upper-case RFC 4122 version-4 UUID, as iOS writes message and
// tab GUIDs.
func (g *gen) uuid() string {
	a, b := g.r.Uint64(), g.r.Uint64()
	a = a&^0xf000 | 0x4000
	b = b&^(3<<62) | 2<<62
	return fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// phone is a number in a range reserved for fiction (+1 555 01xx style
// numbers would be too few; 555 exchanges are unassigned in practice).
func (g *gen) phone() string {
	return fmt.Sprintf("+1%03d555%04d", 200+g.r.IntN(780), g.r.IntN(10000))
}

// hexString returns n random lower-case hex digits.
func (g *gen) hexString(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

// Time: every artifact spans one year from 2024-01-01 00:00:00 UTC, in Mac
// absolute time (seconds since 2001-01-01), the epoch of every database
// written here.
const (
	macBase       = 725760000.0 // 2024-01-01 in Mac absolute time
	spanSeconds   = 365 * 86400.0
	unixMacOffset = 978307200 // 2001-01-01 in Unix seconds
)

// timeAt spreads n events over the year in order: event i gets a time in
// its own slot, so ROWID order is date order, as on a phone.
func (g *gen) timeAt(i, n int) float64 {
	slot := spanSeconds / float64(max(n, 1))
	t := macBase + float64(i)*slot + g.r.Float64()*slot
	// Whole microseconds: the values round-trip exactly through REAL.
	return float64(int64(t*1e6)) / 1e6
}

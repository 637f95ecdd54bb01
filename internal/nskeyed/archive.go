// Package nskeyed decodes NSKeyedArchiver archives: binary or XML property
// lists whose $objects table is a graph linked by UIDs. Archives come from
// evidence, so resolution is bounded: a depth limit, cycle detection and a
// budget on the number of values produced (a DAG that shares objects could
// otherwise expand exponentially).
package nskeyed

import (
	"errors"
	"fmt"
	"math"
	"time"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/plistsafe"
)

// Limits on what one archive may cost.
const (
	// MaxArchive is the largest archive accepted, in bytes.
	MaxArchive = 16 << 20
	maxDepth   = 64
	maxValues  = 1 << 16
)

// Errors a hostile or damaged archive produces.
var (
	ErrNotArchive = errors.New("not an NSKeyedArchiver archive")
	ErrCycle      = errors.New("NSKeyedArchiver archive has a reference cycle")
	ErrTooDeep    = errors.New("NSKeyedArchiver archive is nested too deeply")
	ErrTooLarge   = errors.New("NSKeyedArchiver archive expands to too many values")
	ErrBadRef     = errors.New("NSKeyedArchiver reference out of range")
)

// Object is an archived instance of a class without a dedicated decoding
// (MBFile, for one): its class name and its resolved fields.
type Object struct {
	Class   string
	Classes []string
	Fields  map[string]any
}

// Archive is a parsed archive, ready to resolve.
type Archive struct {
	objects []any
	top     map[string]any
}

// Parse reads an archive. It checks the envelope only; values are resolved
// on demand by Top.
func Parse(data []byte) (*Archive, error) {
	if len(data) > MaxArchive {
		return nil, fmt.Errorf("%w: %d bytes is too large", ErrNotArchive, len(data))
	}
	var raw map[string]any
	if err := plistsafe.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotArchive, err)
	}
	if a, _ := raw["$archiver"].(string); a != "NSKeyedArchiver" {
		return nil, fmt.Errorf("%w: $archiver is %q", ErrNotArchive, a)
	}
	objs, ok := raw["$objects"].([]any)
	if !ok {
		return nil, fmt.Errorf("%w: no $objects array", ErrNotArchive)
	}
	top, ok := raw["$top"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: no $top dictionary", ErrNotArchive)
	}
	return &Archive{objects: objs, top: top}, nil
}

// Top resolves the top-level value named key ("root" for most archives).
func (a *Archive) Top(key string) (any, error) {
	v, ok := a.top[key]
	if !ok {
		return nil, fmt.Errorf("%w: $top has no %q", ErrNotArchive, key)
	}
	r := resolver{a: a, visiting: map[plist.UID]bool{}}
	return r.resolve(v, 0)
}

type resolver struct {
	a        *Archive
	visiting map[plist.UID]bool
	values   int
}

// resolve turns v into plain Go values: nil, string, []byte, bool, int64,
// uint64, float64, time.Time, []any, map[string]any or *Object.
func (r *resolver) resolve(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, ErrTooDeep
	}
	r.values++
	if r.values > maxValues {
		return nil, ErrTooLarge
	}
	switch x := v.(type) {
	case plist.UID:
		return r.ref(x, depth)
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			ev, err := r.resolve(e, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, ev)
		}
		return out, nil
	case map[string]any:
		if _, ok := x["$class"]; ok {
			return r.instance(x, depth)
		}
		return r.fields(x, depth)
	default:
		return v, nil
	}
}

func (r *resolver) ref(u plist.UID, depth int) (any, error) {
	if uint64(u) >= uint64(len(r.a.objects)) {
		return nil, fmt.Errorf("%w: UID %d of %d objects", ErrBadRef, u, len(r.a.objects))
	}
	o := r.a.objects[u]
	if s, ok := o.(string); ok && s == "$null" {
		return nil, nil
	}
	if r.visiting[u] {
		return nil, fmt.Errorf("%w at UID %d", ErrCycle, u)
	}
	r.visiting[u] = true
	defer delete(r.visiting, u)
	return r.resolve(o, depth+1)
}

func (r *resolver) fields(m map[string]any, depth int) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, e := range m {
		if k == "$class" {
			continue
		}
		ev, err := r.resolve(e, depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = ev
	}
	return out, nil
}

// instance decodes an archived object, with the Foundation classes that
// carry plain data turned into Go values.
func (r *resolver) instance(m map[string]any, depth int) (any, error) {
	name, classes, err := r.class(m["$class"])
	if err != nil {
		return nil, err
	}
	switch name {
	case "NSData", "NSMutableData":
		return r.expect(m, "NS.data", depth, func(v any) bool { _, ok := v.([]byte); return ok || v == nil })
	case "NSString", "NSMutableString":
		return r.expect(m, "NS.string", depth, func(v any) bool { _, ok := v.(string); return ok || v == nil })
	case "NSArray", "NSMutableArray", "NSSet", "NSMutableSet", "NSOrderedSet", "NSMutableOrderedSet":
		return r.expect(m, "NS.objects", depth, func(v any) bool { _, ok := v.([]any); return ok || v == nil })
	case "NSDate":
		t, err := r.resolve(m["NS.time"], depth+1)
		if err != nil {
			return nil, err
		}
		f, ok := toFloat(t)
		if !ok || math.IsNaN(f) || math.Abs(f) > 1e12 {
			return nil, fmt.Errorf("%w: NSDate with NS.time %v", ErrNotArchive, t)
		}
		return cocoaEpoch.Add(time.Duration(f * float64(time.Second))), nil
	case "NSDictionary", "NSMutableDictionary":
		return r.dictionary(m, depth)
	}
	f, err := r.fields(m, depth)
	if err != nil {
		return nil, err
	}
	return &Object{Class: name, Classes: classes, Fields: f}, nil
}

var cocoaEpoch = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

func (r *resolver) expect(m map[string]any, key string, depth int, ok func(any) bool) (any, error) {
	v, err := r.resolve(m[key], depth+1)
	if err != nil {
		return nil, err
	}
	if !ok(v) {
		return nil, fmt.Errorf("%w: %s holds %T", ErrNotArchive, key, v)
	}
	return v, nil
}

func (r *resolver) dictionary(m map[string]any, depth int) (map[string]any, error) {
	keys, _ := m["NS.keys"].([]any)
	vals, _ := m["NS.objects"].([]any)
	if len(keys) != len(vals) {
		return nil, fmt.Errorf("%w: dictionary with %d keys and %d values", ErrNotArchive, len(keys), len(vals))
	}
	out := make(map[string]any, len(keys))
	for i := range keys {
		k, err := r.resolve(keys[i], depth+1)
		if err != nil {
			return nil, err
		}
		v, err := r.resolve(vals[i], depth+1)
		if err != nil {
			return nil, err
		}
		out[fmt.Sprint(k)] = v
	}
	return out, nil
}

// class reads a $class reference: {"$classname": …, "$classes": […]}.
func (r *resolver) class(v any) (string, []string, error) {
	u, ok := v.(plist.UID)
	if !ok {
		return "", nil, fmt.Errorf("%w: $class is %T, not a reference", ErrNotArchive, v)
	}
	if uint64(u) >= uint64(len(r.a.objects)) {
		return "", nil, fmt.Errorf("%w: $class UID %d of %d objects", ErrBadRef, u, len(r.a.objects))
	}
	c, ok := r.a.objects[u].(map[string]any)
	if !ok {
		return "", nil, fmt.Errorf("%w: $class UID %d is not a class description", ErrNotArchive, u)
	}
	name, _ := c["$classname"].(string)
	if name == "" {
		return "", nil, fmt.Errorf("%w: class without $classname", ErrNotArchive)
	}
	var classes []string
	if cs, ok := c["$classes"].([]any); ok {
		for _, e := range cs {
			if s, ok := e.(string); ok {
				classes = append(classes, s)
			}
		}
	}
	return name, classes, nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

package cli

// pathInside reports whether p, once symbolic links in its existing part
// are resolved, is root or lies inside it (a link can point into the
// evidence from anywhere).
func pathInside(p, root string) bool {
	rp, err1 := resolveExisting(p)
	rr, err2 := resolveExisting(root)
	return err1 == nil && err2 == nil && isWithin(rp, rr)
}

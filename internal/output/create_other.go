//go:build !unix

package output

// oNoFollow: Windows' CREATE_NEW (O_CREATE|O_EXCL) already fails on any
// existing name, a link included.
const oNoFollow = 0

package web

import "unsafe"

// view is b read as a string without copying, for parsing a request's
// header values in place: fasthttp hands them out as bytes that live as
// long as the request. The string must not outlive the request nor be
// kept anywhere; whatever is kept is copied (string(b)) instead.
func view(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

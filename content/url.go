package content

import "strings"

// DisplayURL is how a link is written where room is short: without the
// scheme, a leading "www." or a trailing slash ("https://www.example.com/in/x/"
// reads "example.com/in/x"). The link itself keeps the full address; a
// mailto: or tel: link shows what follows the scheme.
func DisplayURL(u string) string {
	for _, p := range []string{"mailto:", "tel:"} {
		if rest, ok := strings.CutPrefix(u, p); ok {
			return rest
		}
	}
	for _, p := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(u, p); ok {
			u = rest
			break
		}
	}
	return strings.TrimSuffix(strings.TrimPrefix(u, "www."), "/")
}

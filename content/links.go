package content

import (
	"net/url"
	"strings"
)

// Link turns a URL as people write it into an absolute one a renderer can
// link to: "https://…" and "mailto:…" stay, "github.com/someone" and
// "//host/x" become https links, a path such as "/projects/x.html" is
// resolved against base (basics.url, when that is absolute). It returns ""
// when s cannot be a link; s is then shown as text.
func Link(s, base string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\n<>\"") {
		return ""
	}
	l := strings.ToLower(s)
	for _, scheme := range []string{"https://", "http://", "mailto:", "tel:"} {
		if strings.HasPrefix(l, scheme) {
			return s
		}
	}
	if strings.HasPrefix(s, "//") {
		return "https:" + s
	}
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
		b, err := url.Parse(Link(base, ""))
		if err != nil || b.Scheme == "" || b.Host == "" {
			return ""
		}
		ref, err := url.Parse(s)
		if err != nil {
			return ""
		}
		return b.ResolveReference(ref).String()
	}
	if strings.Contains(s, ":") && !strings.Contains(strings.SplitN(s, "/", 2)[0], ".") {
		return "" // another scheme (javascript:, data:, ftp:): not a link
	}
	host := strings.SplitN(s, "/", 2)[0]
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	if !strings.Contains(host, ".") || strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") {
		return ""
	}
	u, err := url.Parse("https://" + s)
	if err != nil || u.Host == "" {
		return ""
	}
	return "https://" + s
}

package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
)

// Content types of the representations.
const (
	typeHTML     = "text/html; charset=utf-8"
	typeText     = "text/plain; charset=utf-8"
	typeMarkdown = "text/markdown; charset=utf-8"
	typeJSON     = "application/json"
	typeSVG      = "image/svg+xml"
)

// minCompress is the size under which compressing is not worth a header.
const minCompress = 512

// asset is one representation as served: its bytes, compressed in
// advance with gzip and Brotli, and its validators. Header values are made
// once too, so serving one is a few map assignments and a write.
type asset struct {
	typ  string
	etag string // strong, unquoted; the encodings add a suffix
	mod  time.Time
	raw  []byte
	gz   []byte // nil when not worth it
	br   []byte

	// The header values of each encoding, and those all share.
	identity, gzip, brotli variant
	typeH, modH            []string
}

// variant is one encoding of an asset, ready to write.
type variant struct {
	body           []byte
	etag, length   []string
	encoding, vary []string // nil when none
}

func newAsset(typ string, body []byte, mod time.Time) *asset {
	return compressedAt(typ, body, mod, brotli.BestCompression)
}

// compressedAt is an asset with its Brotli at level: the best (11) for
// what is built once per load, about 20 ms for the page; a fast level for
// what visitors make on demand.
func compressedAt(typ string, body []byte, mod time.Time, level int) *asset {
	a := uncompressed(typ, body, mod)
	if len(body) >= minCompress {
		a.gz = gzipBytes(body)
		a.br = brotliBytes(body, level)
		vary := []string{"Accept-Encoding"}
		a.identity.vary = vary
		a.gzip = a.variant(a.gz, "gzip", vary)
		a.brotli = a.variant(a.br, "br", vary)
	}
	return a
}

// uncompressed is an asset served only as it is.
func uncompressed(typ string, body []byte, mod time.Time) *asset {
	sum := sha256.Sum256(body)
	a := &asset{
		typ:   typ,
		etag:  base64.RawURLEncoding.EncodeToString(sum[:12]),
		mod:   mod,
		raw:   body,
		typeH: []string{typ},
		modH:  []string{mod.Format(http.TimeFormat)},
	}
	a.identity = a.variant(body, "", nil)
	return a
}

func (a *asset) variant(body []byte, enc string, vary []string) variant {
	v := variant{
		body:   body,
		etag:   []string{`"` + a.etag + suffix(enc) + `"`},
		length: []string{strconv.Itoa(len(body))},
		vary:   vary,
	}
	if enc != "" {
		v.encoding = []string{enc}
	}
	return v
}

// cacheFor is how long a browser or cache may keep a response without
// asking again: short, because the owner may edit the résumé at any time,
// and revalidating costs a 304.
var (
	cacheFor = []string{"public, max-age=300"}
	noStore  = []string{"no-store"}
)

// serve writes the asset for r: 304 when the client's copy is current,
// else the best encoding the client accepts. status is 200 but for the
// not-found page. The header keys are written in their canonical form.
func (a *asset) serve(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	v := &a.identity
	if a.gz != nil {
		switch acceptEncoding(r.Header.Get("Accept-Encoding")) {
		case "br":
			v = &a.brotli
		case "gzip":
			v = &a.gzip
		}
	}
	if v.vary != nil {
		if old := h["Vary"]; old == nil {
			h["Vary"] = v.vary // shared; a later append copies it (full slice)
		} else {
			h["Vary"] = append(old, v.vary...)
		}
	}
	if status == http.StatusOK {
		h["Etag"] = v.etag
		h["Last-Modified"] = a.modH
		h["Cache-Control"] = cacheFor
		if notModified(r, a) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		h["Cache-Control"] = noStore
	}
	h["Content-Type"] = a.typeH
	if v.encoding != nil {
		h["Content-Encoding"] = v.encoding
	}
	h["Content-Length"] = v.length
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(v.body)
	}
}

func suffix(enc string) string {
	if enc == "" {
		return ""
	}
	return "-" + enc
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func brotliBytes(b []byte, level int) []byte {
	var buf bytes.Buffer
	bw := brotli.NewWriterLevel(&buf, level)
	_, _ = bw.Write(b)
	_ = bw.Close()
	return buf.Bytes()
}

// notModified applies If-None-Match (any encoding of this asset matches:
// they are the same bytes once decoded) or, without it, If-Modified-Since.
func notModified(r *http.Request, a *asset) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" {
				return true
			}
			tag = strings.Trim(tag, `"`)
			if tag == a.etag || tag == a.etag+"-gzip" || tag == a.etag+"-br" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !a.mod.After(t)
	}
	return false
}

// acceptEncoding picks br, gzip or "" (identity) from an Accept-Encoding
// header, honouring q-values; on a tie Brotli wins, being smaller. It
// allocates nothing: it runs on every request.
func acceptEncoding(header string) string {
	br, gz, star := -1.0, -1.0, -1.0
	for rest := header; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		name, q := parseQ(part)
		switch {
		case name == "br" && br < 0:
			br = q
		case name == "gzip" && gz < 0:
			gz = q
		case name == "*" && star < 0:
			star = q
		}
	}
	if br < 0 {
		br = max(star, 0)
	}
	if gz < 0 {
		gz = max(star, 0)
	}
	switch {
	case br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}

// parseQ splits "name;q=0.5" into its lower-case name and weight (1 when
// absent; 0 when malformed).
func parseQ(part string) (string, float64) {
	name, params, _ := strings.Cut(part, ";")
	name = lower(strings.TrimSpace(name))
	q := 1.0
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				return name, 0
			}
			q = f
		}
	}
	return name, q
}

// lower is strings.ToLower without the copy when s is lower case already,
// as header tokens nearly always are.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

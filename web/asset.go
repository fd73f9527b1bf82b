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
// advance with gzip and Brotli, and its validators.
type asset struct {
	typ  string
	etag string // strong, quoted; the encodings add a suffix
	mod  time.Time
	raw  []byte
	gz   []byte // nil when not worth it
	br   []byte
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
	}
	return a
}

// uncompressed is an asset served only as it is.
func uncompressed(typ string, body []byte, mod time.Time) *asset {
	sum := sha256.Sum256(body)
	return &asset{typ: typ, etag: base64.RawURLEncoding.EncodeToString(sum[:12]), mod: mod, raw: body}
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

// cacheFor is how long a browser or cache may keep a response without
// asking again: short, because the owner may edit the résumé at any time,
// and revalidating costs a 304.
const cacheFor = "public, max-age=300"

// serve writes the asset for r: 304 when the client's copy is current,
// else the best encoding the client accepts. status is 200 but for the
// not-found page.
func (a *asset) serve(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	body, enc := a.raw, ""
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		switch acceptEncoding(r.Header.Get("Accept-Encoding")) {
		case "br":
			body, enc = a.br, "br"
		case "gzip":
			body, enc = a.gz, "gzip"
		}
	}
	if status == http.StatusOK {
		etag := `"` + a.etag + suffix(enc) + `"`
		h.Set("ETag", etag)
		h.Set("Last-Modified", a.mod.Format(http.TimeFormat))
		h.Set("Cache-Control", cacheFor)
		if notModified(r, a) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Type", a.typ)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func suffix(enc string) string {
	if enc == "" {
		return ""
	}
	return "-" + enc
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
// header, honouring q-values; on a tie Brotli wins, being smaller.
func acceptEncoding(header string) string {
	if header == "" {
		return ""
	}
	qs := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		if name, q := parseQ(part); name != "" {
			if _, dup := qs[name]; !dup {
				qs[name] = q
			}
		}
	}
	weight := func(name string) float64 {
		if q, ok := qs[name]; ok {
			return q
		}
		return qs["*"]
	}
	br, gz := weight("br"), weight("gzip")
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
	name = strings.ToLower(strings.TrimSpace(name))
	q := 1.0
	for _, p := range strings.Split(params, ";") {
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

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
	"github.com/valyala/fasthttp"
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
// once too, as bytes, so serving one is a few header sets and a write of
// bytes that are never copied.
type asset struct {
	etag string // strong, unquoted; the encodings add a suffix
	mod  time.Time

	// Each encoding's bytes and header values (gzip and brotli empty when
	// the body is too small to be worth compressing), and those all
	// share.
	identity, gzip, brotli variant
	typeH, modH            []byte
}

// variant is one encoding of an asset, ready to write.
type variant struct {
	body     []byte
	etag     []byte
	encoding []byte // nil when none
	vary     bool   // Vary: Accept-Encoding
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
		a.identity.vary = true
		a.gzip = a.variant(gzipBytes(body), "gzip")
		a.brotli = a.variant(brotliBytes(body, level), "br")
	}
	return a
}

// uncompressed is an asset served only as it is.
func uncompressed(typ string, body []byte, mod time.Time) *asset {
	sum := sha256.Sum256(body)
	a := &asset{
		etag:  base64.RawURLEncoding.EncodeToString(sum[:12]),
		mod:   mod,
		typeH: []byte(typ),
		modH:  []byte(mod.Format(http.TimeFormat)),
	}
	a.identity = a.variant(body, "")
	return a
}

func (a *asset) variant(body []byte, enc string) variant {
	v := variant{
		body: body,
		etag: []byte(`"` + a.etag + suffix(enc) + `"`),
		vary: enc != "",
	}
	if enc != "" {
		v.encoding = []byte(enc)
	}
	return v
}

// cacheFor is how long a browser or cache may keep a response without
// asking again: short, because the owner may edit the résumé at any time,
// and revalidating costs a 304.
var (
	cacheFor = []byte("public, max-age=300")
	noStore  = []byte("no-store")
)

// Header names, as the bytes fasthttp takes without copying or
// normalising them again.
var (
	hCacheControl    = []byte("Cache-Control")
	hContentEncoding = []byte("Content-Encoding")
	hETag            = []byte("ETag")
	hLastModified    = []byte("Last-Modified")
	hVary            = []byte("Vary")
	hAllowOrigin     = []byte("Access-Control-Allow-Origin")
	vAny             = []byte("*")
	vAcceptEncoding  = []byte("Accept-Encoding")
)

// serve writes the asset for the request: 304 when the client's copy is
// current, else the best encoding the client accepts. status is 200 but
// for the not-found page. The body is the asset's own bytes, not copied;
// fasthttp leaves it out of a HEAD response and keeps its length.
func (a *asset) serve(ctx *fasthttp.RequestCtx, status int) {
	h := &ctx.Response.Header
	v := &a.identity
	if a.gzip.body != nil {
		switch acceptEncoding(view(ctx.Request.Header.Peek(fasthttp.HeaderAcceptEncoding))) {
		case "br":
			v = &a.brotli
		case "gzip":
			v = &a.gzip
		}
	}
	if v.vary {
		h.AddBytesKV(hVary, vAcceptEncoding)
	}
	if status == fasthttp.StatusOK {
		h.SetCanonical(hETag, v.etag)
		h.SetCanonical(hLastModified, a.modH)
		h.SetCanonical(hCacheControl, cacheFor)
		if notModified(&ctx.Request.Header, a) {
			ctx.SetStatusCode(fasthttp.StatusNotModified)
			return
		}
	} else {
		h.SetCanonical(hCacheControl, noStore)
	}
	h.SetContentTypeBytes(a.typeH)
	if v.encoding != nil {
		h.SetCanonical(hContentEncoding, v.encoding)
	}
	ctx.SetStatusCode(status)
	ctx.Response.SetBodyRaw(v.body)
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
func notModified(h *fasthttp.RequestHeader, a *asset) bool {
	if inm := view(h.Peek(fasthttp.HeaderIfNoneMatch)); inm != "" {
		for rest := inm; rest != ""; {
			var tag string
			tag, rest, _ = strings.Cut(rest, ",")
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
	if ims := h.Peek(fasthttp.HeaderIfModifiedSince); len(ims) != 0 {
		t, err := http.ParseTime(string(ims))
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

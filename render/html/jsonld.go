package html

import (
	"github.com/laphets/resume/content"
)

// typeKey names an object's schema.org type.
const typeKey = "@type"

// ld is one schema.org object; empty values are left out.
type ld map[string]any

func (o ld) set(key string, v any) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return
		}
	case []string:
		if len(x) == 0 {
			return
		}
	case []ld:
		if len(x) == 0 {
			return
		}
	case ld:
		if len(x) == 0 {
			return
		}
	}
	o[key] = v
}

// jsonLD describes the page for search engines: a schema.org ProfilePage
// whose main entity is the Person, with their job, schools and profiles.
// html/template writes it as JSON, escaped for a script element.
func jsonLD(r *content.Resume, site Site) ld {
	b := r.Basics
	p := ld{typeKey: "Person"}
	p.set("name", b.Name)
	jobTitle := b.Label
	if w, ok := currentWork(r); ok && jobTitle == "" {
		jobTitle = w.Position
	}
	p.set("jobTitle", jobTitle)
	p.set("description", b.Summary)
	p.set("email", b.Email)
	p.set("telephone", b.Phone)
	p.set("url", b.URL)
	if b.Location != nil {
		addr := ld{typeKey: "PostalAddress"}
		addr.set("streetAddress", b.Location.Address)
		addr.set("postalCode", b.Location.PostalCode)
		addr.set("addressLocality", b.Location.City)
		addr.set("addressRegion", b.Location.Region)
		addr.set("addressCountry", b.Location.CountryCode)
		if len(addr) > 1 {
			p["address"] = addr
		}
	}
	var sameAs []string
	for _, pr := range b.Profiles {
		if pr.URL != "" {
			sameAs = append(sameAs, pr.URL)
		}
	}
	p.set("sameAs", sameAs)
	var works []ld
	for _, w := range r.Work {
		if isCurrent(w) {
			o := ld{typeKey: "Organization", "name": w.Name}
			o.set("url", w.URL)
			works = append(works, o)
		}
	}
	p.set("worksFor", works)
	var schools []ld
	seen := map[string]bool{}
	for _, e := range r.Education {
		if e.Institution == "" || seen[e.Institution] {
			continue
		}
		seen[e.Institution] = true
		o := ld{typeKey: "EducationalOrganization", "name": e.Institution}
		o.set("url", e.URL)
		schools = append(schools, o)
	}
	p.set("alumniOf", schools)
	var knows []string
	for _, s := range r.Skills {
		if s.Name != "" {
			knows = append(knows, s.Name)
		}
		knows = append(knows, s.Keywords...)
	}
	p.set("knowsAbout", knows)
	var langs []string
	for _, l := range r.Languages {
		if l.Language != "" {
			langs = append(langs, l.Language)
		}
	}
	p.set("knowsLanguage", langs)

	page := ld{"@context": "https://schema.org", typeKey: "ProfilePage", "mainEntity": p}
	if site.PublicURL != "" {
		page["url"] = site.PublicURL + "/"
	}
	if r.Meta != nil {
		page.set("dateModified", r.Meta.LastModified)
	}
	return page
}

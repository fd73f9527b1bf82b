package content

import (
	"reflect"
	"slices"
)

// legacyNameList lists the older field names that Parse reads as today's,
// as "section.old → new" lines, for the test that the README lists them.
func legacyNameList() []string {
	section := map[reflect.Type]string{
		reflect.TypeFor[Basics](): "basics", reflect.TypeFor[Work](): "work", reflect.TypeFor[Volunteer](): "volunteer",
		reflect.TypeFor[Education](): "education", reflect.TypeFor[Award](): "awards",
		reflect.TypeFor[Certificate](): "certificates", reflect.TypeFor[Publication](): "publications",
		reflect.TypeFor[Project](): "projects", reflect.TypeFor[Language](): "languages",
	}
	var out []string
	for t, names := range legacyNames {
		for old, cur := range names {
			out = append(out, section[t]+"."+old+" → "+cur)
		}
	}
	slices.Sort(out)
	return out
}

package content

import (
	"strings"
	"testing"
)

// TestKeysMatchExactly: a key that differs from a field's only in case is
// an extra key, kept as it is; it never fills the field, which the schema
// would then not have checked. (Found by FuzzParse: "stArtDAte: 000008"
// became a startDate the output could not load again.)
func TestKeysMatchExactly(t *testing.T) {
	for name, doc := range map[string]string{
		"r.yaml": "basics: {name: A, NAME: B, uRL: 'javascript:alert(1)'}\nwork: [{nAme: W, stArtDAte: 000008}]\n",
		"r.json": `{"basics": {"name": "A", "Name": "B", "Url": "not a url"}, "work": [{"NAME": "W", "StartDate": "yesterday"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			r, err := Parse(name, []byte(doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if r.Basics.Name != "A" || r.Basics.URL != "" || r.Work[0].Name != "" || r.Work[0].StartDate != "" {
				t.Errorf("a key in another case filled a field: basics %+v, work %+v", r.Basics, r.Work[0])
			}
			if len(r.Basics.Extra) != 2 || len(r.Work[0].Extra) != 2 {
				t.Errorf("the keys are not kept as extra keys: %v %v", r.Basics.Extra, r.Work[0].Extra)
			}
			out, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse("again.json", out); err != nil {
				t.Fatalf("the JSON output does not load again: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), `"name": "A"`) {
				t.Errorf("output %s", out)
			}
		})
	}
}

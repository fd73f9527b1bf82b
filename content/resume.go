// Package content is the résumé model: a JSON Resume document, loaded from
// JSON or YAML, validated, sanitised and rendered as text, Markdown or JSON.
// It knows nothing of SSH or terminals.
package content

// Resume is a JSON Resume document (https://jsonresume.org/schema) with a
// few extensions, each documented on its field: Teaching (a section shaped
// like Work), Expected (an end date not reached yet), Award.Dates, and
// more. Keys the model does not
// know are kept in Extra fields and written back out by MarshalJSON.
type Resume struct {
	Schema       string        `json:"$schema,omitempty"`
	Basics       Basics        `json:"basics"`
	Work         []Work        `json:"work,omitempty"`
	Volunteer    []Volunteer   `json:"volunteer,omitempty"`
	Education    []Education   `json:"education,omitempty"`
	Awards       []Award       `json:"awards,omitempty"`
	Certificates []Certificate `json:"certificates,omitempty"`
	Publications []Publication `json:"publications,omitempty"`
	Skills       []Skill       `json:"skills,omitempty"`
	Languages    []Language    `json:"languages,omitempty"`
	Interests    []Interest    `json:"interests,omitempty"`
	References   []Reference   `json:"references,omitempty"`
	Projects     []Project     `json:"projects,omitempty"`
	Teaching     []Work        `json:"teaching,omitempty"`
	Meta         *Meta         `json:"meta,omitempty"`
	Extra        Extra         `json:"-"`

	src *source // the document as read, when Parse made r
}

// Basics is who the résumé is about and how to reach them.
type Basics struct {
	Name     string    `json:"name,omitempty"`
	Label    string    `json:"label,omitempty"`
	Image    string    `json:"image,omitempty"`
	Email    string    `json:"email,omitempty"`
	Phone    string    `json:"phone,omitempty"`
	URL      string    `json:"url,omitempty"`
	Summary  string    `json:"summary,omitempty"`
	Location *Location `json:"location,omitempty"`
	Profiles []Profile `json:"profiles,omitempty"`
	Extra    Extra     `json:"-"`
}

// Location is a postal location.
type Location struct {
	Address     string `json:"address,omitempty"`
	PostalCode  string `json:"postalCode,omitempty"`
	City        string `json:"city,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	Region      string `json:"region,omitempty"`
	Extra       Extra  `json:"-"`
}

// Profile is an account on a social or professional network.
type Profile struct {
	Network  string `json:"network,omitempty"`
	Username string `json:"username,omitempty"`
	URL      string `json:"url,omitempty"`
	Extra    Extra  `json:"-"`
}

// Work is a job; the Teaching section uses the same shape. Keywords is an
// extension (the technologies used), as JSON Resume projects have.
type Work struct {
	Name        string   `json:"name,omitempty"`
	Location    string   `json:"location,omitempty"`
	Description string   `json:"description,omitempty"`
	Position    string   `json:"position,omitempty"`
	URL         string   `json:"url,omitempty"`
	StartDate   string   `json:"startDate,omitempty"`
	EndDate     string   `json:"endDate,omitempty"`
	Summary     string   `json:"summary,omitempty"`
	Highlights  []string `json:"highlights,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
	// Expected is an extension: EndDate is when it is expected to end,
	// not reached yet (a degree in progress). A future EndDate reads as
	// expected without it.
	Expected bool  `json:"expected,omitempty"`
	Extra    Extra `json:"-"`
}

// Volunteer is unpaid work.
type Volunteer struct {
	Organization string   `json:"organization,omitempty"`
	Position     string   `json:"position,omitempty"`
	URL          string   `json:"url,omitempty"`
	StartDate    string   `json:"startDate,omitempty"`
	EndDate      string   `json:"endDate,omitempty"`
	Summary      string   `json:"summary,omitempty"`
	Highlights   []string `json:"highlights,omitempty"`
	// Expected is an extension: EndDate is when it is expected to end,
	// not reached yet (a degree in progress). A future EndDate reads as
	// expected without it.
	Expected bool  `json:"expected,omitempty"`
	Extra    Extra `json:"-"`
}

// Education is a degree or course of study. Location and Summary are
// extensions (where it was, and notes such as an advisor).
type Education struct {
	Institution string   `json:"institution,omitempty"`
	URL         string   `json:"url,omitempty"`
	Area        string   `json:"area,omitempty"`
	StudyType   string   `json:"studyType,omitempty"`
	StartDate   string   `json:"startDate,omitempty"`
	EndDate     string   `json:"endDate,omitempty"`
	Score       string   `json:"score,omitempty"`
	Courses     []string `json:"courses,omitempty"`
	Location    string   `json:"location,omitempty"`
	Summary     string   `json:"summary,omitempty"`
	// Expected is an extension: EndDate is when it is expected to end,
	// not reached yet (a degree in progress). A future EndDate reads as
	// expected without it.
	Expected bool  `json:"expected,omitempty"`
	Extra    Extra `json:"-"`
}

// Award is an honour or prize. Dates is an extension: when it was given,
// as written, for what a single date cannot say (academic years such as
// "2018-19, 2019-20"); it is shown where Date would be. URL is an
// extension too (the award's page), which older files call website.
type Award struct {
	Title   string `json:"title,omitempty"`
	Date    string `json:"date,omitempty"`
	Dates   string `json:"dates,omitempty"`
	Awarder string `json:"awarder,omitempty"`
	URL     string `json:"url,omitempty"`
	Summary string `json:"summary,omitempty"`
	Extra   Extra  `json:"-"`
}

// Certificate is a professional certification.
type Certificate struct {
	Name   string `json:"name,omitempty"`
	Date   string `json:"date,omitempty"`
	URL    string `json:"url,omitempty"`
	Issuer string `json:"issuer,omitempty"`
	Extra  Extra  `json:"-"`
}

// Publication is a published work.
type Publication struct {
	Name        string `json:"name,omitempty"`
	Publisher   string `json:"publisher,omitempty"`
	ReleaseDate string `json:"releaseDate,omitempty"`
	URL         string `json:"url,omitempty"`
	Summary     string `json:"summary,omitempty"`
	Extra       Extra  `json:"-"`
}

// Skill is a group of related skills. Ranking is an extension: the
// keywords ordered by strength, written "A = B > C" (see Tiers).
type Skill struct {
	Name     string   `json:"name,omitempty"`
	Level    string   `json:"level,omitempty"`
	Keywords []string `json:"keywords,omitempty"`
	Ranking  string   `json:"ranking,omitempty"`
	Extra    Extra    `json:"-"`
}

// Language is a spoken language.
type Language struct {
	Language string `json:"language,omitempty"`
	Fluency  string `json:"fluency,omitempty"`
	Extra    Extra  `json:"-"`
}

// Interest is a hobby or field of interest.
type Interest struct {
	Name     string   `json:"name,omitempty"`
	Keywords []string `json:"keywords,omitempty"`
	Extra    Extra    `json:"-"`
}

// Reference is a recommendation from someone.
type Reference struct {
	Name      string `json:"name,omitempty"`
	Reference string `json:"reference,omitempty"`
	Extra     Extra  `json:"-"`
}

// Project is a piece of work outside a job.
type Project struct {
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Highlights  []string `json:"highlights,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
	StartDate   string   `json:"startDate,omitempty"`
	EndDate     string   `json:"endDate,omitempty"`
	URL         string   `json:"url,omitempty"`
	Roles       []string `json:"roles,omitempty"`
	Entity      string   `json:"entity,omitempty"`
	Type        string   `json:"type,omitempty"`
	// Expected is an extension: EndDate is when it is expected to end,
	// not reached yet (a degree in progress). A future EndDate reads as
	// expected without it.
	Expected bool  `json:"expected,omitempty"`
	Extra    Extra `json:"-"`
}

// Meta describes the document itself.
type Meta struct {
	Canonical    string `json:"canonical,omitempty"`
	Version      string `json:"version,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Extra        Extra  `json:"-"`
}

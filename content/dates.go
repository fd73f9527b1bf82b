package content

import (
	"strings"
	"time"
)

var months = [...]string{
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
}

// FormatDate writes a JSON Resume date for people: "2021" stays, "2021-02"
// becomes "February 2021", "2021-02-03" becomes "3 February 2021", a word
// for "present" (see IsPresent) is "Present". Anything else, an impossible
// date such as 2024-09-31 included, is returned as written (trimmed):
// never dropped, never guessed at.
func FormatDate(s string) string {
	s = strings.TrimSpace(s)
	if IsPresent(s) {
		return presentText(s)
	}
	switch len(s) {
	case len("2006-01-02"):
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t.Format("2 ") + months[t.Month()-1] + " " + s[:4]
		}
	case len("2006-01"):
		if t, err := time.Parse("2006-01", s); err == nil {
			return months[t.Month()-1] + " " + s[:4]
		}
	}
	return s
}

// presentWords are the words résumés use for an end date that has not come,
// in the languages they are commonly written in, lower case.
var presentWords = map[string]bool{
	// English: englishPresent
	// German, Dutch
	"heute": true, "jetzt": true, "aktuell": true, "derzeit": true, "bis heute": true, "laufend": true, "nu": true, "heden": true,
	// French
	"présent": true, "aujourd'hui": true, "aujourd’hui": true, "actuel": true, "actuellement": true, "en cours": true,
	// Spanish, Portuguese, Italian
	"presente": true, "actualidad": true, "actual": true, "actualmente": true, "hoy": true, "atual": true,
	"atualmente": true, "hoje": true,
	"oggi": true, "in corso": true, "attuale": true,
	// Polish, Czech
	"obecnie": true, "teraz": true, "dziś": true, "nadal": true, "současnost": true, "dosud": true,
	// Russian, Ukrainian
	"настоящее время": true, "по настоящее время": true, "наст. время": true, "сейчас": true, "н.в.": true,
	"теперішній час": true, "зараз": true,
	// Chinese, Japanese, Korean
	"至今": true, "现在": true, "現在": true, "目前": true, "今": true, "現職": true, "在職中": true, "현재": true, "재직중": true, "재직 중": true,
	// Turkish, Swedish, Danish, Norwegian, Finnish
	"günümüz": true, "halen": true, "nuvarande": true, "pågående": true, "nutid": true, "nå": true, "nykyään": true, "nyt": true,
}

// IsPresent reports whether an end date says "until now" in words
// ("Present", "now", "Obecnie", "至今"): the entry is ongoing, as if the end
// date were left out.
func IsPresent(s string) bool {
	w := strings.ToLower(strings.TrimSpace(s))
	return englishPresent[w] || presentWords[w]
}

// presentText is how an ongoing end is written: "Present" for the English
// words, the owner's own word otherwise, so a résumé in Polish keeps
// "Obecnie".
func presentText(s string) string {
	if englishPresent[strings.ToLower(s)] {
		return "Present"
	}
	return s
}

// englishPresent are the English words for "until now"; they are written
// "Present" whatever the owner wrote.
var englishPresent = map[string]bool{
	"present": true, "now": true, "current": true, "currently": true, "ongoing": true, "today": true,
	"to date": true, "till now": true, "to present": true, "until now": true,
}

// Period writes a date range: "February 2021 – Present" when only the
// start is known or the end is a word for now (see IsPresent), the end
// alone when only it is, "" when neither is.
func Period(start, end string) string {
	start, end = strings.TrimSpace(start), strings.TrimSpace(end)
	switch {
	case start == "" && end == "":
		return ""
	case start == "":
		return FormatDate(end)
	case end == "":
		return FormatDate(start) + " – Present"
	case start == end:
		return FormatDate(start)
	}
	return FormatDate(start) + " – " + FormatDate(end)
}

package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/content"
)

func TestNewOpensDeepLinkedSection(t *testing.T) {
	r := content.Default()
	ids := SectionIDs(r)
	if len(ids) == 0 || ids[0] != content.SectionOverview {
		t.Fatalf("SectionIDs = %v, want overview first", ids)
	}
	m := New(r, Options{Section: content.SectionExperience, Width: 80, Height: 24})
	if got := m.View().Content; !strings.Contains(got, "Experience") {
		t.Errorf("view does not show the deep-linked section:\n%s", got)
	}
	if _, cmd := m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd == nil {
		t.Error("q does not quit")
	}
}

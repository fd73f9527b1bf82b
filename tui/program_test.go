package tui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/laphets/resume/content"
)

// TestProgram runs the model in a real Bubble Tea program, as the server
// does, and browses it with keys: the sections change on screen and q
// ends the program.
func TestProgram(t *testing.T) {
	m := New(content.Default(), Options{Width: 80, Height: 24})
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	waitFor(t, tm, "Wenging Luo")
	tm.Send(press(t, "3"))
	waitFor(t, tm, "Shanghai, China") // only in Experience
	tm.Send(press(t, "tab"))
	waitFor(t, tm, "Course Project") // only in Projects
	tm.Send(press(t, "q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final, ok := tm.FinalModel(t).(*Model)
	if !ok || final.info.sections[final.active].ID != content.SectionProjects {
		t.Errorf("final model is not on projects: %T", tm.FinalModel(t))
	}
}

// waitFor polls the program's output until s appears, or fails after a
// deadline.
func waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

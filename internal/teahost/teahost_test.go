package teahost

import "testing"

func TestClampWindow(t *testing.T) {
	for _, tt := range []struct{ cols, rows, w, h uint32 }{
		{0, 0, 80, 24}, {1, 1, 1, 1}, {65535, 65535, MaxWidth, MaxHeight}, {1 << 31, 7, MaxWidth, 7}, {120, 40, 120, 40},
	} {
		w, h := ClampWindow(tt.cols, tt.rows)
		if w != int(tt.w) || h != int(tt.h) {
			t.Errorf("ClampWindow(%d, %d) = %dx%d, want %dx%d", tt.cols, tt.rows, w, h, tt.w, tt.h)
		}
	}
}

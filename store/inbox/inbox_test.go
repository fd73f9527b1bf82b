package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/inbox"
)

func TestParse(t *testing.T) {
	tests := []struct {
		args    []string
		want    inbox.Command
		wantErr bool
	}{
		{args: nil, want: inbox.Command{Verb: "list"}},
		{args: []string{"list"}, want: inbox.Command{Verb: "list"}},
		{args: []string{"--json"}, want: inbox.Command{Verb: "list", JSON: true}},
		{args: []string{"read", "abc"}, want: inbox.Command{Verb: "read", ID: "abc"}},
		{args: []string{"read", "--json", "abc"}, want: inbox.Command{Verb: "read", ID: "abc", JSON: true}},
		{args: []string{"delete", "abc"}, want: inbox.Command{Verb: "delete", ID: "abc"}},
		{args: []string{"delete", "--json", "abc"}, wantErr: true},
		{args: []string{"read"}, wantErr: true},
		{args: []string{"read", "a", "b"}, wantErr: true},
		{args: []string{"purge"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := inbox.Parse(tt.args)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), inbox.Usage) {
					t.Fatalf("Parse(%q) = %+v, %v; want the usage error", tt.args, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
			}
		})
	}
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{
		SQLitePath: filepath.Join(t.TempDir(), "messages.db"),
		Now:        func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// A message written with escape sequences prints inert in the list, when
// read and as JSON, and the commands do what they say.
func TestCommandsPrintInertText(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	var ids []string
	for name, bad := range testutil.Hostile {
		id, err := st.Submit(ctx, store.Submission{
			// The hostile string ends the body: an unterminated one
			// ("\x1b]8;;") swallows the rest, by design (safetext), and the
			// test reads whichever message the map gave first.
			Name: "Ada" + bad, Contact: "ada@example.com", Body: "hello\nsecond line" + bad,
			Meta: store.Meta{Via: "ssh", RemoteAddr: "127.0.0.1", ClientVersion: "SSH-2.0-" + bad},
		})
		if err != nil {
			t.Fatalf("%s: Submit: %v", name, err)
		}
		ids = append(ids, id)
		if len(ids) == 4 { // under the per-address rate
			break
		}
	}
	run := func(args ...string) string {
		t.Helper()
		c, err := inbox.Parse(args)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := c.Run(ctx, st, &out); err != nil {
			t.Fatalf("inbox %q: %v", args, err)
		}
		testutil.CheckInert(t, strings.Join(append([]string{"inbox"}, args...), " "), out.String())
		return out.String()
	}
	list := run()
	if !strings.Contains(list, "4 messages, 4 unread") {
		t.Errorf("list header:\n%s", list)
	}
	for _, id := range ids {
		if !strings.Contains(list, "* "+id) {
			t.Errorf("list lacks unread %s:\n%s", id, list)
		}
	}
	read := run("read", ids[0])
	for _, want := range []string{"From:     Ada", "<ada@example.com>", "Id:       " + ids[0], "via ssh from 127.0.0.1", "second line"} {
		if !strings.Contains(read, want) {
			t.Errorf("read lacks %q:\n%s", want, read)
		}
	}
	var msgs []inbox.JSONMessage
	if err := json.Unmarshal([]byte(run("--json")), &msgs); err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 4 {
		t.Fatalf("--json lists %d messages, want 4", len(msgs))
	}
	readCount := 0
	for _, m := range msgs {
		if m.Read {
			readCount++
		}
	}
	if readCount != 1 {
		t.Errorf("%d messages read after one read, want 1", readCount)
	}
	if out := run("delete", ids[1]); !strings.Contains(out, "Deleted "+ids[1]) {
		t.Errorf("delete said %q", out)
	}
	if _, err := st.Get(ctx, ids[1]); err == nil {
		t.Error("the deleted message is still there")
	}
	c, _ := inbox.Parse([]string{"read", "\x1b]0;pwned\x07nope"})
	var out bytes.Buffer
	err := c.Run(ctx, st, &out)
	if err == nil || !strings.Contains(err.Error(), "no message") {
		t.Fatalf("read of a missing id = %v", err)
	}
	testutil.CheckInert(t, "missing-id error", err.Error())
}

func TestEmptyInbox(t *testing.T) {
	var out bytes.Buffer
	if err := inbox.List(context.Background(), openStore(t), &out, false); err != nil {
		t.Fatal(err)
	}
	if out.String() != "No messages.\n" {
		t.Errorf("empty inbox says %q", out.String())
	}
}

// Command stockv2 is the stock Wish v2 + Bubble Tea v2 baseline for the load
// benchmark: wish.NewServer with the Bubble Tea middleware and activeterm,
// default program options, and a model whose view is one line.
//
// It listens on -addr (port 0 picks a free port) and prints the bound
// address as the first line of standard output.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/activeterm"
	bm "charm.land/wish/v2/bubbletea"
)

// model shows one line with the name and counts keys, so the load tool can
// see a keypress take effect.
type model struct{ keys int }

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if k.String() == "q" || k.String() == "ctrl+c" {
			return m, tea.Quit
		}
		m.keys++
	}
	return m, nil
}

func (m model) View() tea.View { return tea.NewView("Wenging Luo · keys " + strconv.Itoa(m.keys)) }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	hostKey := flag.String("host-key", "stockv2_ed25519", "host key path (created if missing)")
	flag.Parse()

	srv, err := wish.NewServer(
		wish.WithHostKeyPath(*hostKey),
		wish.WithMiddleware(
			bm.Middleware(func(ssh.Session) (tea.Model, []tea.ProgramOption) {
				return model{}, nil
			}),
			activeterm.Middleware(),
		),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stockv2:", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stockv2:", err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "stockv2:", err)
		os.Exit(1)
	}
}

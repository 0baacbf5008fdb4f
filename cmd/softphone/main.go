// Command softphone is the softphone: the GUI by default, and subcommands
// for headless use and automation.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/softphone/softphone/core"
)

// Exit codes shared by the subcommands.
const (
	exitOK      = 0
	exitFailed  = 1 // the operation ran and did not succeed (registration refused...)
	exitUsage   = 2 // bad flags or a bad configuration file
	exitRuntime = 3 // the phone could not start (port taken...)
)

const usage = `usage: softphone [command] [flags]

Commands:
  register   register the configured accounts and report their state
  call URI   place a call (--play, --record, --dtmf, --hangup-after, --codecs,
             --transfer-to T --transfer-after D, --record-call)
  answer     wait for calls and answer them (--count, --play, --record)
  console    a long-running phone driven by commands on standard input
             (dial, answer, hold, transfer, merge, record, message...; 'help')
  message send [--account A] TO TEXT
             send a SIP MESSAGE; exit 0 once delivered, 1 if refused
  messages   list conversations, or one thread (PEER; --json, --mark-read)
  voicemail  show the voicemail count of each account (--json, --dial)
  watch URI...
             stream the busy-lamp state of extensions (--json)
  dnd on|off|status
             do not disturb on every account (saved in the configuration)
  forward    set call forwarding: --always T | --busy T | --no-answer T
             [--after N] | --off; --show lists it
  devices    list the audio devices (for --input and --output)
  history    list calls (--json, --missed, --limit N, --mark-seen; delete ID, clear)
  contacts   list, import FILE.vcf, export [FILE], add, delete, speeddial SLOT NUMBER
  serve      a headless phone serving the local API (REST + WebSocket events),
             with screen-pop, hooks and webhooks (--api ADDR)
  api token  print the local API's token (--rotate for a new one)
  dial NUMBER
             make the running softphone (window or serve) place a call
  help       show this help

With no command, softphone opens its window (flags: --config F, --dark,
--api ADDR). With a sip:, sips:, tel: or callto: link, the running
softphone dials it, or the window opens and dials it.

Run 'softphone COMMAND -h' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if args := os.Args[1:]; len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" || isLink(args[0]) {
		runGUI(ctx, args, os.Stderr) // does not return
	}
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runIO(ctx, args, os.Stdin, stdout, stderr)
}

// runIO is run with the standard input the console reads its commands from.
func runIO(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	switch args[0] {
	case "register":
		return cmdRegister(ctx, args[1:], stdout, stderr)
	case "call":
		return cmdCall(ctx, args[1:], stdout, stderr)
	case "answer":
		return cmdAnswer(ctx, args[1:], stdout, stderr)
	case "console":
		return cmdConsole(ctx, args[1:], stdin, stdout, stderr)
	case "message":
		return cmdMessage(ctx, args[1:], stdout, stderr)
	case "messages":
		return cmdMessages(ctx, args[1:], stdout, stderr)
	case "voicemail":
		return cmdVoicemail(ctx, args[1:], stdout, stderr)
	case "watch":
		return cmdWatch(ctx, args[1:], stdout, stderr)
	case "dnd":
		return cmdDND(ctx, args[1:], stdout, stderr)
	case "forward":
		return cmdForward(ctx, args[1:], stdout, stderr)
	case "devices":
		return cmdDevices(ctx, args[1:], stdout, stderr)
	case "history":
		return cmdHistory(ctx, args[1:], stdout, stderr)
	case "contacts":
		return cmdContacts(ctx, args[1:], stdout, stderr)
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "api":
		return cmdAPI(ctx, args[1:], stdout, stderr)
	case "dial":
		return cmdDial(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "softphone: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
}

// newLogger logs to stderr: errors only unless verbose, since the commands
// print every event themselves. It also becomes slog's default, which
// libraries such as sipgo log through.
func newLogger(stderr io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelError
	if verbose {
		level = slog.LevelDebug
	}
	l := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(l)
	return l
}

// isLink says whether arg is a link the desktop hands us to dial.
func isLink(arg string) bool {
	_, ok := core.LinkTarget(arg)
	return ok
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/softphone/softphone/core/store"
)

const contactsUsage = `usage: softphone contacts list [--json] [--search TEXT] [--favourites]
       softphone contacts import FILE.vcf        (vCard 3.0/4.0; duplicates merged by number)
       softphone contacts export [FILE] [--v4]   (vCard 3.0 by default; stdout without FILE)
       softphone contacts add NAME NUMBER... [--favourite] [--blf] [--note TEXT]
                                                 (NUMBER may be LABEL=NUMBER, e.g. mobile=+44 7700 900123)
       softphone contacts delete ID
       softphone contacts speeddial [SLOT [NUMBER] [--clear]]
                                                 (list, show, set or clear a slot; 'softphone call SLOT' dials it)
`

func cmdContacts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, contactsUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	sub := args[0]
	fs := flag.NewFlagSet("contacts "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, contactsUsage+"\nFlags:\n"); fs.PrintDefaults() }
	data := dataFlag(fs)
	var run func(context.Context, *store.Store) int
	switch sub {
	case "list":
		asJSON := fs.Bool("json", false, "print one JSON object per contact per line")
		search := fs.String("search", "", "only contacts matching these words or number prefix")
		favs := fs.Bool("favourites", false, "only favourites")
		run = func(ctx context.Context, s *store.Store) int {
			return contactsList(ctx, s, store.ContactQuery{Search: *search, Favourites: *favs}, *asJSON, stdout, stderr)
		}
	case "import":
		run = func(ctx context.Context, s *store.Store) int {
			return contactsImport(ctx, s, fs.Args(), stdout, stderr)
		}
	case "export":
		v4 := fs.Bool("v4", false, "write vCard 4.0 instead of 3.0")
		run = func(ctx context.Context, s *store.Store) int {
			return contactsExport(ctx, s, fs.Args(), *v4, stdout, stderr)
		}
	case "add":
		c := store.Contact{}
		fs.BoolVar(&c.Favourite, "favourite", false, "mark as favourite")
		fs.BoolVar(&c.BLF, "blf", false, "watch this contact's presence (busy lamp)")
		fs.StringVar(&c.Note, "note", "", "a note")
		run = func(ctx context.Context, s *store.Store) int {
			return contactsAdd(ctx, s, c, fs.Args(), stdout, stderr)
		}
	case "delete":
		run = func(ctx context.Context, s *store.Store) int {
			return contactsDelete(ctx, s, fs.Args(), stdout, stderr)
		}
	case "speeddial":
		clearSlot := fs.Bool("clear", false, "empty the slot")
		label := fs.String("label", "", "name shown for the slot (default: the matching contact's)")
		run = func(ctx context.Context, s *store.Store) int {
			return speedDialCmd(ctx, s, fs.Args(), *clearSlot, *label, stdout, stderr)
		}
	default:
		fmt.Fprintf(stderr, "softphone contacts: unknown command %q\n\n%s", sub, contactsUsage)
		return exitUsage
	}
	return onStore(ctx, fs, args[1:], data, nil, stderr, func(s *store.Store) int { return run(ctx, s) })
}

func contactsList(ctx context.Context, s *store.Store, q store.ContactQuery, asJSON bool, stdout, stderr io.Writer) int {
	cs, err := s.Contacts(ctx, q)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitFailed
	}
	slots, err := s.SpeedDials(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitFailed
	}
	if asJSON {
		return writeJSONLines(stdout, stderr, cs)
	}
	if len(cs) == 0 {
		fmt.Fprintln(stdout, "no contacts")
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, c := range cs {
		star := " "
		if c.Favourite {
			star = "★"
		}
		var nums []string
		for _, n := range c.Numbers {
			v := n.Value
			if n.Label != "" {
				v = n.Label + ": " + v
			}
			for _, d := range slots {
				if store.SameNumber(d.Number, n.Value) {
					v += fmt.Sprintf(" [speed dial %d]", d.Slot)
				}
			}
			nums = append(nums, v)
		}
		fmt.Fprintf(tw, "%d\t%s %s\t%s\n", c.ID, star, c.Name, strings.Join(nums, ", "))
	}
	tw.Flush()
	return exitOK
}

func contactsImport(ctx context.Context, s *store.Store, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, contactsUsage)
		return exitUsage
	}
	f, err := os.Open(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	res, err := s.Import(ctx, f)
	for _, e := range res.Skipped {
		fmt.Fprintf(stderr, "softphone: %s: skipped %v\n", args[0], e)
	}
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v (nothing was imported)\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "imported %d new contact%s, merged %d card%s into existing contacts, skipped %d bad card%s\n",
		res.Added, plural(res.Added), res.Merged, plural(res.Merged), len(res.Skipped), plural(len(res.Skipped)))
	if len(res.Skipped) > 0 {
		return exitFailed
	}
	return exitOK
}

func contactsExport(ctx context.Context, s *store.Store, args []string, v4 bool, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprint(stderr, contactsUsage)
		return exitUsage
	}
	if len(args) == 0 || args[0] == "-" {
		if _, err := s.Export(ctx, stdout, v4); err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	n, err := exportFile(ctx, s, args[0], v4)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "exported %d contact%s to %s\n", n, plural(n), args[0])
	return exitOK
}

// exportFile writes the cards beside path and renames them over it, so an
// interrupted export never leaves half a file in place of a good one.
func exportFile(ctx context.Context, s *store.Store, path string, v4 bool) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := s.Export(ctx, tmp, v4)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("export to %s: %w", path, err)
	}
	return n, nil
}

func contactsAdd(ctx context.Context, s *store.Store, c store.Contact, args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprint(stderr, contactsUsage)
		return exitUsage
	}
	c.Name = args[0]
	for _, a := range args[1:] {
		c.Numbers = append(c.Numbers, parseNumberArg(a))
	}
	if err := s.SaveContact(ctx, &c); err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "added %d %s\n", c.ID, c.Name)
	return exitOK
}

// parseNumberArg reads NUMBER or LABEL=NUMBER (a SIP URI's own "=" in
// parameters is not taken for a label).
func parseNumberArg(a string) store.Number {
	label, value, ok := strings.Cut(a, "=")
	if !ok || label == "" || strings.IndexFunc(label, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_')
	}) >= 0 {
		return store.Number{Value: a}
	}
	return store.Number{Label: strings.ToLower(label), Value: value}
}

func contactsDelete(ctx context.Context, s *store.Store, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, contactsUsage)
		return exitUsage
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		fmt.Fprintf(stderr, "softphone contacts: %q is not a contact ID (see 'contacts list')\n", args[0])
		return exitUsage
	}
	if err := s.DeleteContact(ctx, id); err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "deleted %d\n", id)
	return exitOK
}

// speedDialCmd lists, shows, sets or clears speed-dial slots.
func speedDialCmd(ctx context.Context, s *store.Store, args []string, clearSlot bool, label string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		ds, err := s.SpeedDials(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
		if len(ds) == 0 {
			fmt.Fprintln(stdout, "no speed-dial slots set")
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, d := range ds {
			fmt.Fprintf(tw, "%d\t%s\t%s\n", d.Slot, d.Number, d.Label)
		}
		tw.Flush()
		return exitOK
	}
	slot, ok := store.ParseSlot(args[0])
	if !ok || len(args) > 2 || (clearSlot && len(args) != 1) {
		fmt.Fprintf(stderr, "softphone contacts: speeddial takes a slot 1–%d and a number, or --clear\n", store.MaxSlot)
		return exitUsage
	}
	switch {
	case clearSlot:
		if err := s.ClearSpeedDial(ctx, slot); err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "speed dial %d cleared\n", slot)
	case len(args) == 1:
		d, found, err := s.SpeedDial(ctx, slot)
		if err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
		if !found {
			fmt.Fprintf(stderr, "softphone: speed dial %d is empty\n", slot)
			return exitFailed
		}
		fmt.Fprintf(stdout, "%d\t%s\t%s\n", d.Slot, d.Number, d.Label)
	default:
		d := store.SpeedDial{Slot: slot, Number: args[1], Label: label}
		if c, found, err := s.MatchNumber(ctx, args[1]); err == nil && found {
			d.ContactID = c.ID
		}
		if err := s.SetSpeedDial(ctx, d); err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(stdout, "speed dial %d: %s\n", slot, args[1])
	}
	return exitOK
}

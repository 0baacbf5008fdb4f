package journal

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/softphone/softphone/core/store"
)

// WatchAddress is the address to watch for contact c's busy lamp: its
// first SIP address, else its first number (an extension), "" if it has
// none.
func WatchAddress(c store.Contact) string {
	for _, n := range c.Numbers {
		v := strings.TrimSpace(n.Value)
		low := strings.ToLower(v)
		if strings.HasPrefix(low, "sip:") || strings.HasPrefix(low, "sips:") || strings.Contains(v, "@") {
			return v
		}
	}
	for _, n := range c.Numbers {
		if v := strings.TrimSpace(n.Value); v != "" {
			return v
		}
	}
	return ""
}

// SlotAddress is the address a speed-dial key watches: the number it
// dials, as given to the phone (which puts a bare number or user at an
// account's domain for a watch as for a call), "" for an empty key.
func SlotAddress(d store.SpeedDial) string {
	return strings.TrimSpace(d.Number)
}

// WatchSet is the set the store asks to watch, sorted and deduplicated:
// the address of each contact marked BLF and of every speed-dial key.
func WatchSet(cs []store.Contact, keys []store.SpeedDial) []string {
	var set []string
	for _, c := range cs {
		if a := WatchAddress(c); c.BLF && a != "" {
			set = append(set, a)
		}
	}
	for _, d := range keys {
		if a := SlotAddress(d); a != "" {
			set = append(set, a)
		}
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// WatchSource is what the watch set is read from: the store's contacts
// and speed-dial keys.
type WatchSource interface {
	Contacts(ctx context.Context, q store.ContactQuery) ([]store.Contact, error)
	SpeedDials(ctx context.Context) ([]store.SpeedDial, error)
}

// ReadWatchSet reads the contacts and keys of src and gives their WatchSet.
func ReadWatchSet(ctx context.Context, src WatchSource) ([]string, error) {
	cs, err := src.Contacts(ctx, store.ContactQuery{})
	if err != nil {
		return nil, fmt.Errorf("busy lamps: contacts: %w", err)
	}
	keys, err := src.SpeedDials(ctx)
	if err != nil {
		return nil, fmt.Errorf("busy lamps: speed dial: %w", err)
	}
	return WatchSet(cs, keys), nil
}

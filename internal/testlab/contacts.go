package testlab

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// Contacts returns the contact URIs currently registered for sip:user@Domain
// (expired ones left out), via `kamcmd ul.lookup location user`. The slice is
// empty, not an error, when the user has no registration.
func (k *Kamailio) Contacts(user string) ([]string, error) {
	cs, err := k.Bindings(user)
	if err != nil {
		return nil, err
	}
	uris := make([]string, 0, len(cs))
	for _, c := range cs {
		uris = append(uris, c.Address)
	}
	return uris, nil
}

// Binding is one registered contact as usrloc reports it.
type Binding struct {
	Address  string // contact URI
	Expires  int    // seconds left; 0 for a permanent contact
	Received string // source address when Kamailio routes to it instead of Address ("" if none)
	Socket   string // Kamailio's socket it was registered on, e.g. "tcp:127.0.0.1:5060"
	CallID   string
	CSeq     int
	Fields   map[string]string // every field of the ul.lookup output
}

// Bindings returns the current, unexpired registrations of sip:user@Domain.
func (k *Kamailio) Bindings(user string) ([]Binding, error) {
	out, err := k.rpc("ul.lookup", "location", user)
	if err != nil {
		return nil, err
	}
	return parseULLookup(out)
}

// parseULLookup parses kamcmd's text form of ul.lookup:
//
//	{
//		AoR: alice
//		Contacts: {
//			Contact: {
//				Address: sip:alice@127.0.0.1:5099
//				Expires: 60
//				...
//			}
//		}
//	}
//
// or "error: 500 - AOR not found in location table".
func parseULLookup(out string) ([]Binding, error) {
	trimmed := strings.TrimSpace(out)
	if strings.HasPrefix(trimmed, "error:") {
		if strings.Contains(trimmed, "AOR not found") {
			return []Binding{}, nil
		}
		return nil, fmt.Errorf("ul.lookup: %s", trimmed)
	}
	bindings := []Binding{}
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "Contact: {":
			cur = map[string]string{}
		case line == "}" && cur != nil:
			if b, ok := newBinding(cur); ok {
				bindings = append(bindings, b)
			}
			cur = nil
		case cur != nil:
			if name, value, ok := strings.Cut(line, ": "); ok {
				cur[name] = value
			}
		}
	}
	return bindings, sc.Err()
}

// newBinding builds a Binding from a Contact block; ok is false for expired
// or deleted contacts that usrloc has not yet purged.
func newBinding(f map[string]string) (Binding, bool) {
	b := Binding{Address: f["Address"], Socket: f["Socket"], CallID: f["Call-ID"], Fields: f}
	b.CSeq, _ = strconv.Atoi(f["CSeq"])
	if r := f["Received"]; r != "[not set]" {
		b.Received = r
	}
	switch exp := f["Expires"]; exp {
	case "permanent":
	default:
		n, err := strconv.Atoi(exp)
		if err != nil || n <= 0 { // "expired", "deleted"
			return b, false
		}
		b.Expires = n
	}
	return b, b.Address != ""
}

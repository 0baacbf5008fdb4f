package store

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/emersion/go-vcard"
)

// Extension fields for what vCard has no field for.
const (
	fieldFavourite = "X-SOFTPHONE-FAVOURITE"
	fieldBLF       = "X-SOFTPHONE-BLF"
	fieldSIP       = "X-SIP" // written by some phones and PBX exports
)

var unescape = strings.NewReplacer(`\;`, ";", `\:`, ":")

// fromCard reads the contact of one card.
func fromCard(card vcard.Card) (Contact, error) {
	var c Contact
	c.Name = unescape.Replace(strings.TrimSpace(card.PreferredValue(vcard.FieldFormattedName)))
	if c.Name == "" {
		if n := card.Name(); n != nil {
			c.Name = strings.Join(strings.Fields(n.GivenName+" "+n.AdditionalName+" "+n.FamilyName), " ")
		}
	}
	if c.Name == "" {
		c.Name = strings.TrimSpace(strings.Split(card.Value(vcard.FieldOrganization), ";")[0])
	}
	v := card.Value(vcard.FieldVersion)
	if v != "3.0" && v != "4.0" {
		if v == "" {
			return c, fmt.Errorf("no VERSION (3.0 or 4.0 expected)")
		}
		return c, fmt.Errorf("unsupported vCard version %q (3.0 or 4.0 expected)", v)
	}
	var prefs []int
	for _, f := range card[vcard.FieldTelephone] {
		val := strings.TrimSpace(f.Value)
		if low := strings.ToLower(val); strings.HasPrefix(low, "tel:") {
			val = val[len("tel:"):]
		} else if !strings.HasPrefix(low, "sip:") && !strings.HasPrefix(low, "sips:") && !IsPhoneNumber(val) {
			return c, fmt.Errorf("TEL %q is not a phone number", f.Value)
		}
		c.Numbers = append(c.Numbers, Number{Label: labelOf(f.Params, ""), Value: val})
		prefs = append(prefs, prefOf(f.Params))
	}
	for _, key := range []string{vcard.FieldIMPP, fieldSIP} {
		for _, f := range card[key] {
			val := strings.TrimSpace(f.Value)
			low := strings.ToLower(val)
			if key == vcard.FieldIMPP && !strings.HasPrefix(low, "sip:") && !strings.HasPrefix(low, "sips:") {
				continue // xmpp:, skype:... are not for a phone
			}
			c.Numbers = append(c.Numbers, Number{Label: labelOf(f.Params, "sip"), Value: val})
			prefs = append(prefs, prefOf(f.Params))
		}
	}
	sortByPref(c.Numbers, prefs)
	c.Note = unescape.Replace(card.Value(vcard.FieldNote))
	c.UID = card.Value(vcard.FieldUID)
	c.Favourite = isTrue(card.Value(fieldFavourite))
	c.BLF = isTrue(card.Value(fieldBLF))
	for _, cat := range card.Categories() {
		switch strings.ToLower(strings.TrimSpace(cat)) {
		case "favorites", "favourites", "starred":
			c.Favourite = true
		}
	}
	if c.Name == "" && len(c.Numbers) == 0 {
		return c, fmt.Errorf("no name and no number")
	}
	return c, nil
}

// prefOf is the field's preference: PREF=1..100 (4.0), TYPE=pref (3.0)
// ranks first, no preference last.
func prefOf(p vcard.Params) int {
	if n, err := strconv.Atoi(p.Get(vcard.ParamPreferred)); err == nil && n > 0 {
		return n
	}
	if p.HasType("pref") {
		return 0
	}
	return 1000
}

// sortByPref orders the numbers by preference, keeping the file's order
// among equals (TEL before IMPP).
func sortByPref(nums []Number, prefs []int) {
	idx := make([]int, len(nums))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return prefs[idx[a]] < prefs[idx[b]] })
	sorted := make([]Number, len(nums))
	for i, j := range idx {
		sorted[i] = nums[j]
	}
	copy(nums, sorted)
}

func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// labelOf is the first meaningful TYPE (cell is called mobile).
func labelOf(p vcard.Params, def string) string {
	for _, t := range p.Types() {
		switch t {
		case "voice", "pref", "internet", "x-sip", "":
			continue
		case "cell":
			return "mobile"
		}
		return t
	}
	return def
}

// toCard writes a contact as a vCard 3.0 or 4.0.
func toCard(c Contact, v4 bool) vcard.Card {
	card := vcard.Card{}
	if v4 {
		card.SetValue(vcard.FieldVersion, "4.0")
	} else {
		card.SetValue(vcard.FieldVersion, "3.0")
	}
	card.SetValue(vcard.FieldProductID, "-//softphone//softphone//EN")
	card.SetValue(vcard.FieldFormattedName, c.Name)
	given, family := c.Name, ""
	if i := strings.LastIndexByte(c.Name, ' '); i > 0 {
		given, family = c.Name[:i], c.Name[i+1:]
	}
	card.SetName(&vcard.Name{GivenName: given, FamilyName: family})
	for i, n := range c.Numbers {
		label := n.Label
		if label == "mobile" {
			label = "cell"
		}
		f := &vcard.Field{Params: vcard.Params{}}
		if v4 {
			f.Params.Set(vcard.ParamPreferred, strconv.Itoa(i+1))
		} else if i == 0 {
			f.Params.Add(vcard.ParamType, "pref")
		}
		low := strings.ToLower(n.Value)
		if IsPhoneNumber(n.Value) && !strings.HasPrefix(low, "sip") && !strings.Contains(low, "@") {
			// Free text, as RFC 6350 allows: a tel: URI could not keep the
			// spaces the number was written with.
			f.Value = n.Value
			if label != "" {
				f.Params.Add(vcard.ParamType, label)
			}
			card.Add(vcard.FieldTelephone, f)
			continue
		}
		f.Value = n.Value
		if !strings.HasPrefix(low, "sip") {
			f.Value = "sip:" + f.Value
		}
		if label != "" && label != "sip" {
			f.Params.Add(vcard.ParamType, label)
		}
		card.Add(vcard.FieldIMPP, f)
	}
	if c.Note != "" {
		card.SetValue(vcard.FieldNote, c.Note)
	}
	if c.UID != "" {
		card.SetValue(vcard.FieldUID, c.UID)
	}
	if c.Favourite {
		card.SetValue(fieldFavourite, "1")
	}
	if c.BLF {
		card.SetValue(fieldBLF, "1")
	}
	return card
}

// Export writes every contact as vCard (3.0, or 4.0 with v4) and returns
// how many.
func (s *Store) Export(ctx context.Context, w io.Writer, v4 bool) (int, error) {
	cs, err := s.Contacts(ctx, ContactQuery{})
	if err != nil {
		return 0, err
	}
	enc := vcard.NewEncoder(w)
	for i, c := range cs {
		if err := enc.Encode(toCard(c, v4)); err != nil {
			return i, fmt.Errorf("store: export %q: %w", c.Name, err)
		}
	}
	return len(cs), nil
}

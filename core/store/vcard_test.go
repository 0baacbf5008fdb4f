package store

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// vcfMixed has good cards (3.0 and 4.0), broken ones, and duplicates.
const vcfMixed = "BEGIN:VCARD\r\n" + // 1: good, 3.0
	"VERSION:3.0\r\n" +
	"FN:Ada Lovelace\r\n" +
	"N:Lovelace;Ada;;;\r\n" +
	"TEL;TYPE=CELL:+44 20 7946 0958\r\n" +
	"TEL;TYPE=WORK,VOICE:+44 20 7946 0000\r\n" +
	"NOTE:Analytical engine\\, notes\r\n" +
	"END:VCARD\r\n" +
	"BEGIN:VCARD\n" + // 2: broken, no END (must not swallow card 3)
	"VERSION:3.0\n" +
	"FN:Broken One\n" +
	"BEGIN:VCARD\n" + // 3: good, 4.0, tel: URI and sip IMPP, folded line
	"VERSION:4.0\n" +
	"FN:Alan\n" +
	"  Turing\n" +
	"TEL;VALUE=uri;TYPE=home:tel:+44-161-496-0000\n" +
	"IMPP:sip:alan@bletchley.example\n" +
	"IMPP:xmpp:alan@jabber.example\n" +
	"X-SOFTPHONE-BLF:1\n" +
	"END:VCARD\n" +
	"this line is junk\n" + // 4: junk between cards
	"BEGIN:VCARD\n" + // 5: no version
	"FN:No Version\n" +
	"TEL:100\n" +
	"END:VCARD\n" +
	"BEGIN:VCARD\n" + // 6: neither name nor number
	"VERSION:3.0\n" +
	"NOTE:nothing\n" +
	"END:VCARD\n" +
	"BEGIN:VCARD\n" + // 7: duplicate of card 1 by number (other format): merged
	"VERSION:3.0\n" +
	"FN:A. Lovelace\n" +
	"TEL:0044 (20) 7946-0958\n" +
	"TEL;TYPE=HOME:+44 20 7946 1111\n" +
	"CATEGORIES:Favorites\n" +
	"END:VCARD\n" +
	"BEGIN:VCARD\n" + // 8: a TEL that is not a number
	"VERSION:3.0\n" +
	"FN:Bad Tel\n" +
	"TEL:call me maybe\n" +
	"END:VCARD\n" +
	"BEGIN:VCARD\n" + // 9: version 2.1
	"VERSION:2.1\n" +
	"FN:Old Phone\n" +
	"TEL:+1 555 0100\n" +
	"END:VCARD\n" +
	"BEGIN:VCARD\n" + // 10: good, N only
	"VERSION:3.0\n" +
	"N:Hopper;Grace;;;\n" +
	"TEL:+1 (555) 010-0199\n" +
	"END:VCARD\n" +
	"BEGIN:VCARD\n" + // 11: no END at EOF
	"VERSION:3.0\n" +
	"FN:Truncated\n"

func TestVCardImportGoodAndBroken(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	res, err := s.Import(ctx, strings.NewReader(vcfMixed))
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 3 || res.Merged != 1 {
		t.Fatalf("added %d merged %d, want 3 and 1 (skipped %v)", res.Added, res.Merged, res.Skipped)
	}
	wantSkipped := map[int]string{2: "no END", 4: "outside", 5: "no VERSION", 6: "no name", 8: "not a phone number", 9: "2.1", 11: "end of the file"}
	if len(res.Skipped) != len(wantSkipped) {
		t.Fatalf("skipped %v", res.Skipped)
	}
	for _, e := range res.Skipped {
		if !strings.Contains(e.Error(), wantSkipped[e.Position]) {
			t.Errorf("card %d: %v, want it to mention %q", e.Position, e, wantSkipped[e.Position])
		}
		if !strings.HasPrefix(e.Error(), "card ") || e.Line == 0 {
			t.Errorf("position/line missing in %q", e)
		}
	}
	if e := res.Skipped[0]; e.Line != 9 || e.Position != 2 {
		t.Fatalf("first bad card at %d line %d", e.Position, e.Line)
	}
	cs, err := s.Contacts(ctx, ContactQuery{})
	if err != nil || len(cs) != 3 {
		t.Fatalf("contacts %+v %v", cs, err)
	}
	ada, alan, grace := cs[0], cs[1], cs[2]
	if ada.Name != "Ada Lovelace" || len(ada.Numbers) != 3 || !ada.Favourite || ada.Note != "Analytical engine, notes" {
		t.Fatalf("ada (merged) %+v", ada)
	}
	if ada.Numbers[0].Label != "mobile" || ada.Numbers[1].Label != "work" || ada.Numbers[2].Label != "home" {
		t.Fatalf("ada's labels %+v", ada.Numbers)
	}
	if alan.Name != "Alan Turing" || !alan.BLF || len(alan.Numbers) != 2 || alan.Numbers[0].Value != "+44-161-496-0000" ||
		alan.Numbers[1].Value != "sip:alan@bletchley.example" || alan.Numbers[1].Label != "sip" {
		t.Fatalf("alan %+v", alan)
	}
	if grace.Name != "Grace Hopper" {
		t.Fatalf("grace %+v", grace)
	}
	// Importing the same file again doubles nothing.
	res, err = s.Import(ctx, strings.NewReader(vcfMixed))
	if err != nil || res.Added != 0 || res.Merged != 4 {
		t.Fatalf("second import %+v %v", res, err)
	}
	if n, _ := s.CountContacts(ctx, ContactQuery{}); n != 3 {
		t.Fatalf("%d contacts after importing twice", n)
	}
	var ce *CardError
	if !errors.As(res.Skipped[0], &ce) || ce.Unwrap() == nil {
		t.Fatal("CardError does not unwrap")
	}
}

func TestVCardExportImportRoundTrip(t *testing.T) {
	for _, v4 := range []bool{false, true} {
		src := openTemp(t)
		ctx := testCtx(t)
		want := []Contact{
			{Name: "Ada Lovelace", Favourite: true, Note: "line one\nline two, with comma; and semicolon", UID: "urn:uuid:1",
				Numbers: []Number{{Label: "mobile", Value: "+44 20 7946 0958"}, {Label: "work", Value: "+44 20 7946 0000"}}},
			{Name: "Alan Turing", BLF: true, Numbers: []Number{{Label: "sip", Value: "sip:alan@bletchley.example"}, {Value: "100"}}},
			{Name: "Ünïcödé Ñame", Numbers: []Number{{Label: "home", Value: "+34 600 123 456"}}},
		}
		for i := range want {
			if err := src.SaveContact(ctx, &want[i]); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		n, err := src.Export(ctx, &buf, v4)
		if err != nil || n != 3 {
			t.Fatalf("export %d %v", n, err)
		}
		version := "VERSION:3.0"
		if v4 {
			version = "VERSION:4.0"
		}
		if strings.Count(buf.String(), version) != 3 {
			t.Fatalf("export:\n%s", buf.String())
		}
		dst := openTemp(t)
		res, err := dst.Import(ctx, bytes.NewReader(buf.Bytes()))
		if err != nil || res.Added != 3 || len(res.Skipped) != 0 {
			t.Fatalf("v4=%v import %+v %v\n%s", v4, res, err, buf.String())
		}
		got, _ := dst.Contacts(ctx, ContactQuery{})
		for i := range want {
			g, w := got[i], want[i]
			if g.Name != w.Name || g.Favourite != w.Favourite || g.BLF != w.BLF || g.Note != w.Note || g.UID != w.UID ||
				len(g.Numbers) != len(w.Numbers) {
				t.Fatalf("v4=%v round trip:\n got %+v\nwant %+v\n%s", v4, g, w, buf.String())
			}
			// 4.0 keeps the order (PREF=n), 3.0 the first number (TYPE=pref).
			for j, wn := range w.Numbers {
				k := 0
				for k < len(g.Numbers) && !SameNumber(g.Numbers[k].Value, wn.Value) {
					k++
				}
				if k == len(g.Numbers) || g.Numbers[k].Label != wn.Label || ((v4 || j == 0) && k != j) {
					t.Fatalf("v4=%v number %d %+v: got %+v\n%s", v4, j, wn, g.Numbers, buf.String())
				}
			}
		}
	}
}

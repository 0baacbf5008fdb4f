package presence

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// Presence is the part of a PIDF document (RFC 3863, with the RPID
// activity of RFC 4480) a softphone shows or publishes.
type Presence struct {
	Entity     string // sip:user@domain
	Open       bool   // basic status: open (reachable) or closed
	Note       string // free text ("On the phone")
	OnThePhone bool   // RPID activity on-the-phone
}

// BuildPIDF writes an application/pidf+xml document with one tuple (id
// tupleID) and, for OnThePhone, an RPID person element.
func BuildPIDF(p Presence, tupleID string) ([]byte, error) {
	if p.Entity == "" || tupleID == "" {
		return nil, fmt.Errorf("presence: PIDF needs an entity and a tuple id")
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="`)
	if err := xml.EscapeText(&b, []byte(p.Entity)); err != nil {
		return nil, err
	}
	b.WriteString(`">` + "\n" + `<tuple id="`)
	if err := xml.EscapeText(&b, []byte(tupleID)); err != nil {
		return nil, err
	}
	basic := "closed"
	if p.Open {
		basic = "open"
	}
	b.WriteString(`"><status><basic>` + basic + `</basic></status>`)
	if p.Note != "" {
		b.WriteString("<note>")
		if err := xml.EscapeText(&b, []byte(p.Note)); err != nil {
			return nil, err
		}
		b.WriteString("</note>")
	}
	b.WriteString("</tuple>\n")
	if p.OnThePhone {
		b.WriteString(`<dm:person id="p-`)
		if err := xml.EscapeText(&b, []byte(tupleID)); err != nil {
			return nil, err
		}
		b.WriteString(`"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person>` + "\n")
	}
	b.WriteString("</presence>\n")
	return b.Bytes(), nil
}

type xmlPresence struct {
	XMLName xml.Name `xml:"presence"`
	Entity  string   `xml:"entity,attr"`
	Tuples  []struct {
		Basic string   `xml:"status>basic"`
		Notes []string `xml:"note"`
	} `xml:"tuple"`
	Persons []struct {
		Activities struct {
			OnThePhone *struct{} `xml:"on-the-phone"`
		} `xml:"activities"`
	} `xml:"person"`
	Notes []string `xml:"note"`
}

// ParsePIDF reads a PIDF document: open when any tuple is open, the first
// note found, and the RPID on-the-phone activity.
func ParsePIDF(body []byte) (Presence, error) {
	if len(body) > MaxBody {
		return Presence{}, ErrTooLarge
	}
	var x xmlPresence
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&x); err != nil {
		return Presence{}, fmt.Errorf("presence: PIDF: %w", err)
	}
	p := Presence{Entity: strings.TrimSpace(x.Entity)}
	for _, t := range x.Tuples {
		switch strings.ToLower(strings.TrimSpace(t.Basic)) {
		case "open":
			p.Open = true
		case "closed", "":
		default:
			return Presence{}, fmt.Errorf("presence: PIDF basic status %q: want open or closed", t.Basic)
		}
		for _, n := range t.Notes {
			if p.Note == "" {
				p.Note = strings.TrimSpace(n)
			}
		}
	}
	for _, n := range x.Notes {
		if p.Note == "" {
			p.Note = strings.TrimSpace(n)
		}
	}
	for _, per := range x.Persons {
		if per.Activities.OnThePhone != nil {
			p.OnThePhone = true
		}
	}
	return p, nil
}

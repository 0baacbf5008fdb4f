package main

import (
	"debug/pe"
	"encoding/binary"
	"fmt"
)

// Resource types of a Windows program (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
)

// peResourceTypes lists the resource types in a Windows program's
// resource section: the numbered entries of the root directory.
func peResourceTypes(path string) (map[uint32]bool, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sec := f.Section(".rsrc")
	if sec == nil {
		return nil, fmt.Errorf("%s: no resource section", path)
	}
	b, err := sec.Data()
	if err != nil {
		return nil, err
	}
	// IMAGE_RESOURCE_DIRECTORY: 12 bytes, then the counts of named and
	// numbered entries, then 8-byte entries, named ones first.
	if len(b) < 16 {
		return nil, fmt.Errorf("%s: resource section of %d bytes", path, len(b))
	}
	le := binary.LittleEndian
	named, ids := int(le.Uint16(b[12:])), int(le.Uint16(b[14:]))
	if 16+8*(named+ids) > len(b) {
		return nil, fmt.Errorf("%s: resource directory overruns its section", path)
	}
	types := map[uint32]bool{}
	for i := named; i < named+ids; i++ {
		types[le.Uint32(b[16+8*i:])] = true
	}
	return types, nil
}

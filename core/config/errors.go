package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// FieldError is one problem in a config file.
//
// Messages never include the account password, even when the password
// itself is the offending value.
type FieldError struct {
	File  string
	Line  int    // 1-based; 0 when unknown
	Field string // e.g. "account[2].transport" (1-based index), "sip.listen"; may be ""
	Msg   string
}

// Error formats the problem as "file:line: field: msg", omitting empty parts.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(":")
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a file, sorted by line.
type Errors []*FieldError

// Error lists the problems one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the individual problems to errors.As and errors.Is.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// report collects problems while a file is decoded and validated.
type report struct {
	file string
	errs Errors
}

func (r *report) add(line int, field, format string, args ...any) {
	r.errs = append(r.errs, &FieldError{
		File:  r.file,
		Line:  line,
		Field: field,
		Msg:   fmt.Sprintf(format, args...),
	})
}

// err returns the collected problems sorted by line (stable, so problems
// on one line keep discovery order), or nil.
func (r *report) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(r.errs, func(a, b *FieldError) int { return a.Line - b.Line })
	return r.errs
}

package contacts

import (
	"context"
	"strconv"
	"strings"

	"gioui.org/layout"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// form is the add/edit screen's state.
type form struct {
	list         widget.List
	id           int64
	uid          string
	name, note   widget.Editor
	nums         []*numField
	addNum       widget.Clickable
	fav, blf     widget.Bool
	save, cancel widget.Clickable
	saving       bool
}

type numField struct {
	label, value widget.Editor
	remove       widget.Clickable
}

func newNumField(n core.ContactNumber) *numField {
	f := &numField{}
	f.label.SingleLine, f.value.SingleLine = true, true
	f.label.SetText(n.Label)
	f.value.SetText(n.Value)
	return f
}

// start fills the form from c (the zero Contact adds one).
func (f *form) start(c core.Contact) {
	f.id, f.uid, f.saving = c.ID, c.UID, false
	f.name.SingleLine = true
	f.name.SetText(c.Name)
	f.note.SetText(c.Note)
	f.fav.Value, f.blf.Value = c.Favourite, c.BLF
	f.nums = f.nums[:0]
	for _, n := range c.Numbers {
		f.nums = append(f.nums, newNumField(n))
	}
	if len(f.nums) == 0 {
		f.nums = append(f.nums, newNumField(core.ContactNumber{Label: "mobile"}))
	}
	f.list.Position = layout.Position{}
}

// contact is what the form holds.
func (f *form) contact() core.Contact {
	c := core.Contact{ID: f.id, UID: f.uid, Name: strings.TrimSpace(f.name.Text()), Note: strings.TrimSpace(f.note.Text()),
		Favourite: f.fav.Value, BLF: f.blf.Value}
	for _, n := range f.nums {
		c.Numbers = append(c.Numbers, core.ContactNumber{Label: strings.TrimSpace(n.label.Text()), Value: strings.TrimSpace(n.value.Text())})
	}
	return c
}

func (p *Page) handleEdit(gtx layout.Context, e *env.Env) {
	f := &p.form
	if f.cancel.Clicked(gtx) {
		p.setSaveErr("")
		if f.id != 0 {
			p.view = viewDetail
		} else {
			p.view = viewList
		}
		return
	}
	if f.addNum.Clicked(gtx) {
		f.nums = append(f.nums, newNumField(core.ContactNumber{}))
	}
	for i := 0; i < len(f.nums); i++ {
		if f.nums[i].remove.Clicked(gtx) {
			f.nums = append(f.nums[:i], f.nums[i+1:]...)
			i--
		}
	}
	if f.save.Clicked(gtx) && !f.saving {
		c := f.contact()
		f.saving = true
		p.setSaveErr("")
		p.data.Do(e, "Save contact", func(ctx context.Context, s core.Records) error {
			err := s.SaveContact(ctx, &c)
			p.mu.Lock()
			if err != nil {
				p.saveErr = err.Error()
				p.saved = nil
			} else {
				p.saveErr, p.saved = "", &c
			}
			p.mu.Unlock()
			if err == nil {
				p.Refresh()
			}
			return nil // shown on the form
		})
	}
	p.mu.Lock()
	saved, failed := p.saved, p.saveErr != ""
	p.saved = nil
	p.mu.Unlock()
	if failed {
		f.saving = false
	}
	if saved != nil {
		f.saving = false
		p.mu.Lock()
		p.detail = *saved
		p.mu.Unlock()
		p.det.reset()
		p.view = viewDetail
	}
}

func (p *Page) setSaveErr(s string) {
	p.mu.Lock()
	p.saveErr = s
	p.mu.Unlock()
}

// layoutEdit is the add/edit form.
func (p *Page) layoutEdit(gtx layout.Context, e *env.Env) layout.Dimensions {
	p.handleEdit(gtx, e)
	if p.view != viewEdit {
		return p.Layout(gtx, e)
	}
	th := e.Theme
	f := &p.form
	p.mu.Lock()
	errText := p.saveErr
	p.mu.Unlock()
	title := "Edit contact"
	if f.id == 0 {
		title = "New contact"
	}
	items := []layout.Widget{
		func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 12, Bottom: 8}.Layout(gtx, widgets.Title(th, title).Layout)
		},
		field(th, &f.name, "Name", "Contact name"),
	}
	for i, n := range f.nums {
		items = append(items, func(gtx layout.Context) layout.Dimensions { return p.layoutNumField(gtx, e, i, n) })
	}
	items = append(items,
		func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 4, Bottom: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.PlainButton(gtx, th, &f.addNum, "Add number", "Add another number or SIP address")
			})
		},
		field(th, &f.note, "Note", "Note"),
		func(gtx layout.Context) layout.Dimensions {
			return material.CheckBox(th.Theme, &f.fav, "Favourite").Layout(gtx)
		},
		func(gtx layout.Context) layout.Dimensions {
			return material.CheckBox(th.Theme, &f.blf, "Watch presence (busy lamp)").Layout(gtx)
		},
		func(gtx layout.Context) layout.Dimensions {
			if errText == "" {
				return layout.Dimensions{}
			}
			l := material.Body2(th.Theme, errText)
			l.Color = th.Danger
			return layout.Inset{Top: 8}.Layout(gtx, l.Layout)
		},
		func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 12, Bottom: 24}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.TextButton(gtx, th, &f.save, "Save", "Save the contact", th.ContrastBg, th.ContrastFg)
					}),
					layout.Rigid(layout.Spacer{Width: 8}.Layout),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.PlainButton(gtx, th, &f.cancel, "Cancel", "Discard the changes")
					}),
				)
			})
		},
	)
	return material.List(th.Theme, &f.list).Layout(gtx, len(items), func(gtx layout.Context, i int) layout.Dimensions {
		return layout.Inset{Left: 16, Right: 16}.Layout(gtx, items[i])
	})
}

// field is a labelled editor.
func field(th *theme.Theme, ed *widget.Editor, hint, desc string) layout.Widget {
	return func(gtx layout.Context) layout.Dimensions {
		return layout.Inset{Top: 6, Bottom: 6}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return widgets.Described(gtx, desc, material.Editor(th.Theme, ed, hint).Layout)
		})
	}
}

func (p *Page) layoutNumField(gtx layout.Context, e *env.Env, i int, n *numField) layout.Dimensions {
	th := e.Theme
	return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
		layout.Flexed(0.3, field(th, &n.label, "Label", "Label of number "+strconv.Itoa(i+1))),
		layout.Rigid(layout.Spacer{Width: 8}.Layout),
		layout.Flexed(0.7, field(th, &n.value, "Number or sip:address", "Number "+strconv.Itoa(i+1))),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.TintedIconButton(gtx, th, &n.remove, icClear, "Remove number "+strconv.Itoa(i+1), th.Muted)
		}),
	)
}

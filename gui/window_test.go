package gui

import (
	"testing"

	"gioui.org/app"
	"gioui.org/io/event"
)

func TestWindowEventTurnsGiosInitPanicIntoAnError(t *testing.T) {
	_, err := windowEvent(func() event.Event { panic(giosInitPanic) })
	if err == nil {
		t.Fatal("a window Gio could not make: no error")
	}
}

func TestWindowEventPassesEvents(t *testing.T) {
	e, err := windowEvent(func() event.Event { return app.DestroyEvent{} })
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := e.(app.DestroyEvent); !ok {
		t.Fatalf("got %T, want app.DestroyEvent", e)
	}
}

func TestWindowEventLetsOtherPanicsGoOn(t *testing.T) {
	defer func() {
		if r := recover(); r != "a bug in a page" {
			t.Fatalf("recovered %v, want the page's panic", r)
		}
	}()
	_, _ = windowEvent(func() event.Event { panic("a bug in a page") })
	t.Fatal("the panic was swallowed")
}

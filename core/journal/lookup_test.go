package journal_test

import (
	"context"
	"testing"
	"time"

	"github.com/softphone/softphone/core/journal"
	"github.com/softphone/softphone/core/store"
)

func TestContactNameFromStore(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	bob := store.Contact{Name: " Bob Builder ", Numbers: []store.Number{{Value: "+44 20 7946 0958"}, {Value: "sip:bob@example.org"}}}
	if err := st.SaveContact(ctx, &bob); err != nil {
		t.Fatal(err)
	}
	for remote, want := range map[string]string{
		"sip:+442079460958@pbx.example.org;user=phone": "Bob Builder",
		"sip:bob@example.org":                          "Bob Builder",
		"sip:alice@example.org":                        "",
		"":                                             "",
	} {
		if got := journal.ContactName(ctx, st, remote); got != want {
			t.Errorf("ContactName(%q) = %q, want %q", remote, got, want)
		}
	}
	if got := journal.ContactName(ctx, nil, "sip:bob@example.org"); got != "" {
		t.Errorf("without a store: %q", got)
	}
}

// stuckMatcher answers only when its context is done.
type stuckMatcher struct{}

func (stuckMatcher) MatchNumber(ctx context.Context, _ string) (store.Contact, bool, error) {
	<-ctx.Done()
	return store.Contact{}, false, ctx.Err()
}

// TestContactNameGivesUpInTime: a store that does not answer costs the
// call its name, not more than LookupTimeout.
func TestContactNameGivesUpInTime(t *testing.T) {
	start := time.Now()
	if got := journal.ContactName(context.Background(), stuckMatcher{}, "sip:bob@example.org"); got != "" {
		t.Fatalf("got %q", got)
	}
	if took := time.Since(start); took > journal.LookupTimeout+time.Second {
		t.Fatalf("took %v", took)
	}
}

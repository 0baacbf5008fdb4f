package presence

import (
	"strings"
	"testing"
)

func TestParseMessageSummary(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    MessageSummary
		wantErr string
	}{
		{
			name: "rfc3842 example",
			body: "Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 4/8 (1/2)\r\n",
			want: MessageSummary{Waiting: true, Account: "sip:alice@vmail.example.com", Classes: map[string]Counts{"voice-message": {4, 8, 1, 2}}},
		},
		{
			name: "no urgent part, lower case, LF only",
			body: "messages-waiting: YES\nvoice-message: 1/0\n",
			want: MessageSummary{Waiting: true, Classes: map[string]Counts{"voice-message": {New: 1}}},
		},
		{
			name: "nothing waiting",
			body: "Messages-Waiting: no\r\n",
			want: MessageSummary{},
		},
		{
			name: "several classes and message headers after the blank line",
			body: "Messages-Waiting: yes\r\nVoice-Message: 2/3\r\nFax-Message: 1/0 (0/0)\r\nX-Vendor: whatever\r\n\r\nTo: <sip:alice@example.com>\r\nSubject: hi\r\n",
			want: MessageSummary{Waiting: true, Classes: map[string]Counts{"voice-message": {New: 2, Old: 3}, "fax-message": {New: 1}}},
		},
		{name: "empty", body: "", wantErr: "without Messages-Waiting"},
		{name: "bad yes/no", body: "Messages-Waiting: maybe\r\n", wantErr: "want yes or no"},
		{name: "no colon", body: "Messages-Waiting yes\r\n", wantErr: "no colon"},
		{name: "bad counts", body: "Messages-Waiting: yes\r\nVoice-Message: two/3\r\n", wantErr: "want two numbers"},
		{name: "negative", body: "Messages-Waiting: yes\r\nVoice-Message: -1/3\r\n", wantErr: "want two numbers"},
		{name: "unclosed urgent", body: "Messages-Waiting: yes\r\nVoice-Message: 1/3 (0/1\r\n", wantErr: "unclosed"},
		{name: "huge", body: "Messages-Waiting: yes\r\nVoice-Message: 99999999999/3\r\n", wantErr: "want two numbers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMessageSummary([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one containing %q (got %+v)", err, tt.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Waiting != tt.want.Waiting || got.Account != tt.want.Account || len(got.Classes) != len(tt.want.Classes) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for k, v := range tt.want.Classes {
				if got.Classes[k] != v {
					t.Fatalf("class %s: got %+v, want %+v", k, got.Classes[k], v)
				}
			}
		})
	}
}

func TestMessageSummaryRoundTrip(t *testing.T) {
	in := MessageSummary{Waiting: true, Account: "sip:bob@example.com", Classes: map[string]Counts{
		"voice-message": {3, 5, 1, 0}, "fax-message": {0, 2, 0, 0},
	}}
	body := in.Format()
	if !strings.Contains(string(body), "Voice-Message: 3/5 (1/0)\r\n") || !strings.Contains(string(body), "Fax-Message: 0/2 (0/0)\r\n") {
		t.Fatalf("format:\n%s", body)
	}
	out, err := ParseMessageSummary(body)
	if err != nil {
		t.Fatal(err)
	}
	if out.Voice() != in.Voice() || out.Classes["fax-message"] != in.Classes["fax-message"] || out.Account != in.Account || !out.Waiting {
		t.Fatalf("round trip: %+v -> %+v", in, out)
	}
}

func FuzzParseMessageSummary(f *testing.F) {
	for _, s := range []string{
		"Messages-Waiting: yes\r\nVoice-Message: 4/8 (1/2)\r\n",
		"Messages-Waiting: no\r\n",
		"Messages-Waiting: yes\nVoice-Message: 1/\n",
		"Voice-Message: (/)\r\n",
		"Messages-Waiting: yes\r\n\r\nTo: x\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := ParseMessageSummary(body)
		if err != nil {
			return
		}
		// What parses must survive a round trip unchanged.
		again, err := ParseMessageSummary(s.Format())
		if err != nil {
			t.Fatalf("reparse of %q: %v", s.Format(), err)
		}
		if again.Waiting != s.Waiting || again.Voice() != s.Voice() {
			t.Fatalf("round trip %+v -> %+v", s, again)
		}
	})
}

package store

import (
	"errors"
	"testing"
)

func TestNamesAny(t *testing.T) {
	names := ParticipantNames([]Participant{
		{Name: "José Ruiz", Aliases: []string{"Pepe"}},
		{Name: "Ana María López"},
		{Name: "Dana Whitfield"},
	})
	tests := []struct {
		text string
		want bool
	}{
		{"relapse plan for José Ruiz", true},
		{"relapse plan for jose RUIZ", true}, // case and accents
		{"JOSÉ  ruiz: housing", true},        // spacing and punctuation
		{"call Pepe's sister", true},         // alias, possessive
		{"Ana López at the shelter", true},   // first and last of a long name
		{"ana maria lopez", true},            // the full long name
		{"Josette Ruizton", false},           // not whole words
		{"Ruiz", false},                      // a surname alone is not the name
		{"Dana", false},                      // nor a first name alone
		{"follow up with Dana Whitfield", true},
		{"follow up with danawhitfield", false},
		{"Whitfield Dana", false}, // order matters
		{"bring the housing list", false},
		{"", false},
		{"Dana W. back on heroin, warrant risk", true}, // first name and last initial
		{"dana w is housed", true},
		{"Dana will call", false},                     // a first name alone, still not
		{"Dana Wednesday", false},                     // nor with another word of that letter
		{"P-0003 relapsed, using heroin daily", true}, // an id names as surely
		{"see p-12 and l 0004", true},
		{"warrant on L-0008", true},
		{"R-0116 came back", true},
		{"meet at pier 39", false},
		{"plan B for the P block", false},
	}
	for _, tt := range tests {
		if _, got := NamesAny(tt.text, names); got != tt.want {
			t.Errorf("NamesAny(%q) => %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestCheckGeneralText(t *testing.T) {
	names := []string{"Dana Whitfield"}
	base := Meeting{Items: []AgendaItem{
		{ID: "1", Kind: ItemGoalReview, Subject: "P-0001", Title: "Goal review: P-0001"},
		{ID: "2", Kind: ItemOther, Title: "Other business", Typed: true},
		{ID: "3", Kind: ItemActionItems, Subject: "M-0001", Title: "Action items"},
	}}
	with := func(f func(*Meeting)) Meeting {
		m := base
		m.Items = append([]AgendaItem(nil), base.Items...)
		f(&m)
		return m
	}
	tests := []struct {
		name string
		m    Meeting
		want bool // refused
	}{
		{"attached note may name", with(func(m *Meeting) { m.Items[0].Notes = []Note{{Text: "Dana Whitfield is housed"}} }), false},
		{"general note may not", with(func(m *Meeting) { m.Items[1].Notes = []Note{{Text: "dana whitfield relapse"}} }), true},
		{"note on last meeting's actions is general", with(func(m *Meeting) { m.Items[2].Notes = []Note{{Text: "Dana Whitfield"}} }), true},
		{"typed general title", with(func(m *Meeting) {
			m.Items = append(m.Items, AgendaItem{ID: "4", Kind: ItemOther, Title: "Dana Whitfield relapse plan", Typed: true})
		}), true},
		{"typed attached title", with(func(m *Meeting) {
			m.Items = append(m.Items, AgendaItem{ID: "4", Kind: ItemOther, Subject: "P-0001", Title: "Dana Whitfield relapse plan", Typed: true})
		}), false},
		{"general action item", with(func(m *Meeting) { m.ActionItems = []ActionItem{{Text: "call Dana Whitfield", Owner: "pat"}} }), true},
		{"action attached by subject", with(func(m *Meeting) {
			m.ActionItems = []ActionItem{{Text: "call Dana Whitfield", Owner: "pat", Subject: "P-0001"}}
		}), false},
		{"action on an attached item", with(func(m *Meeting) {
			m.ActionItems = []ActionItem{{Text: "call Dana Whitfield", Owner: "pat", ItemID: "1"}}
		}), false},
		{"general decision", with(func(m *Meeting) { m.Items[1].Decisions = []Decision{{Text: "Dana Whitfield to housing"}} }), true},
		{"clean text", with(func(m *Meeting) { m.ActionItems = []ActionItem{{Text: "bring the housing list", Owner: "pat"}} }), false},
	}
	for _, tt := range tests {
		err := CheckGeneralText(&base, tt.m, names)
		if got := err != nil; got != tt.want {
			t.Errorf("%s: CheckGeneralText => %v, want refused %v", tt.name, err, tt.want)
		}
		if err != nil && !errors.Is(err, ErrNamesParticipant) {
			t.Errorf("%s: err %v is not ErrNamesParticipant", tt.name, err)
		}
	}
	// text already stored is not checked again
	old := with(func(m *Meeting) {
		m.ActionItems = []ActionItem{{ID: "A-0001", Text: "call Dana Whitfield", Owner: "pat"}}
	})
	if err := CheckGeneralText(&old, old, names); err != nil {
		t.Errorf("stored text checked again => %v", err)
	}
}

func TestCheckActionDue(t *testing.T) {
	day := DateOf(asOf)
	old := Meeting{Date: day, ActionItems: []ActionItem{{ID: "A-0001", Due: day.AddDate(0, 0, -3)}}} // legacy
	tests := []struct {
		name string
		m    Meeting
		want bool // refused
	}{
		{"legacy item kept as is", old, false},
		{"new item due the meeting day", Meeting{Date: day, ActionItems: append(old.ActionItems, ActionItem{Due: day})}, false},
		{"new item due before", Meeting{Date: day, ActionItems: append(old.ActionItems, ActionItem{Due: day.AddDate(0, 0, -1)})}, true},
		{"re-dated before", Meeting{Date: day, ActionItems: []ActionItem{{ID: "A-0001", Due: day.AddDate(0, 0, -5)}}}, true},
		{"no due date", Meeting{Date: day, ActionItems: []ActionItem{{}}}, false},
	}
	for _, tt := range tests {
		if err := CheckActionDue(&old, tt.m); (err != nil) != tt.want {
			t.Errorf("%s: CheckActionDue => %v, want refused %v", tt.name, err, tt.want)
		}
	}
}

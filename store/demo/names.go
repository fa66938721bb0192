package demo

// Synthetic people: every name, date and story here is invented. The lists
// are long enough that a seed picks a varied, diverse site.

var firstNames = []string{
	"José", "Aaliyah", "Dmitri", "Mary", "Lan", "DeShawn", "Maria", "Tyrone", "Fatima", "Kevin",
	"Rosa", "Marcus", "Ayesha", "Luis", "Keisha", "Tomás", "Mei", "Jamal", "Sarah", "Ahmed",
	"Guadalupe", "Darnell", "Olga", "Hector", "Tamika", "Bao", "Curtis", "Leilani", "Ramón", "Shanice",
	"Björn", "Zainab", "Travis", "Esperanza", "Wei", "Latoya", "Andrés", "Crystal", "Kwame", "Renée",
	"Jesús", "Hoa", "Terrence", "Yolanda", "Ibrahim", "Brandy", "Joaquín", "Precious", "Sergei", "Tiana",
}

var lastNames = []string{
	"Núñez", "Washington", "Volkov", "Two Feathers", "Nguyễn", "Jackson", "García", "Brown", "Hassan", "O'Brien",
	"Hernández", "Johnson", "Begay", "Martínez", "Williams", "Pérez", "Chen", "Okafor", "Miller", "Abdi",
	"Ramírez", "Thompson", "Kowalski", "Sánchez", "Davis", "Trần", "Lee", "Kahananui", "Ortiz", "Robinson",
	"Lindqvist", "Mohamed", "Walker", "Flores", "Zhang", "Harris", "Gutiérrez", "Yazzie", "Mensah", "Dubois",
	"Rivera", "Phạm", "Coleman", "Reyes", "Ali", "Nelson", "Castillo", "Morningstar", "Ivanov", "Young",
}

// fixedNames open the participant list so the demo always shows these.
var fixedNames = []string{
	"José Núñez", "Nguyễn Thị Lan", "Aaliyah Washington", "Dmitri Volkov", "Mary Two Feathers",
	"Björn Lindqvist", "Fatima Hassan", "Leilani Kahananui",
}

// raceEthnicities are HUD's categories (store.RaceCategories), one or more
// a person, and blank (not recorded).
var raceEthnicities = []string{
	"Black, African American, or African", "Black, African American, or African", "Black, African American, or African",
	"White", "White", "White", "Hispanic/Latina/e/o", "Hispanic/Latina/e/o; White",
	"American Indian, Alaska Native, or Indigenous", "Asian or Asian American", "Native Hawaiian or Pacific Islander",
	"Black, African American, or African; White", "",
}

var pronouns = []string{"he/him", "she/her", "they/them", "he/him", "she/her", ""}

var housing = []string{"unsheltered", "unsheltered", "shelter", "vehicle", "couch surfing", "transitional housing", "permanent housing"}

type goalText struct {
	words  string
	domain string
}

var goalTexts = []goalText{
	{"I want my own place where my dog can stay", "housing"},
	{"get my ID back so I can apply for SSI", "income"},
	{"get into a shelter that takes couples", "housing"},
	{"see my kids on weekends again", "relationships"},
	{"get my teeth fixed so I can smile at job interviews", "health"},
	{"cut down to where I'm not using every day", "substance_use"},
	{"take care of my warrant so I stop looking over my shoulder", "legal"},
	{"get back on my meds and stay on them", "health"},
	{"find work, even part time, at a warehouse", "income"},
	{"call my mom on her birthday", "relationships"},
	{"get my driver's license back", "legal"},
	{"get into detox when a bed opens", "substance_use"},
	{"have a phone that stays charged so my case manager can reach me", "other"},
	{"get a storage unit so my stuff stops getting taken", "other"},
	{"finish my GED", "other"},
	{"get on the housing list before winter", "housing"},
	{"stop getting picked up downtown", "legal"},
	{"see a doctor about my leg", "health"},
	{"get my food stamps turned back on", "income"},
	{"make peace with my brother", "relationships"},
	{"try methadone again, for real this time", "substance_use"},
	{"keep my tent spot safe through the sweep", "housing"},
}

var progressNotes = map[string][]string{
	"forward": {
		"made the appointment and went", "got the paperwork in", "called back the same day",
		"picked up the documents", "showed up on time", "talked it through and has a plan",
	},
	"no_change": {
		"still waiting to hear back", "did not make it this week", "thinking it over",
		"paperwork still pending", "nothing new this month",
	},
	"setback": {
		"lost the paperwork in a sweep", "missed the appointment", "back to using after a hard week",
		"phone stolen, out of touch for a while", "turned away: needed another document",
	},
}

// clinicalProgressNotes are the progress notes that are clinical on any
// goal (they speak of substance use or treatment).
var clinicalProgressNotes = []string{"back to using after a hard week"}

var generalNotes = []string{
	"Checked in at the usual spot; brought water and socks.",
	"Rode together to the benefits office.",
	"Phone check-in, doing okay, asked about the housing list.",
	"Met at the office to fill out the ID application.",
	"Went to court together; hearing continued.",
	"Officer called us to the scene; warm handoff went well.",
	"Dropped off a bus pass and a charger.",
	"Short visit, said the week was rough but hanging in.",
}

var clinicalNotes = []string{
	"Talked about cravings and a plan for the weekend.",
	"Reported anxiety has been worse; connected with the clinic nurse.",
	"Discussed medication side effects; will raise with prescriber.",
	"Shared some history of trauma; followed their lead.",
	"Screening done; referred to the treatment provider with consent.",
}

var locations = []string{
	"3rd Ave & Pine", "Central Library steps", "Transit center, bay 4", "Riverside encampment",
	"Market St corner store", "Eastside park", "Bus 7 at Main St", "Union Gospel Mission",
}

var courts = []string{"Municipal Court", "District Court", "Superior Court"}

var chargesByKind = []string{
	"drug possession", "criminal trespass", "theft 3rd degree", "transit fare evasion",
	"obstruction", "public disorder", "prostitution",
}

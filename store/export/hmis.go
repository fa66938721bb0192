package export

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/report"
)

// HMIS CSV FY2024 (HUD's HMIS CSV Format Specifications, 2024): the
// smallest useful subset, one LEAD project. Column names are HUD's, in
// HUD's order.
var (
	HMISExportColumns = []string{"ExportID", "SourceType", "SourceID", "SourceName", "SourceContactFirst", "SourceContactLast",
		"SourceContactPhone", "SourceContactExtension", "SourceContactEmail", "ExportDate", "ExportStartDate", "ExportEndDate",
		"SoftwareName", "SoftwareVersion", "CSVVersion", "ExportPeriodType", "ExportDirective", "HashStatus", "ImplementationID"}
	HMISOrganizationColumns = []string{"OrganizationID", "OrganizationName", "VictimServiceProvider", "OrganizationCommonName",
		"DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID"}
	HMISProjectColumns = []string{"ProjectID", "OrganizationID", "ProjectName", "ProjectCommonName", "OperatingStartDate",
		"OperatingEndDate", "ContinuumProject", "ProjectType", "HousingType", "RRHSubType", "ResidentialAffiliation",
		"TargetPopulation", "HOPWAMedAssistedLivingFac", "PITCount", "DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID"}
	HMISClientColumns = []string{"PersonalID", "FirstName", "MiddleName", "LastName", "NameSuffix", "NameDataQuality", "SSN",
		"SSNDataQuality", "DOB", "DOBDataQuality", "AmIndAKNative", "Asian", "BlackAfAmerican", "HispanicLatinaeo",
		"MidEastNAfrican", "NativeHIPacific", "White", "RaceNone", "AdditionalRaceEthnicity", "Woman", "Man", "NonBinary",
		"CulturallySpecific", "Transgender", "Questioning", "DifferentIdentity", "GenderNone", "DifferentIdentityText",
		"VeteranStatus", "YearEnteredService", "YearSeparated", "WorldWarII", "KoreanWar", "VietnamWar", "DesertStorm",
		"AfghanistanOEF", "IraqOIF", "IraqOND", "OtherTheater", "MilitaryBranch", "DischargeStatus", "DateCreated",
		"DateUpdated", "UserID", "DateDeleted", "ExportID"}
	HMISEnrollmentColumns = []string{"EnrollmentID", "PersonalID", "ProjectID", "EntryDate", "HouseholdID", "RelationshipToHoH",
		"EnrollmentCoC", "LivingSituation", "RentalSubsidyType", "LengthOfStay", "LOSUnderThreshold", "PreviousStreetESSH",
		"DateToStreetESSH", "TimesHomelessPastThreeYears", "MonthsHomelessPastThreeYears", "DisablingCondition",
		"DateOfEngagement", "MoveInDate", "DateOfPATHStatus", "ClientEnrolledInPATH", "ReasonNotEnrolled", "PercentAMI",
		"ReferralSource", "CountOutreachReferralApproaches", "DateOfBCPStatus", "EligibleForRHY", "ReasonNoServices",
		"RunawayYouth", "SexualOrientation", "SexualOrientationOther", "FormerWardChildWelfare", "ChildWelfareYears",
		"ChildWelfareMonths", "FormerWardJuvenileJustice", "JuvenileJusticeYears", "JuvenileJusticeMonths", "UnemploymentFam",
		"MentalHealthDisorderFam", "PhysicalDisabilityFam", "AlcoholDrugUseDisorderFam", "InsufficientIncome",
		"IncarceratedParent", "VAMCStation", "TargetScreenReqd", "TimeToHousingLoss", "AnnualPercentAMI",
		"LiteralHomelessHistory", "ClientLeaseholder", "HOHLeaseholder", "SubsidyAtRisk", "EvictionHistory", "CriminalRecord",
		"IncarceratedAdult", "PrisonDischarge", "SexOffender", "DisabledHoH", "CurrentPregnant", "SingleParent",
		"DependentUnder6", "HH5Plus", "CoCPrioritized", "HPScreeningScore", "ThresholdScore", "TranslationNeeded",
		"PreferredLanguage", "PreferredLanguageDifferent", "DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID"}
	HMISExitColumns = []string{"ExitID", "EnrollmentID", "PersonalID", "ExitDate", "Destination", "DestinationSubsidyType",
		"OtherDestination", "HousingAssessment", "SubsidyInformation", "ProjectCompletionStatus", "EarlyExitReason",
		"ExchangeForSex", "ExchangeForSexPastThreeMonths", "CountOfExchangeForSex", "AskedOrForcedToExchangeForSex",
		"AskedOrForcedToExchangeForSexPastThreeMonths", "WorkPlaceViolenceThreats", "WorkplacePromiseDifference",
		"CoercedToContinueWork", "LaborExploitPastThreeMonths", "CounselingReceived", "IndividualCounseling",
		"FamilyCounseling", "GroupCounseling", "SessionCountAtExit", "PostExitCounselingPlan", "SessionsInPlan",
		"DestinationSafeClient", "DestinationSafeWorker", "PosAdultConnections", "PosPeerConnections",
		"PosCommunityConnections", "AftercareDate", "AftercareProvided", "EmailSocialMedia", "Telephone",
		"InPersonIndividual", "InPersonGroup", "CMExitReason", "DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID"}
	HMISCurrentLivingSituationColumns = []string{"CurrentLivingSitID", "EnrollmentID", "PersonalID", "InformationDate",
		"CurrentLivingSituation", "CLSSubsidyType", "VerifiedBy", "LeaveSituation14Days", "SubsequentResidence",
		"ResourcesToObtain", "LeaseOwn60Day", "MovedTwoOrMore", "LocationDetails", "DateCreated", "DateUpdated", "UserID",
		"DateDeleted", "ExportID"}
	HMISServicesColumns = []string{"ServicesID", "EnrollmentID", "PersonalID", "DateProvided", "RecordType", "TypeProvided",
		"OtherTypeProvided", "MovingOnOtherType", "SubTypeProvided", "FAAmount", "FAStartDate", "FAEndDate", "ReferralOutcome",
		"DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID"}
)

// HUD FY2024 codes owg writes.
const (
	// LivingSituation / CurrentLivingSituation / Destination (3.917, 4.12, 3.12).
	HMISPlaceNotMeant    = 116
	HMISEmergencyShelter = 101
	HMISTransitional     = 302
	HMISStayingFriends   = 313
	HMISRentalNoSubsidy  = 410
	HMISOther            = 17
	HMISDataNotCollected = 99
	// ProjectType 6: Services Only.
	HMISServicesOnly = 6
	// Services: RecordType 141 (PATH service), TypeProvided 6 (case
	// management): HUD's only case-management service code.
	HMISRecordPATHService = 141
	HMISTypeCaseMgmt      = 6
)

// HMISLivingSituation maps a housing status to HUD's FY2024 living
// situation code: unsheltered and vehicles 116, shelters 101,
// transitional housing 302, couch surfing 313, permanent housing 410,
// other 17, blank 99.
func HMISLivingSituation(housing string) int {
	h := strings.ToLower(housing)
	switch report.HousingCategory(housing) {
	case report.HousingUnknown:
		return HMISDataNotCollected
	case report.HousingUnsheltered:
		return HMISPlaceNotMeant
	case report.HousingSheltered:
		if strings.Contains(h, "transitional") {
			return HMISTransitional
		}
		return HMISEmergencyShelter
	case report.HousingPermanent:
		return HMISRentalNoSubsidy
	}
	switch {
	case strings.Contains(h, "vehicle") || strings.Contains(h, "car") || strings.Contains(h, "tent"):
		return HMISPlaceNotMeant
	case strings.Contains(h, "couch") || strings.Contains(h, "friend") || strings.Contains(h, "family"):
		return HMISStayingFriends
	}
	return HMISOther
}

// HMISInput is what the HMIS export reads.
type HMISInput struct {
	Site         string
	Agency       string // the HMIS agency the protocol names
	Now          time.Time
	Participants []store.Participant
	ROIs         map[string][]store.ROI
	Contacts     map[string][]store.Contact
	History      map[string][]store.HistoryEvent // participant events, sorted
}

// HMISFile is one CSV file of the export.
type HMISFile struct {
	Name   string
	Header []string
	Rows   [][]string
}

// HMISResult is the export: its files, the participants exported and
// how many were left out for want of an ROI naming the HMIS agency.
type HMISResult struct {
	Files    []HMISFile
	Exported []string
	LeftOut  int
}

// HMISCoverage is what the valid ROIs of a participant release to the
// HMIS agency named by agency (by name only: an ROI naming a role does not
// name the HMIS).
func HMISCoverage(agency string, rois []store.ROI, day time.Time) store.Coverage {
	if strings.TrimSpace(agency) == "" {
		return 0
	}
	return store.ROICoverage(rois, store.Actor{Agency: agency}, day)
}

func hmisDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func hmisTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// raceFlags maps a race/ethnicity value to HUD's race columns (1 or 0,
// by column name) and RaceNone (8, 9 or 99 when no category is given).
// Free text from before the vocabulary is data not collected; it never
// goes to AdditionalRaceEthnicity.
func raceFlags(s string) (flags map[string]int, none string) {
	flags = map[string]int{}
	for _, c := range store.RaceCategories {
		flags[c.Column] = 0
	}
	cs := store.RaceEthnicityOf(s)
	if len(cs) == 0 {
		return flags, strconv.Itoa(HMISDataNotCollected)
	}
	for _, c := range cs {
		if c.Column == "" {
			return flags, strconv.Itoa(c.Code)
		}
		flags[c.Column] = 1
	}
	return flags, ""
}

func splitName(name string) (first, last string) {
	f := strings.Fields(store.CleanLine(name))
	switch len(f) {
	case 0:
		return "", ""
	case 1:
		return f[0], ""
	}
	return f[0], strings.Join(f[1:], " ")
}

func blank(n int) []string { return make([]string, n) }

// HMIS builds the HMIS CSV export of in: every participant whose valid ROI
// names the HMIS agency and releases identity; contacts only where it
// releases general contacts (clinical ones where it releases sensitive
// data), as case-management services and living situations. Contact notes
// never leave owg.
func HMIS(in HMISInput) HMISResult {
	day := store.DateOf(in.Now)
	exportID := "OWG" + in.Now.UTC().Format("20060102")
	user := "owg"
	var res HMISResult
	client := HMISFile{Name: "Client.csv", Header: HMISClientColumns}
	enrol := HMISFile{Name: "Enrollment.csv", Header: HMISEnrollmentColumns}
	exit := HMISFile{Name: "Exit.csv", Header: HMISExitColumns}
	cls := HMISFile{Name: "CurrentLivingSituation.csv", Header: HMISCurrentLivingSituationColumns}
	svc := HMISFile{Name: "Services.csv", Header: HMISServicesColumns}
	start := day
	for _, p := range in.Participants {
		cov := HMISCoverage(in.Agency, in.ROIs[p.ID], day)
		if !cov.Has(store.DataIdentity) {
			res.LeftOut++
			continue
		}
		res.Exported = append(res.Exported, p.ID)
		if !p.EnrolledOn.IsZero() && p.EnrolledOn.Before(start) {
			start = p.EnrolledOn
		}
		evs := in.History[p.ID]
		housingAt := func(t time.Time) string {
			if v := store.StatusAt(evs, store.HistHousing, t); v != "" {
				return v
			}
			return p.Housing
		}
		enrollmentID := "E" + strings.TrimPrefix(p.ID, "P-")

		row := blank(len(HMISClientColumns))
		set := func(row []string, cols []string, name, v string) {
			for i, c := range cols {
				if c == name {
					row[i] = v
					return
				}
			}
			panic("hmis: no column " + name)
		}
		first, last := splitName(p.Name)
		nameQ := "1"
		if first == "" || last == "" {
			nameQ = "2"
		}
		set(row, HMISClientColumns, "PersonalID", p.ID)
		set(row, HMISClientColumns, "FirstName", first)
		set(row, HMISClientColumns, "LastName", last)
		set(row, HMISClientColumns, "NameDataQuality", nameQ)
		set(row, HMISClientColumns, "SSNDataQuality", "99")
		set(row, HMISClientColumns, "DOB", hmisDate(p.DOB))
		dobQ := "1"
		if p.DOB.IsZero() {
			dobQ = "99"
		}
		set(row, HMISClientColumns, "DOBDataQuality", dobQ)
		flags, none := raceFlags(p.RaceEthnicity)
		for _, c := range store.RaceCategories {
			set(row, HMISClientColumns, c.Column, strconv.Itoa(flags[c.Column]))
		}
		set(row, HMISClientColumns, "RaceNone", none)
		for _, c := range []string{"Woman", "Man", "NonBinary", "CulturallySpecific", "Transgender", "Questioning", "DifferentIdentity"} {
			set(row, HMISClientColumns, c, "0")
		}
		set(row, HMISClientColumns, "GenderNone", "99")
		set(row, HMISClientColumns, "VeteranStatus", "99")
		for _, c := range [][2]string{{"DateCreated", hmisTime(p.Created)}, {"DateUpdated", hmisTime(p.Updated)}, {"UserID", user}, {"ExportID", exportID}} {
			set(row, HMISClientColumns, c[0], c[1])
		}
		client.Rows = append(client.Rows, row)

		row = blank(len(HMISEnrollmentColumns))
		set(row, HMISEnrollmentColumns, "EnrollmentID", enrollmentID)
		set(row, HMISEnrollmentColumns, "PersonalID", p.ID)
		set(row, HMISEnrollmentColumns, "ProjectID", "LEAD")
		set(row, HMISEnrollmentColumns, "EntryDate", hmisDate(p.EnrolledOn))
		set(row, HMISEnrollmentColumns, "HouseholdID", "H"+strings.TrimPrefix(p.ID, "P-"))
		set(row, HMISEnrollmentColumns, "RelationshipToHoH", "1")
		set(row, HMISEnrollmentColumns, "LivingSituation", strconv.Itoa(HMISLivingSituation(housingAt(p.EnrolledOn.Add(24*time.Hour-time.Second)))))
		set(row, HMISEnrollmentColumns, "DisablingCondition", "99")
		for _, e := range evs {
			if e.Field == store.HistStatus && e.To == string(store.StatusEngaging) {
				set(row, HMISEnrollmentColumns, "DateOfEngagement", hmisDate(e.Time))
				break
			}
		}
		for _, c := range [][2]string{{"DateCreated", hmisTime(p.Created)}, {"DateUpdated", hmisTime(p.Updated)}, {"UserID", user}, {"ExportID", exportID}} {
			set(row, HMISEnrollmentColumns, c[0], c[1])
		}
		enrol.Rows = append(enrol.Rows, row)

		if p.Status == store.StatusExited {
			exitAt := p.Updated
			for _, e := range evs {
				if e.Field == store.HistStatus && e.To == string(store.StatusExited) {
					exitAt = e.Time
				}
			}
			row = blank(len(HMISExitColumns))
			set(row, HMISExitColumns, "ExitID", "X"+strings.TrimPrefix(p.ID, "P-"))
			set(row, HMISExitColumns, "EnrollmentID", enrollmentID)
			set(row, HMISExitColumns, "PersonalID", p.ID)
			set(row, HMISExitColumns, "ExitDate", hmisDate(exitAt))
			set(row, HMISExitColumns, "Destination", strconv.Itoa(HMISLivingSituation(housingAt(exitAt))))
			for _, c := range [][2]string{{"DateCreated", hmisTime(p.Updated)}, {"DateUpdated", hmisTime(p.Updated)}, {"UserID", user}, {"ExportID", exportID}} {
				set(row, HMISExitColumns, c[0], c[1])
			}
			exit.Rows = append(exit.Rows, row)
		}

		n := 0
		addCLS := func(at time.Time, housing string) {
			n++
			row := blank(len(HMISCurrentLivingSituationColumns))
			set(row, HMISCurrentLivingSituationColumns, "CurrentLivingSitID", fmt.Sprintf("CLS%s-%d", strings.TrimPrefix(p.ID, "P-"), n))
			set(row, HMISCurrentLivingSituationColumns, "EnrollmentID", enrollmentID)
			set(row, HMISCurrentLivingSituationColumns, "PersonalID", p.ID)
			set(row, HMISCurrentLivingSituationColumns, "InformationDate", hmisDate(at))
			set(row, HMISCurrentLivingSituationColumns, "CurrentLivingSituation", strconv.Itoa(HMISLivingSituation(housing)))
			for _, c := range [][2]string{{"DateCreated", hmisTime(at)}, {"DateUpdated", hmisTime(at)}, {"UserID", user}, {"ExportID", exportID}} {
				set(row, HMISCurrentLivingSituationColumns, c[0], c[1])
			}
			cls.Rows = append(cls.Rows, row)
		}
		for _, e := range evs {
			if e.Field == store.HistHousing && e.Time.After(p.EnrolledOn.Add(24*time.Hour)) {
				addCLS(e.Time, e.To)
			}
		}
		cons := append([]store.Contact(nil), in.Contacts[p.ID]...)
		sort.SliceStable(cons, func(i, j int) bool { return cons[i].Date.Before(cons[j].Date) })
		for _, c := range cons {
			if !cov.Has(store.ContactClass(c.Sensitivity)) {
				continue
			}
			if c.Kind == store.ContactStreet {
				addCLS(c.Date, housingAt(c.Date))
			}
			row := blank(len(HMISServicesColumns))
			set(row, HMISServicesColumns, "ServicesID", "S"+strings.TrimPrefix(c.ID, "C-"))
			set(row, HMISServicesColumns, "EnrollmentID", enrollmentID)
			set(row, HMISServicesColumns, "PersonalID", p.ID)
			set(row, HMISServicesColumns, "DateProvided", hmisDate(c.Date))
			set(row, HMISServicesColumns, "RecordType", strconv.Itoa(HMISRecordPATHService))
			set(row, HMISServicesColumns, "TypeProvided", strconv.Itoa(HMISTypeCaseMgmt))
			for _, x := range [][2]string{{"DateCreated", hmisTime(c.Created)}, {"DateUpdated", hmisTime(c.Created)}, {"UserID", user}, {"ExportID", exportID}} {
				set(row, HMISServicesColumns, x[0], x[1])
			}
			svc.Rows = append(svc.Rows, row)
		}
	}
	site := store.CleanLine(in.Site)
	if site == "" {
		site = "LEAD site"
	}
	exp := blank(len(HMISExportColumns))
	for i, v := range map[string]string{"ExportID": exportID, "SourceType": "2", "SourceName": site, "ExportDate": hmisTime(in.Now),
		"ExportStartDate": hmisDate(start), "ExportEndDate": hmisDate(day), "SoftwareName": "owg", "CSVVersion": "2024",
		"ExportPeriodType": "3", "ExportDirective": "2", "HashStatus": "1", "ImplementationID": "owg:" + site} {
		for j, c := range HMISExportColumns {
			if c == i {
				exp[j] = v
			}
		}
	}
	org := blank(len(HMISOrganizationColumns))
	for i, v := range []string{"OWG", site, "0", "", hmisTime(start), hmisTime(in.Now), user, "", exportID} {
		org[i] = v
	}
	proj := blank(len(HMISProjectColumns))
	for k, v := range map[string]string{"ProjectID": "LEAD", "OrganizationID": "OWG", "ProjectName": "LEAD (Law Enforcement Assisted Diversion)",
		"ProjectCommonName": "LEAD", "OperatingStartDate": hmisDate(start), "ContinuumProject": "0", "ProjectType": strconv.Itoa(HMISServicesOnly),
		"TargetPopulation": "4", "DateCreated": hmisTime(start), "DateUpdated": hmisTime(in.Now), "UserID": user, "ExportID": exportID} {
		for j, c := range HMISProjectColumns {
			if c == k {
				proj[j] = v
			}
		}
	}
	res.Files = []HMISFile{
		{Name: "Export.csv", Header: HMISExportColumns, Rows: [][]string{exp}},
		{Name: "Organization.csv", Header: HMISOrganizationColumns, Rows: [][]string{org}},
		{Name: "Project.csv", Header: HMISProjectColumns, Rows: [][]string{proj}},
		client, enrol, exit, cls, svc,
	}
	return res
}

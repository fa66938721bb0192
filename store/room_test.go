package store

import "testing"

func TestRoomAccess(t *testing.T) {
	pm := RoomViewer{Actor: Actor{User: "pat", Role: RolePM}, Coverage: CoverageOf(LegacyROIClasses...)}
	cm := RoomViewer{Actor: Actor{User: "mei", Role: RoleCaseManager}, Coverage: CoverageOf(LegacyROIClasses...)}
	copROI := RoomViewer{Actor: Actor{User: "obrien", Role: RolePolice}, Coverage: CoverageOf(LegacyROIClasses...)}
	copNo := RoomViewer{Actor: Actor{User: "obrien", Role: RolePolice}}
	comm := RoomViewer{Actor: Actor{User: "rosa", Role: RoleCommunity}}
	prov := RoomViewer{Actor: Actor{User: "hugo", Role: RoleProvider}, Coverage: CoverageOf(LegacyROIClasses...)}
	tests := []struct {
		name string
		vs   []RoomViewer
		data DataKind
		want Access
	}{
		{"nobody", nil, DataIdentity, Redacted},
		{"pm alone", []RoomViewer{pm}, DataIdentity, Shown},
		{"pm and case manager", []RoomViewer{pm, cm}, DataIdentity, Shown},
		{"police with ROI", []RoomViewer{pm, copROI}, DataIdentity, Shown},
		{"police without ROI", []RoomViewer{pm, copNo}, DataIdentity, Redacted},
		{"community de-identifies", []RoomViewer{pm, cm, comm}, DataIdentity, DeIdentified},
		{"community and police without ROI", []RoomViewer{pm, comm, copNo}, DataIdentity, Redacted},
		{"police see case status only", []RoomViewer{pm, copROI}, DataLegalCases, StatusOnly},
		{"provider sees cases", []RoomViewer{pm, prov}, DataLegalCases, Shown},
		{"clinical with case managers only", []RoomViewer{cm}, DataSensitive, Shown},
		{"sensitive hidden once pm is there without an ROI listing it", []RoomViewer{cm, pm}, DataSensitive, Redacted},
		{"sensitive never with police, whatever the ROI", []RoomViewer{cm, {Actor: copROI.Actor, Coverage: CoverageOf(ROIClasses...)}}, DataSensitive, Redacted},
		{"own referrals are not the room's", []RoomViewer{pm, copROI}, DataReferrals, Redacted},
		{"aggregates for all", []RoomViewer{pm, comm, copNo}, DataAggregates, Shown},
	}
	for _, tt := range tests {
		if got := RoomAccess(tt.vs, tt.data); got != tt.want {
			t.Errorf("%s: RoomAccess(%s) => %s, want %s", tt.name, tt.data, got, tt.want)
		}
	}
	if !RoomCanSeeNote([]RoomViewer{pm, cm}, General) || RoomCanSeeNote([]RoomViewer{pm, comm}, General) {
		t.Errorf("RoomCanSeeNote: general notes must reach pm+cm and not a room with community")
	}
	if RoomCanSeeNote([]RoomViewer{cm, copROI}, Clinical) {
		t.Errorf("RoomCanSeeNote: clinical notes reached a room with police")
	}
	if got := RoomView([]RoomViewer{pm, comm}); got[DataIdentity] != DeIdentified || got[DataGeneralContacts] != Redacted {
		t.Errorf("RoomView => %v", got)
	}
}

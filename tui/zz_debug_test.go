package tui
import (tea "charm.land/bubbletea/v2";"testing";"fmt";"time";"github.com/charmbracelet/colorprofile";"github.com/leadtable/owg/store")
func TestDebugBytes(t *testing.T){
	s := demoSite(t)
	r := startRig(t, testOptions(s, store.Actor{User:"reyes",Role:store.RolePolice, Agency:"Metro PD"}), colorprofile.ANSI256)
	r.out.settle(t,"referral"); r.out.take()
	r.keys(t,"\x1b3","status")
	for i:=0;i<4;i++{ r.p.Send(tea.KeyPressMsg{Code:'j',Text:"j"}); r.out.settleOrNone(300*time.Millisecond); n,txt:=r.out.take(); fmt.Printf("%d %q\n\n",n,txt)}
	r.keys(t,"S","Settings"); 
	fmt.Println(r.keys(t,"\x1b", "status"))
}

package telegram

import "testing"

func TestSharedLocationBecomesANearestDeskAction(t *testing.T) {
	u, err := DecodeUpdate([]byte(`{"update_id":7,"message":{"message_id":1,"from":{"id":5},"chat":{"id":5,"type":"private"},"date":1,"location":{"latitude":14.999,"longitude":108.6925}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if chat, needed := u.routeKey(); chat != 5 || !needed {
		t.Fatalf("a location message is not routed: %d %v", chat, needed)
	}
	if a, ok := locationAction(u.Message); !ok || a != "loc:14.999000,108.692500" {
		t.Fatalf("action = %q %v", a, ok)
	}
	group := &Message{Chat: Chat{ID: -1, Type: "group"}, Location: &Location{Latitude: 1, Longitude: 2}}
	if _, ok := locationAction(group); ok {
		t.Fatal("a location in a group is chatter")
	}
	if _, ok := locationAction(&Message{Chat: Chat{ID: 1, Type: "private"}, Location: &Location{Latitude: 91}}); ok {
		t.Fatal("an impossible latitude was accepted")
	}
	if _, ok := locationAction(&Message{Chat: Chat{ID: 1, Type: "private"}, Text: "hi"}); ok {
		t.Fatal("text is not a location")
	}
}

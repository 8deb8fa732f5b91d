package telegram

import "strconv"

// Location is a point a citizen shared (📎 → Location).
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// locationAction turns a location shared in a private chat into the engine's
// "loc:<lat>,<lon>" action (the nearest one-stop desk); false for anything else.
func locationAction(m *Message) (string, bool) {
	if m.Location == nil || m.Chat.Type != "private" {
		return "", false
	}
	l := m.Location
	if l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 {
		return "", false
	}
	return "loc:" + strconv.FormatFloat(l.Latitude, 'f', 6, 64) + "," + strconv.FormatFloat(l.Longitude, 'f', 6, 64), true
}

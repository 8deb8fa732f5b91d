package offices

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed sample/hoa-son.json
var sampleFS embed.FS

// SampleProvince names the province of the bundled sample directory.
const SampleProvince = "tỉnh Hòa Sơn"

// Sample returns the bundled sample directory: the one-stop desks of a
// fictional province (Hòa Sơn), so that the feature works out of the box. Every
// id starts with SamplePrefix; the store imports it when the directory is
// empty and drops it when the province imports its own offices.
func Sample() ([]Office, error) {
	data, err := sampleFS.ReadFile("sample/hoa-son.json")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Offices []Office `json:"offices"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("offices: sample directory: %w", err)
	}
	for i := range doc.Offices {
		if err := doc.Offices[i].Validate(); err != nil {
			return nil, fmt.Errorf("offices: sample office %s: %w", doc.Offices[i].ID, err)
		}
		if !doc.Offices[i].IsSample() {
			return nil, fmt.Errorf("offices: sample office %s: id must start with %q", doc.Offices[i].ID, SamplePrefix)
		}
	}
	return doc.Offices, nil
}

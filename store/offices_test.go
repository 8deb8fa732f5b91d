package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/offices"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestOfficesSampleIsSeededOnceAndReplacedByTheProvince(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	s := storetest.New(t).NewOffices()

	seeded, err := s.SeedSample(ctx, now)
	if err != nil || !seeded {
		t.Fatalf("seed into an empty directory: %v %v", seeded, err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) < 10 || !list[0].IsSample() {
		t.Fatalf("after seeding: %d offices, %v", len(list), err)
	}
	dir, err := s.Directory(ctx)
	if err != nil || dir.Len() != len(list) {
		t.Fatalf("directory: %v %v", dir, err)
	}
	if seeded, err := s.SeedSample(ctx, now); err != nil || seeded {
		t.Fatalf("second seed: %v %v", seeded, err)
	}

	// Editing a sample office keeps the sample.
	edited := list[0]
	edited.Phone = "0200 999 9999"
	if n, err := s.Upsert(ctx, []offices.Office{edited}, now); err != nil || n != 1 {
		t.Fatalf("edit sample: %d %v", n, err)
	}
	if got, _ := s.List(ctx); len(got) != len(list) {
		t.Fatalf("editing a sample office changed the count to %d", len(got))
	}
	if d, _ := s.Directory(ctx); d.Offices()[0].Phone != "0200 999 9999" {
		t.Fatal("the directory snapshot was not refreshed after a write")
	}

	// The province's own import replaces the sample.
	own := offices.Office{ID: "ubnd-phuong-a", Name: "UBND phường A", Level: offices.LevelCommune, Communes: []string{"Phường A", "Phường 7"},
		Address: "1 Lê Lợi", Hours: "T2-T6 07:30-11:30", Lat: 10.5, Lon: 106.7, Fields: []string{}}
	if n, err := s.Upsert(ctx, []offices.Office{own}, now); err != nil || n != 1 {
		t.Fatalf("own import: %d %v", n, err)
	}
	got, err := s.List(ctx)
	if err != nil || len(got) != 1 || got[0].ID != own.ID || len(got[0].Communes) != 2 || got[0].Lat != 10.5 {
		t.Fatalf("after the province's import: %+v %v", got, err)
	}
	if seeded, _ := s.SeedSample(ctx, now); seeded {
		t.Fatal("the sample came back over the province's directory")
	}
	if d, _ := s.Directory(ctx); len(d.FindCommune("phuong 07")) != 1 {
		t.Fatal("the directory does not find the former name")
	}

	if err := s.Delete(ctx, own.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, own.ID); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

package store_test

import (
	"context"
	"testing"

	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestServerInfoRecognisesFerretDB(t *testing.T) {
	db := storetest.New(t)
	info, err := db.ServerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.FerretDB == "" || info.Version == "" {
		t.Fatalf("server info %+v: the embedded server is FerretDB", info)
	}
}

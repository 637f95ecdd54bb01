package ioscrypto

import (
	"testing"
	"testing/fstest"
)

func TestMemFS(t *testing.T) {
	m := MemFS{"Manifest.db": []byte("SQLite format 3\x00rest"), "b": nil}
	if err := fstest.TestFS(m, "Manifest.db", "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Open("../x"); err == nil {
		t.Error("invalid path opened")
	}
}

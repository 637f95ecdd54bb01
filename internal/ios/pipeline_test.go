package ios

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func produceN(n int) func(yield func(*sqlRow) error) error {
	return func(yield func(*sqlRow) error) error {
		for i := 0; i < n; i++ {
			if err := yield(&sqlRow{keys: []string{"i"}, vals: []any{i}}); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestPipelineKeepsOrder(t *testing.T) {
	var got []int
	err := pipeline(context.Background(), produceN(1000), func(r *sqlRow) error {
		got = append(got, r.vals[0].(int))
		return nil
	})
	if err != nil || len(got) != 1000 {
		t.Fatalf("err %v, %d rows", err, len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("row %d is %d", i, v)
		}
	}
}

func TestPipelineStopsOnConsumerErrorAndPanic(t *testing.T) {
	boom := errors.New("boom")
	n := 0
	err := pipeline(context.Background(), produceN(100000), func(*sqlRow) error {
		if n++; n == 300 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || n != 300 {
		t.Errorf("err %v after %d rows", err, n)
	}
	err = pipeline(context.Background(), produceN(10), func(*sqlRow) error { panic("crafted row") })
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("panic not turned into an error: %v", err)
	}
	prodErr := errors.New("disk I/O error")
	err = pipeline(context.Background(), func(yield func(*sqlRow) error) error {
		yield(&sqlRow{})
		return prodErr
	}, func(*sqlRow) error { return nil })
	if !errors.Is(err, prodErr) {
		t.Errorf("producer error lost: %v", err)
	}
}

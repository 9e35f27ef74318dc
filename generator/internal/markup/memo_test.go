package markup

import "testing"

// TestMemoKeepsTwoGenerations: an entry survives one turnover of
// generations, comes back to the new one when used, and is dropped when
// it is not used before the next.
func TestMemoKeepsTwoGenerations(t *testing.T) {
	m := newMemo(8, func(k string, v int) int { return 3 })
	m.put("a", 1)
	m.put("b", 2) // 6 bytes, past half the budget: a and b become the old generation
	if v, ok := m.get("a"); !ok || v != 1 {
		t.Fatalf("a after one turnover: %d, %v; want 1, true", v, ok)
	}
	m.put("c", 3) // a and c: past half again; b, not used, is dropped
	if _, ok := m.get("b"); ok {
		t.Error("b was kept through two turnovers without being used")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if v, ok := m.get(k); !ok || v != want {
			t.Errorf("%s: %d, %v; want %d, true", k, v, ok, want)
		}
	}
}

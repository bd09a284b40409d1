package memo

import "testing"

func TestMap(t *testing.T) {
	m := New[string, int](100)
	m.Put("a", 1)
	if v, ok := m.Get("a"); !ok || v != 1 {
		t.Fatalf("Get(a) = %v, %v", v, ok)
	}
	m.Put("a", 2)
	if v, _ := m.Get("a"); v != 2 {
		t.Fatalf("Get(a) after a second Put = %v", v)
	}
	m.Forget("a")
	if _, ok := m.Get("a"); ok {
		t.Fatal("a is still there after Forget")
	}
	for i := range 1000 {
		m.Put(string(rune('A'+i)), i)
		if m.Len() > 100 {
			t.Fatalf("%d entries after %d puts, limit 100", m.Len(), i+1)
		}
	}
	if v, ok := m.Get(string(rune('A' + 999))); !ok || v != 999 {
		t.Errorf("the last entry put is gone: %v, %v", v, ok)
	}
}

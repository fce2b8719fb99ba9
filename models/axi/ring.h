// Ring<T>: a FIFO on a circular buffer for the pin-level AXI models' per-cycle
// queues (bursts, beats, transactions). Unlike std::deque it allocates only
// when it grows past its largest size so far, never per element in the
// steady state, and a slot keeps its object when popped: the next push_slot()
// hands the same object back, so a member buffer (a burst's data vector)
// keeps its capacity from one burst to the next.
//
// Indexing is from the front (0 = oldest). erase() and insert() in the middle
// move the elements behind them (used only on rare paths: out-of-order
// responses, protocol errors).
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

namespace dmacosim {

template <class T>
class Ring {
public:
  explicit Ring(size_t capacity = 16) {
    size_t c = 1;
    while (c < capacity) c <<= 1;
    slots_.resize(c);
  }

  bool empty() const { return n_ == 0; }
  size_t size() const { return n_; }
  T& operator[](size_t i) { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  const T& operator[](size_t i) const { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[n_ - 1]; }
  const T& back() const { return (*this)[n_ - 1]; }

  // Appends a slot and returns it with whatever object it held before (the
  // caller overwrites the fields it uses; buffers inside keep their capacity).
  T& push_slot() {
    if (n_ == slots_.size()) grow();
    ++n_;
    return back();
  }
  void push_back(const T& v) { push_slot() = v; }
  void pop_front() {
    head_ = (head_ + 1) & (slots_.size() - 1);
    --n_;
  }
  void pop_front(size_t k) {
    head_ = (head_ + k) & (slots_.size() - 1);
    n_ -= k;
  }
  void clear() { head_ = n_ = 0; }
  // Removes element i; the ones behind it move up (swapped, so every slot
  // keeps an object and its buffers).
  void erase(size_t i) {
    if (i == 0) {
      pop_front();
      return;
    }
    for (size_t j = i; j + 1 < n_; ++j) std::swap((*this)[j], (*this)[j + 1]);
    --n_;
  }
  // Inserts `count` copies of `v` before element i.
  void insert(size_t i, size_t count, const T& v) {
    if (count == 0) return;
    for (size_t k = 0; k < count; ++k) push_slot() = v;
    for (size_t j = n_ - 1; j >= i + count; --j) std::swap((*this)[j], (*this)[j - count]);
  }
  // Inserts `v` before element i.
  void insert(size_t i, const T& v) { insert(i, 1, v); }

private:
  void grow() {
    std::vector<T> bigger(slots_.size() * 2);
    for (size_t i = 0; i < n_; ++i) bigger[i] = std::move((*this)[i]);
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  size_t head_ = 0, n_ = 0;
};

}  // namespace dmacosim

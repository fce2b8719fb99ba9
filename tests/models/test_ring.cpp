// Ring<T> (models/axi/ring.h), the pin-level AXI models' queue: FIFO order
// across wrap-around and growth, erase / insert at any position, and a popped
// slot handing its object (with its buffer's capacity) back to push_slot().
#include <gtest/gtest.h>

#include <vector>

#include "models/axi/ring.h"

using namespace dmacosim;

namespace {
std::vector<int> contents(const Ring<int>& r) {
  std::vector<int> v;
  for (size_t i = 0; i < r.size(); ++i) v.push_back(r[i]);
  return v;
}
}  // namespace

TEST(Ring, FifoAcrossWrapAndGrowth) {
  Ring<int> r(4);
  int next_in = 0, next_out = 0;
  // Wrap the 4-slot buffer several times, then grow it while wrapped.
  for (int round = 0; round < 10; ++round) {
    for (int k = 0; k < 3; ++k) r.push_back(next_in++);
    for (int k = 0; k < 2; ++k) {
      ASSERT_EQ(r.front(), next_out++);
      r.pop_front();
    }
  }
  EXPECT_EQ(r.size(), 10u);
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i], next_out + int(i));
  EXPECT_EQ(r.back(), next_in - 1);
  r.pop_front(3);
  EXPECT_EQ(r.front(), next_out + 3);
  r.clear();
  EXPECT_TRUE(r.empty());
}

TEST(Ring, EraseAndInsertAnywhere) {
  Ring<int> r(4);
  for (int k = 0; k < 6; ++k) r.push_back(k);
  r.pop_front();  // head not at slot 0: positions wrap
  r.push_back(6);
  EXPECT_EQ(contents(r), (std::vector<int>{1, 2, 3, 4, 5, 6}));
  r.erase(2);
  EXPECT_EQ(contents(r), (std::vector<int>{1, 2, 4, 5, 6}));
  r.erase(0);
  EXPECT_EQ(contents(r), (std::vector<int>{2, 4, 5, 6}));
  r.erase(3);
  EXPECT_EQ(contents(r), (std::vector<int>{2, 4, 5}));
  r.insert(1, 2, 9);
  EXPECT_EQ(contents(r), (std::vector<int>{2, 9, 9, 4, 5}));
  r.insert(5, 7);
  EXPECT_EQ(contents(r), (std::vector<int>{2, 9, 9, 4, 5, 7}));
  r.insert(0, 0, 1);
  EXPECT_EQ(contents(r), (std::vector<int>{2, 9, 9, 4, 5, 7}));
}

TEST(Ring, PoppedSlotKeepsItsBuffer) {
  Ring<std::vector<char>> r(2);
  r.push_slot().assign(1000, 'x');
  r.pop_front();
  r.push_slot();
  std::vector<char>& again = r.push_slot();  // the first slot again (2 slots)
  EXPECT_GE(again.capacity(), 1000u);
}

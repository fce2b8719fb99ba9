// WireIn (models/wire.h): the one way a model's input is wired.
#include <gtest/gtest.h>

#include <vector>

#include <systemc>

#include "wire.h"

using namespace dmacosim;

TEST(WireIn, BindTakesTheLevelAndFollowsChanges) {
  Wire w("src", true);
  std::vector<bool> changes, bound;
  WireIn in("dev.in", [&](bool v) { changes.push_back(v); }, [&](bool v) { bound.push_back(v); });
  EXPECT_FALSE(in.bound());
  EXPECT_FALSE(in.read()) << "an unbound input reads low";
  in.bind(w);
  EXPECT_TRUE(in.bound());
  EXPECT_EQ(bound, std::vector<bool>{true}) << "the level found at bind time";
  EXPECT_TRUE(changes.empty());
  w.write(false);
  w.write(false);  // no change: no call
  w.write(true);
  EXPECT_EQ(changes, (std::vector<bool>{false, true}));
  EXPECT_TRUE(in.read());
}

TEST(WireIn, BindingTwiceIsAnError) {
  Wire a("a"), b("b");
  WireIn in("dev.in");
  in.bind(a);
  try {
    in.bind(b);
    FAIL() << "a second bind was accepted";
  } catch (const sc_core::sc_report& r) {
    EXPECT_NE(std::string(r.what()).find("dev.in: bound twice (to a and b)"), std::string::npos) << r.what();
  }
  b.write(true);
  EXPECT_FALSE(in.read()) << "still bound to the first wire";
}

#include "workflows/service_plan_item.hpp"

#include <gtest/gtest.h>

namespace heat::service_plan {
namespace {

using S = ItemStatus;

struct Row {
  S from;
  S to;
  bool allowed;
};

// One row per (from, to) pair: the transition table, and every pair it does not have.
constexpr Row kRows[] = {
    {S::referred, S::engaged, true},    {S::referred, S::declined, true},  {S::referred, S::completed, false},
    {S::engaged, S::completed, true},   {S::engaged, S::declined, true},   {S::engaged, S::referred, false},
    {S::completed, S::engaged, true},   {S::completed, S::declined, false}, {S::completed, S::referred, false},
    {S::declined, S::referred, true},   {S::declined, S::engaged, false},  {S::declined, S::completed, false},
};

TEST(ServicePlanItem, EveryPairFollowsTheTable) {
  for (const Row& r : kRows) {
    auto result = change_status(r.from, r.to);
    if (r.allowed) {
      ASSERT_TRUE(result) << to_string(r.from) << " -> " << to_string(r.to);
      EXPECT_EQ(*result, r.to);
    } else {
      ASSERT_FALSE(result) << to_string(r.from) << " -> " << to_string(r.to);
      EXPECT_EQ(result.error().code, ErrorCode::conflict);
      std::vector<std::string> expected;
      for (const Row& other : kRows)
        if (other.from == r.from && other.allowed) expected.emplace_back(to_string(other.to));
      std::sort(expected.begin(), expected.end());
      auto got = result.error().allowed_events;
      std::sort(got.begin(), got.end());
      EXPECT_EQ(got, expected);
    }
  }
}

TEST(ServicePlanItem, SameStatusIsANoOp) {
  for (S s : {S::referred, S::engaged, S::completed, S::declined}) EXPECT_EQ(change_status(s, s).value(), s);
}

TEST(ServicePlanItem, StringsRoundTrip) {
  for (S s : {S::referred, S::engaged, S::completed, S::declined}) EXPECT_EQ(parse_item_status(to_string(s)).value(), s);
  EXPECT_EQ(parse_item_status("done").error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace heat::service_plan

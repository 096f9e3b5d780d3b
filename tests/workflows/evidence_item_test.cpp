#include "workflows/evidence_item.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace heat::evidence {
namespace {

using S = ItemStatus;
constexpr S kAll[] = {S::in_custody, S::at_lab, S::in_court, S::released, S::destroyed};

// The transition table, row by row; every other pair of different statuses is refused.
const std::set<std::pair<S, S>> kTable = {
    {S::in_custody, S::at_lab},   {S::in_custody, S::in_court}, {S::in_custody, S::released},
    {S::in_custody, S::destroyed}, {S::at_lab, S::in_custody},  {S::in_court, S::in_custody},
};

TEST(EvidenceItem, EveryPairFollowsTheTable) {
  for (S from : kAll)
    for (S to : kAll) {
      if (from == to) continue;
      auto r = change_status(from, to);
      if (kTable.count({from, to}) != 0u) {
        ASSERT_TRUE(r) << to_string(from) << " -> " << to_string(to);
        EXPECT_EQ(*r, to);
      } else {
        ASSERT_FALSE(r) << to_string(from) << " -> " << to_string(to);
        EXPECT_EQ(r.error().code, ErrorCode::conflict);
        EXPECT_EQ(r.error().allowed_events.size(), allowed_next(from).size());
      }
    }
}

TEST(EvidenceItem, ReleasedAndDestroyedAreFinal) {
  EXPECT_TRUE(allowed_next(S::released).empty());
  EXPECT_TRUE(allowed_next(S::destroyed).empty());
  EXPECT_FALSE(change_status(S::destroyed, S::destroyed));
  EXPECT_TRUE(change_status(S::in_custody, S::in_custody));  // a hand-over within the property room
}

TEST(EvidenceItem, StringsRoundTrip) {
  for (S s : kAll) EXPECT_EQ(parse_item_status(to_string(s)).value(), s);
  EXPECT_FALSE(parse_item_status("lost"));
}

}  // namespace
}  // namespace heat::evidence

// The polling backoff and the calendar scope by role (issue 7).
#include "engine/calendar_subscriptions.hpp"
#include "engine/feed_polling.hpp"

#include <gtest/gtest.h>

namespace heat {
namespace {

using namespace std::chrono_literals;

const TimePoint kNow = TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 12 / 1));

TEST(FeedPolling, SuccessWaitsOneInterval) {
  EXPECT_EQ(next_poll_time(kNow, 3600, PollStatus::ok, 0), kNow + 1h);
  EXPECT_EQ(next_poll_time(kNow, 900, PollStatus::not_modified, 0), kNow + 15min);
}

TEST(FeedPolling, FailuresBackOffExponentiallyUpToADay) {
  EXPECT_EQ(next_poll_time(kNow, 3600, PollStatus::failed, 1), kNow + 2h);
  EXPECT_EQ(next_poll_time(kNow, 3600, PollStatus::failed, 2), kNow + 4h);
  EXPECT_EQ(next_poll_time(kNow, 3600, PollStatus::failed, 3), kNow + 8h);
  EXPECT_EQ(next_poll_time(kNow, 3600, PollStatus::failed, 4), kNow + 16h);
  EXPECT_EQ(next_poll_time(kNow, 3600, PollStatus::failed, 5), kNow + 24h);
  EXPECT_EQ(next_poll_time(kNow, 3600, PollStatus::failed, 500), kNow + 24h);  // no overflow
  // An interval longer than the cap is never shortened by a failure.
  EXPECT_EQ(next_poll_time(kNow, 3 * 86400, PollStatus::failed, 2), kNow + 72h);
}

TEST(FeedPolling, StatusNames) {
  EXPECT_STREQ(to_string(PollStatus::ok), "ok");
  EXPECT_STREQ(to_string(PollStatus::not_modified), "not_modified");
  EXPECT_STREQ(to_string(PollStatus::failed), "failed");
}

TEST(CalendarScope, ByRole) {
  EXPECT_EQ(calendar_scope(Principal{"u", Role::dda, "ht", ""}), CalendarScope::my_cases);
  EXPECT_EQ(calendar_scope(Principal{"u", Role::supervisor, "ht", ""}), CalendarScope::unit_cases);
  EXPECT_EQ(calendar_scope(Principal{"u", Role::advocate, "ht", ""}), CalendarScope::advocate_victims);
  for (Role r : {Role::leadership, Role::mdt_partner, Role::admin})
    EXPECT_EQ(calendar_scope(Principal{"u", r, "ht", ""}), CalendarScope::none);
}

}  // namespace
}  // namespace heat

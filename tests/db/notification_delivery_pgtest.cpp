// The notification delivery job (issue 6) against real PostgreSQL: each notification goes to
// each channel once; a failing channel is recorded and retried, and the notification counts
// as delivered only when every channel has it; two processes' runs never deliver twice.
#include "db/migrations.hpp"
#include "db/pool.hpp"
#include "db/victim_store.hpp"
#include "tests/support/pg_fixture.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace heat::db {
namespace {

TimePoint now() { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); }

// A channel that counts what it is handed and fails while told to (an unreachable mail relay).
class CountingChannel final : public NotificationChannel {
 public:
  std::atomic<int> calls{0};
  std::atomic<bool> failing{false};
  [[nodiscard]] std::string_view name() const override { return "sms"; }
  [[nodiscard]] Status deliver(const Notification&) override {
    ++calls;
    if (failing) return Error::of(ErrorCode::unavailable, "relay unreachable");
    return {};
  }
};

class NotificationDelivery : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pool = Pool::open(database_.url(), 4);
    ASSERT_TRUE(pool) << pool.error().message;
    pool_ = std::move(*pool);
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease);
    ASSERT_TRUE(migrate(**lease, embedded_migrations()));
    database_.exec("INSERT INTO users (username, display_name, role, unit, password_hash) VALUES"
                   " ('adv', 'Adv', 'advocate', 'ht', 'x')");
    for (int i = 0; i < 5; ++i)
      database_.exec("INSERT INTO notifications (user_id, kind, subject_id, dedupe_key, created_at) SELECT id,"
                     " 'hearing_scheduled', 's', 'k" + std::to_string(i) + "', now() FROM users WHERE username = 'adv'");
  }

  test::TestDatabase database_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(NotificationDelivery, EveryChannelOnceAndDeliveredOnlyWhenAllHaveIt) {
  PgNotificationStore store(*pool_);
  InAppChannel in_app;
  CountingChannel sms;
  sms.failing = true;
  const std::vector<NotificationChannel*> channels = {&in_app, &sms};
  auto first = store.deliver_pending(now(), channels, 100);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->delivered, 0);
  EXPECT_EQ(first->failed, 5);
  EXPECT_EQ(database_.query_value("SELECT count(*) FROM notifications WHERE delivered_at IS NULL"), "5");
  EXPECT_EQ(database_.query_value("SELECT count(*) FROM notification_deliveries WHERE channel = 'in_app' AND"
                                  " delivered_at IS NOT NULL"),
            "5");
  EXPECT_EQ(database_.query_value("SELECT min(last_error) FROM notification_deliveries WHERE channel = 'sms'"),
            "relay unreachable");

  // The relay is back: the retry goes to the failed channel only.
  sms.failing = false;
  auto second = store.deliver_pending(now(), channels, 100);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->delivered, 5);
  EXPECT_EQ(sms.calls.load(), 10);
  EXPECT_EQ(database_.query_value("SELECT count(*) FROM notifications WHERE delivered_at IS NULL"), "0");
  EXPECT_EQ(database_.query_value("SELECT max(attempts) FROM notification_deliveries WHERE channel = 'sms'"), "2");
  EXPECT_EQ(database_.query_value("SELECT max(attempts) FROM notification_deliveries WHERE channel = 'in_app'"), "1");

  // Nothing left: a third run hands nothing to anyone.
  auto third = store.deliver_pending(now(), channels, 100);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->delivered, 0);
  EXPECT_EQ(sms.calls.load(), 10);
}

TEST_F(NotificationDelivery, ConcurrentRunsDeliverEachOnce) {
  PgNotificationStore store(*pool_);
  CountingChannel sms;
  const std::vector<NotificationChannel*> channels = {&sms};
  std::atomic<int> delivered{0};
  std::vector<std::thread> runs;
  for (int t = 0; t < 4; ++t)
    runs.emplace_back([&] {
      for (int round = 0; round < 3; ++round) {
        auto r = store.deliver_pending(now(), channels, 2);
        if (r) delivered += r->delivered;
      }
    });
  for (auto& t : runs) t.join();
  EXPECT_EQ(delivered.load(), 5);
  EXPECT_EQ(sms.calls.load(), 5);
}

}  // namespace
}  // namespace heat::db

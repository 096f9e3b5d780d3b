// Claiming feeds for polling through PostgreSQL (issue 7): due feeds only, each claimed by
// one poller even when many claim at once (FOR UPDATE SKIP LOCKED plus a lease), a lease that
// runs out frees the feed, and finish() records the outcome with its backoff.
#include "db/feed_poll_store.hpp"
#include "db/migrations.hpp"
#include "tests/support/pg_fixture.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

namespace heat::db {
namespace {

using namespace std::chrono_literals;

const TimePoint kNow = TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 12 / 1)) + 17h;

class FeedPollStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pool = Pool::open(database_.url(), 8);
    ASSERT_TRUE(pool) << pool.error().message;
    pool_ = std::move(*pool);
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease);
    ASSERT_TRUE(migrate(**lease, embedded_migrations()));
  }
  std::string add_feed(const std::string& name, const std::string& url) {
    database_.exec("INSERT INTO feeds (name, kind, unit, url, created_at, updated_at) VALUES ('" + name +
                   "', 'ical', 'ht', " + (url.empty() ? std::string("NULL") : "'" + url + "'") + ", now(), now())");
    return database_.query_value("SELECT id::text FROM feeds WHERE name = '" + name + "'");
  }
  AuditEntry audit() const {
    AuditEntry a;
    a.at = kNow;
    a.actor_username = "test";
    return a;
  }

  test::TestDatabase database_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(FeedPollStoreTest, ConcurrentClaimsNeverShareAFeed) {
  std::set<std::string> ids;
  for (int i = 0; i < 30; ++i) ids.insert(add_feed("feed " + std::to_string(i), "https://court.example/" + std::to_string(i)));
  add_feed("upload only", "");
  PgFeedPollStore store(*pool_);
  std::mutex mutex;
  std::vector<std::string> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 4; ++round) {
        auto got = store.claim_due(kNow, 600s, 3);
        ASSERT_TRUE(got) << got.error().message;
        std::lock_guard lock(mutex);
        for (const auto& s : *got) claimed.push_back(s.feed_id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<std::string> sorted = claimed;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "a feed was claimed twice";
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()), ids);  // all 30, never the one without a URL
  // All are under a live lease now: nothing is due.
  auto none = store.claim_due(kNow + 1s, 600s, 100);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  // A lease that runs out frees the feed (a poller died mid-poll).
  auto again = store.claim_due(kNow + 601s, 600s, 100);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size(), 30u);
}

TEST_F(FeedPollStoreTest, FinishRecordsTheOutcomeAndTheBackoff) {
  const std::string id = add_feed("court", "https://court.example/cal.ics");
  PgFeedPollStore store(*pool_);
  auto claimed = store.claim(id, kNow, 600s);
  ASSERT_TRUE(claimed) << claimed.error().message;
  EXPECT_EQ(claimed->url, "https://court.example/cal.ics");
  EXPECT_FALSE(claimed->last_status);
  // A second claim while the first is live is refused.
  auto twice = store.claim(id, kNow + 1s, 600s);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);

  PollOutcome ok{PollStatus::ok, "", "\"v1\"", "Tue, 01 Dec 2026 12:00:00 GMT", ""};
  auto s = store.finish(id, ok, kNow, audit());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->last_status, PollStatus::ok);
  EXPECT_EQ(s->etag, "\"v1\"");
  EXPECT_EQ(s->last_modified, "Tue, 01 Dec 2026 12:00:00 GMT");
  EXPECT_EQ(s->next_poll_at, kNow + 1h);
  EXPECT_EQ(s->last_polled_at, kNow);
  // Not due before its time; claimable now that the claim is released.
  ASSERT_TRUE(store.claim_due(kNow + 30min, 600s, 10));
  EXPECT_TRUE(store.claim_due(kNow + 30min, 600s, 10)->empty());
  ASSERT_TRUE(store.claim(id, kNow + 1min, 600s));

  PollOutcome failed{PollStatus::failed, "http 500: Internal Server Error from court.example", "", "", ""};
  s = store.finish(id, failed, kNow + 2min, audit());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->last_status, PollStatus::failed);
  EXPECT_EQ(s->consecutive_failures, 1);
  EXPECT_EQ(s->last_error, failed.error);
  EXPECT_EQ(s->etag, "\"v1\"") << "a failure keeps the validators of the last success";
  EXPECT_EQ(s->next_poll_at, kNow + 2min + 2h);
  ASSERT_TRUE(store.claim(id, kNow + 3min, 600s));
  s = store.finish(id, failed, kNow + 3min, audit());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->consecutive_failures, 2);
  EXPECT_EQ(s->next_poll_at, kNow + 3min + 4h);

  ASSERT_TRUE(store.claim(id, kNow + 4min, 600s));
  PollOutcome same{PollStatus::not_modified, "", "", "", ""};
  s = store.finish(id, same, kNow + 4min, audit());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->consecutive_failures, 0);
  EXPECT_TRUE(s->last_error.empty());
  EXPECT_EQ(s->etag, "\"v1\"");
  // Every poll is audited.
  EXPECT_EQ(database_.query_value("SELECT count(*) FROM audit_log WHERE action = 'feed.poll' AND entity_id = '" + id +
                                  "'"),
            "4");
  // Unknown feeds and feeds without a URL.
  EXPECT_EQ(store.claim("00000000-0000-4000-8000-000000000000", kNow, 600s).error().code, ErrorCode::not_found);
  EXPECT_EQ(store.claim(add_feed("upload", ""), kNow, 600s).error().code, ErrorCode::domain_rule);
}

}  // namespace
}  // namespace heat::db

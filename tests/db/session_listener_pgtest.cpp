// The session cache kept right by PostgreSQL's notifications (V0014's triggers and
// db/session_listener): changes made behind the server's back, with plain SQL on another
// connection, reach the cache; the clock stands still, so nothing here expires by age.
#include "db/identity_store.hpp"
#include "db/migrations.hpp"
#include "db/pool.hpp"
#include "db/session_listener.hpp"
#include "engine/session_cache.hpp"
#include "tests/support/pg_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace heat::db {
namespace {

using namespace std::chrono_literals;

// Polls `done` for up to 10 s (notifications arrive within milliseconds; the bound only keeps
// a broken build from hanging).
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

struct Harness {
  test::TestDatabase database;
  std::unique_ptr<Pool> pool;
  std::unique_ptr<PgIdentityStore> store;
  FixedClock clock{TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 28)) + 9h};
  std::unique_ptr<CachingIdentityStore> cache;
  std::unique_ptr<SessionChangeListener> listener;
  std::atomic<int> went_live{0};
  std::string user_id;

  Harness() {
    pool = std::move(Pool::open(database.url(), 2).value());
    auto lease = pool->acquire().value();
    (void)migrate(*lease, embedded_migrations()).value();
    store = std::make_unique<PgIdentityStore>(*pool);
    cache = std::make_unique<CachingIdentityStore>(*store, clock, 1h);
    listener = std::make_unique<SessionChangeListener>(
        database.url(), SessionChangeHandlers{[this](const std::string& h) { cache->invalidate_session(h); },
                                              [this](const std::string& u) { cache->invalidate_user(u); },
                                              [this] { cache->invalidate_all(); },
                                              [this](bool live) {
                                                cache->set_invalidations_live(live);
                                                if (live) ++went_live;
                                              }},
        200ms);
    user_id = database.query_value(
        "INSERT INTO users (username, display_name, role, unit, password_hash)"
        " VALUES ('clerk', 'Clerk', 'dda', 'ht', 'x') RETURNING id");
    for (const char* token : {"hash-a", "hash-b"})
      database.exec(std::string("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)"
                                " VALUES ('") + token + "', '" + user_id + "', now(), now(), now() + interval '12 hours')");
  }
  std::optional<SessionWithUser> find(const std::string& hash) { return cache->find_session_with_user(hash).value(); }
  // Reads the session once so it is cached, and checks that the next read is a hit.
  void cache_it(const std::string& hash) {
    ASSERT_TRUE(find(hash));
    const auto hits = cache->counters().hits;
    ASSERT_TRUE(find(hash));
    ASSERT_EQ(cache->counters().hits, hits + 1) << hash << " was not kept";
  }
};

TEST(SessionNotifications, AChangeMadeElsewhereReachesTheCache) {
  Harness h;
  ASSERT_TRUE(eventually([&] { return h.listener->live(); }));
  h.cache_it("hash-a");
  h.cache_it("hash-b");

  h.database.exec("UPDATE sessions SET revoked_at = now() WHERE token_hash = 'hash-a'");
  EXPECT_TRUE(eventually([&] { return h.find("hash-a")->session.revoked; }));
  EXPECT_FALSE(h.find("hash-b")->session.revoked);

  h.cache_it("hash-b");
  h.database.exec("UPDATE users SET role = 'supervisor', unit = 'sx' WHERE id = '" + h.user_id + "'");
  EXPECT_TRUE(eventually([&] { return h.find("hash-b")->user.role == Role::supervisor; }));
  EXPECT_EQ(h.find("hash-b")->user.unit, "sx");

  h.cache_it("hash-b");
  h.database.exec("UPDATE users SET active = false WHERE id = '" + h.user_id + "'");
  EXPECT_TRUE(eventually([&] { return !h.find("hash-b")->user.active; }));

  h.cache_it("hash-b");
  h.database.exec("DELETE FROM sessions WHERE token_hash = 'hash-b'");
  EXPECT_TRUE(eventually([&] { return !h.find("hash-b").has_value(); }));
}

TEST(SessionNotifications, TruncateForgetsEverything) {
  Harness h;
  ASSERT_TRUE(eventually([&] { return h.listener->live(); }));
  h.cache_it("hash-a");
  h.database.exec("TRUNCATE sessions");
  EXPECT_TRUE(eventually([&] { return !h.find("hash-a").has_value(); }));
}

TEST(SessionNotifications, ARolledBackChangeLeavesTheCacheAlone) {
  Harness h;
  ASSERT_TRUE(eventually([&] { return h.listener->live(); }));
  h.cache_it("hash-a");
  h.database.exec("BEGIN; UPDATE sessions SET revoked_at = now() WHERE token_hash = 'hash-a'; ROLLBACK");
  // A committed change after it: once that one has arrived, the rolled-back one would have too.
  h.database.exec("UPDATE users SET display_name = 'Clerk B' WHERE id = '" + h.user_id + "'");
  ASSERT_TRUE(eventually([&] { return h.find("hash-a")->user.display_name == "Clerk B"; }));
  EXPECT_FALSE(h.find("hash-a")->session.revoked);
}

TEST(SessionNotifications, ALostListenerStopsTheCacheUntilItListensAgain) {
  Harness h;
  ASSERT_TRUE(eventually([&] { return h.listener->live(); }));
  ASSERT_EQ(h.went_live.load(), 1);
  h.cache_it("hash-a");
  // The listener's connection is cut: whatever changes meanwhile cannot be heard, so the
  // cache empties, and it is used again only once the listener is back.
  h.database.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                  " WHERE application_name = 'heatwatch-session-listener' AND datname = current_database()");
  ASSERT_TRUE(eventually([&] { return h.went_live.load() == 2; }));
  EXPECT_TRUE(h.listener->live());
  const auto misses = h.cache->counters().misses;
  ASSERT_TRUE(h.find("hash-a"));
  EXPECT_EQ(h.cache->counters().misses, misses + 1);  // emptied while it was down
  h.cache_it("hash-a");
  h.database.exec("UPDATE sessions SET revoked_at = now() WHERE token_hash = 'hash-a'");
  EXPECT_TRUE(eventually([&] { return h.find("hash-a")->session.revoked; }));
}

TEST(SessionNotifications, WithoutADatabaseItNeverSaysLive) {
  std::atomic<int> live_calls{0};
  {
    // Port 1 refuses at once: the listener keeps retrying and never says it is live; its
    // destructor stops it in the middle of that.
    SessionChangeListener listener("host=127.0.0.1 port=1 dbname=none user=none",
                                   SessionChangeHandlers{nullptr, nullptr, nullptr, [&](bool) { ++live_calls; }});
    std::this_thread::sleep_for(500ms);
    EXPECT_FALSE(listener.live());
  }
  EXPECT_EQ(live_calls.load(), 0);
}

}  // namespace
}  // namespace heat::db

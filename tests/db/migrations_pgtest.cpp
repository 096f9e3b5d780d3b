#include "db/migrations.hpp"

#include "db/pool.hpp"
#include "tests/support/pg_fixture.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <thread>

namespace heat::db {
namespace {

TEST(Migrations, ApplyAllThenNothingTheSecondTime) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  ASSERT_TRUE(pool) << pool.error().message;
  auto lease = (*pool)->acquire();
  ASSERT_TRUE(lease);
  auto first = migrate(**lease, embedded_migrations());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->applied.size(), embedded_migrations().size());
  EXPECT_EQ(first->already_applied, 0u);

  auto second = migrate(**lease, embedded_migrations());
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->already_applied, embedded_migrations().size());
  EXPECT_EQ(database.query_value("SELECT count(*) FROM schema_migrations"),
            std::to_string(embedded_migrations().size()));
}

TEST(Migrations, AChangedAppliedMigrationIsAnError) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  ASSERT_TRUE(pool);
  auto lease = (*pool)->acquire();
  std::vector<MigrationSource> v1 = {{"V0001__t.sql", "CREATE TABLE t (a int);"}};
  ASSERT_TRUE(migrate(**lease, v1));
  std::vector<MigrationSource> edited = {{"V0001__t.sql", "CREATE TABLE t (a int, b int);"}};
  auto r = migrate(**lease, edited);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::domain_rule);
  EXPECT_NE(r.error().message.find("V0001__t.sql"), std::string::npos);
}

TEST(Migrations, AFailingMigrationRollsBackAndIsNotRecorded) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  auto lease = (*pool)->acquire();
  std::vector<MigrationSource> bad = {{"V0001__ok.sql", "CREATE TABLE ok (a int);"},
                                      {"V0002__bad.sql", "CREATE TABLE half (a int); SELECT nonsense FROM nowhere;"}};
  auto r = migrate(**lease, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(database.query_value("SELECT count(*) FROM schema_migrations"), "1");
  EXPECT_EQ(database.query_value("SELECT count(*) FROM pg_tables WHERE tablename = 'half'"), "0");
}

TEST(Migrations, MalformedFileNameIsRejected) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  auto lease = (*pool)->acquire();
  auto r = migrate(**lease, {{"init.sql", "SELECT 1"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(Migrations, ConcurrentRunsAreSerialized) {
  test::TestDatabase database;
  std::vector<MigrationSource> slow = {
      {"V0001__slow.sql", "SELECT pg_sleep(0.3); CREATE TABLE once (a int);"}};
  std::vector<Result<MigrationReport>> results(3, Error::of(ErrorCode::internal, "not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&, i] {
      auto pool = Pool::open(database.url(), 1);
      auto lease = (*pool)->acquire();
      results[i] = migrate(**lease, slow);
    });
  for (auto& t : threads) t.join();
  std::size_t applied = 0;
  for (auto& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    applied += r->applied.size();
  }
  EXPECT_EQ(applied, 1u);  // exactly one run applied it; the others found it applied
}

}  // namespace
}  // namespace heat::db

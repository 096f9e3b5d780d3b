// db/prepared.hpp: a statement is prepared once per pooled connection and executed by name
// afterwards; values and NULLs bind in order, errors keep their SQLSTATE, and a connection
// that is replaced (PostgreSQL restarted, backend killed) prepares again.
#include "db/prepared.hpp"

#include "db/errors.hpp"
#include "db/pool.hpp"
#include "tests/support/pg_fixture.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

namespace heat::db {
namespace {

constexpr const char* kEcho =
    "SELECT CAST(:a AS int) + 1, :b::text, CAST(:c AS text) IS NULL, 'a:b' || :d::text, 3::bigint";

int prepared_on_server(soci::session& s) {
  int n = 0;
  s << "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'hw_%'", soci::into(n);
  return n;
}

TEST(Prepared, PreparesOnceAndBindsInOrder) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  ASSERT_TRUE(pool);
  auto lease = (*pool)->acquire();
  ASSERT_TRUE(lease);
  for (int i = 0; i < 3; ++i) {
    auto rows = exec_prepared(**lease, kEcho, {std::to_string(i), "x", std::nullopt, "y"});
    ASSERT_EQ(rows.size(), 1);
    const auto r = rows[0];
    EXPECT_EQ(r.get<int>(0), i + 1);
    EXPECT_EQ(r.get<std::string>(1), "x");
    EXPECT_TRUE(r.get<bool>(2));
    EXPECT_EQ(r.get<std::string>(3), "a:by");  // a colon inside quotes is text, not a parameter
    EXPECT_EQ(r.get<long long>(4), 3);
  }
  EXPECT_EQ(prepared_count(**lease), 1u);
  EXPECT_EQ(prepared_on_server(**lease), 1);
  // A NULL column reads as i_null; a wrong number of values is refused before the server.
  auto null_row = exec_prepared(**lease, "SELECT NULL::text");
  EXPECT_EQ(null_row[0].get_indicator(0), soci::i_null);
  EXPECT_THROW((void)exec_prepared(**lease, kEcho, {"1"}), soci::soci_error);
  EXPECT_EQ(prepared_on_server(**lease), 2);
}

TEST(Prepared, ErrorsKeepTheirSqlstate) {
  test::TestDatabase database;
  database.exec("CREATE TABLE t (k int PRIMARY KEY)");
  auto pool = Pool::open(database.url(), 1);
  ASSERT_TRUE(pool);
  auto r = in_transaction(**pool, [&](soci::session& s) -> Result<bool> {
    exec_prepared(s, "INSERT INTO t VALUES (CAST(:k AS int))", {"1"});
    exec_prepared(s, "INSERT INTO t VALUES (CAST(:k AS int))", {"1"});
    return true;
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::already_exists);
  // Rolled back: the statement stays prepared and works in the next transaction.
  auto again = in_transaction(**pool, [&](soci::session& s) -> Result<bool> {
    exec_prepared(s, "INSERT INTO t VALUES (CAST(:k AS int))", {"2"});
    return true;
  });
  EXPECT_TRUE(again);
  EXPECT_EQ(database.query_value("SELECT string_agg(k::text, ',') FROM t"), "2");
}

TEST(Prepared, AReplacedConnectionPreparesAgain) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  ASSERT_TRUE(pool);
  int pid = 0;
  {
    auto lease = (*pool)->acquire();
    ASSERT_TRUE(lease);
    exec_prepared(**lease, kEcho, {"1", "x", std::nullopt, "y"});
    **lease << "SELECT pg_backend_pid()", soci::into(pid);
  }
  database.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  PoolHealthProbe probe(**pool);
  (void)probe.check();  // the first use may find the connection dead (unavailable)
  auto lease = (*pool)->acquire();
  ASSERT_TRUE(lease) << lease.error().message;
  auto rows = exec_prepared(**lease, kEcho, {"41", "x", std::nullopt, "y"});
  EXPECT_EQ(rows[0].get<int>(0), 42);
  EXPECT_EQ(prepared_on_server(**lease), 1);
}

}  // namespace
}  // namespace heat::db

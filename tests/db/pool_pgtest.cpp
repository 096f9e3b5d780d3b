#include "db/pool.hpp"

#include "db/errors.hpp"
#include "tests/support/pg_fixture.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <soci/soci.h>

#include <thread>

namespace heat::db {
namespace {

TEST(ConnectionString, AcceptsUriAndKeyValueAndRejectsGarbage) {
  auto uri = to_connection_string("postgresql://alice@127.0.0.1:5432/heat?sslmode=disable");
  ASSERT_TRUE(uri);
  EXPECT_NE(uri->find("dbname='heat'"), std::string::npos);
  EXPECT_NE(uri->find("port='5432'"), std::string::npos);
  EXPECT_NE(uri->find("sslmode='disable'"), std::string::npos);
  // The plain URI without a query string that SOCI 4.0.3 mangles.
  auto plain = to_connection_string("postgresql://alice@127.0.0.1:5432/heat");
  ASSERT_TRUE(plain);
  EXPECT_NE(plain->find("dbname='heat'"), std::string::npos);
  auto kv = to_connection_string("host=127.0.0.1 dbname=x password='it\\'s'");
  ASSERT_TRUE(kv);
  EXPECT_NE(kv->find("password='it\\'s'"), std::string::npos);
  auto bad = to_connection_string("postgresql://[::1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
}

TEST(Pool, OpensOnAUriWithoutQueryString) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 2);
  ASSERT_TRUE(pool) << pool.error().message;
  PoolHealthProbe probe(**pool);
  EXPECT_TRUE(probe.check());
}

TEST(Pool, UnreachableServerIsUnavailable) {
  auto pool = Pool::open("host=127.0.0.1 port=1 connect_timeout=2 dbname=x", 1);
  ASSERT_FALSE(pool);
  EXPECT_EQ(pool.error().code, ErrorCode::unavailable);
}

TEST(Pool, AcquireTimesOutWhenAllAreLent) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  ASSERT_TRUE(pool);
  auto first = (*pool)->acquire();
  ASSERT_TRUE(first);
  EXPECT_EQ((*pool)->in_use(), 1u);
  auto second = (*pool)->acquire(std::chrono::milliseconds(50));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::unavailable);
}

TEST(Pool, AReleasedSessionIsLentAgain) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  { auto lease = (*pool)->acquire(); ASSERT_TRUE(lease); }
  EXPECT_EQ((*pool)->in_use(), 0u);
  EXPECT_TRUE((*pool)->acquire(std::chrono::milliseconds(50)));
}

TEST(Transaction, CommitsOnValueRollsBackOnError) {
  test::TestDatabase database;
  database.exec("CREATE TABLE t (k text PRIMARY KEY)");
  auto pool = Pool::open(database.url(), 1);
  auto ok = in_transaction(**pool, [](soci::session& sql) -> Result<int> {
    sql << "INSERT INTO t VALUES ('a')";
    return 1;
  });
  ASSERT_TRUE(ok);
  auto refused = in_transaction(**pool, [](soci::session& sql) -> Result<int> {
    sql << "INSERT INTO t VALUES ('b')";
    return Error::of(ErrorCode::domain_rule, "no");
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(database.query_value("SELECT string_agg(k, ',' ORDER BY k) FROM t"), "a");
}

TEST(Transaction, DatabaseErrorsBecomeTypedValues) {
  test::TestDatabase database;
  database.exec("CREATE TABLE t (k text PRIMARY KEY)");
  database.exec("INSERT INTO t VALUES ('a')");
  auto pool = Pool::open(database.url(), 1);
  auto dup = in_transaction(**pool, [](soci::session& sql) -> Result<int> {
    sql << "INSERT INTO t VALUES ('a')";
    return 1;
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::already_exists);
  // The failed session is clean for the next borrower.
  auto after = in_transaction(**pool, [](soci::session& sql) -> Result<int> {
    int n = 0;
    sql << "SELECT count(*) FROM t", soci::into(n);
    return n;
  });
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, 1);
}

TEST(Transaction, SerializationFailureIsAborted) {
  EXPECT_EQ(error_code_for_sqlstate("40001"), ErrorCode::aborted);
  EXPECT_EQ(error_code_for_sqlstate("40P01"), ErrorCode::aborted);
  EXPECT_EQ(error_code_for_sqlstate("08006"), ErrorCode::unavailable);
  EXPECT_EQ(error_code_for_sqlstate("57P01"), ErrorCode::unavailable);
  EXPECT_EQ(error_code_for_sqlstate("23503"), ErrorCode::domain_rule);
  EXPECT_EQ(error_code_for_sqlstate("42P01"), ErrorCode::internal);
}

TEST(Pool, ReconnectsAfterTheConnectionIsKilled) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  ASSERT_TRUE(pool);
  int pid = 0;
  {
    auto lease = (*pool)->acquire();
    **lease << "SELECT pg_backend_pid()", soci::into(pid);
  }
  database.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  // The first use after the kill fails as unavailable...
  PoolHealthProbe probe(**pool);
  auto first = probe.check();
  if (!first) {
    EXPECT_EQ(first.error().code, ErrorCode::unavailable);
  }
  // ...and the pool re-establishes the connection on the next acquire.
  auto second = probe.check();
  EXPECT_TRUE(second) << second.error().message;
}

// Runs SQL on the cluster's admin database (statements a database cannot run on itself).
void admin_exec(const std::string& sql) {
  PGconn* c = PQconnectdb(test::test_cluster_url().c_str());
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  const std::string why = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error(sql + ": " + why);
}

TEST(Pool, AReconnectThatFailsIsUnavailable) {
  test::TestDatabase database;
  auto pool = Pool::open(database.url(), 1);
  ASSERT_TRUE(pool);
  int pid = 0;
  {
    auto lease = (*pool)->acquire();
    **lease << "SELECT pg_backend_pid()", soci::into(pid);
  }
  // The server refuses new connections to this database, as when PostgreSQL is down.
  admin_exec("ALTER DATABASE " + database.name() + " WITH ALLOW_CONNECTIONS false");
  admin_exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  PoolHealthProbe probe(**pool);
  for (int i = 0; i < 2; ++i) {
    auto s = probe.check();
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::unavailable) << s.error().message;
  }
  admin_exec("ALTER DATABASE " + database.name() + " WITH ALLOW_CONNECTIONS true");
  EXPECT_TRUE(probe.check());
}

}  // namespace
}  // namespace heat::db

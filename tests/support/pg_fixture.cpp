#include "tests/support/pg_fixture.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace heat::test {
namespace {

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Conn connect(const std::string& url) {
  Conn c(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK)
    throw std::runtime_error("cannot connect to test database: " + std::string(PQerrorMessage(c.get())));
  return c;
}

std::string run(const std::string& url, const std::string& sql) {
  Conn c = connect(url);
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error("SQL failed: " + sql + ": " + PQerrorMessage(c.get()));
  if (st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0) return PQgetvalue(r.get(), 0, 0);
  return {};
}

}  // namespace

std::string test_cluster_url() {
  const char* url = std::getenv("HEATWATCH_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0')
    throw std::runtime_error(
        "HEATWATCH_TEST_DATABASE_URL is not set: run database tests through tools/test, "
        "which starts a throwaway PostgreSQL");
  return url;
}

TestDatabase::TestDatabase() : admin_url_(test_cluster_url()) {
  static std::atomic<int> counter{0};
  name_ = "heat_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  run(admin_url_, "DROP DATABASE IF EXISTS " + name_);
  run(admin_url_, "CREATE DATABASE " + name_);
  // Same server and credentials as the admin URL, another database.
  url_ = admin_url_ + " dbname=" + name_;
}

TestDatabase::~TestDatabase() {
  try {
    run(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // The cluster is thrown away by tools/test anyway.
  }
}

void TestDatabase::exec(const std::string& sql) const { run(url_, sql); }

std::string TestDatabase::query_value(const std::string& sql) const { return run(url_, sql); }

}  // namespace heat::test

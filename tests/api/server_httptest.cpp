// The real binary on a real socket: `heatwatch serve` against the throwaway PostgreSQL,
// spoken to by a real HTTP client.
#include "tests/support/http_client.hpp"
#include "tests/support/pg_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace heat::test {
namespace {

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    auto [rc, out] = run_command(heatwatch_binary() + " migrate --db '" + database_->url() + "'");
    ASSERT_EQ(rc, 0) << out;
    server_ = new ServerProcess(database_->url());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  static TestDatabase* database_;
  static ServerProcess* server_;
};
TestDatabase* ServeTest::database_ = nullptr;
ServerProcess* ServeTest::server_ = nullptr;

TEST_F(ServeTest, HealthAndReadiness) {
  auto h = http(server_->port(), "GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.header("content-type"), "application/json");
  EXPECT_EQ(h.header("cache-control"), "no-store");
  auto r = http(server_->port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ServeTest, MigrateTwiceSucceeds) {
  auto [rc, out] = run_command(heatwatch_binary() + " migrate --db '" + database_->url() + "'");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("0 applied"), std::string::npos) << out;
}

TEST_F(ServeTest, UnknownRouteIsProblemJson404) {
  auto r = http(server_->port(), "GET", "/api/v1/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 404);
  EXPECT_TRUE(body.contains("title"));
  EXPECT_TRUE(body.contains("detail"));
}

TEST_F(ServeTest, WrongMethodIs405WithAllow) {
  auto r = http(server_->port(), "POST", "/healthz", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD");  // HEAD is allowed wherever GET is (7941bcb)
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

TEST_F(ServeTest, BodyOverTheLimitIs413AndTheRestIsNotRead) {
  // Announce 2 MiB but send only the headers and a few bytes: the answer must come at once,
  // without the server waiting for (reading) the body.
  const std::string request =
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{\"a\":";
  const auto started = std::chrono::steady_clock::now();
  std::string reply = raw_exchange(server_->port(), request, std::chrono::seconds(10));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_NE(reply.find("application/problem+json"), std::string::npos);
}

TEST_F(ServeTest, MalformedHttpIs400) {
  std::string reply = raw_exchange(server_->port(), "GARBAGE\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
}

TEST_F(ServeTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string reply = raw_exchange(server_->port(), two);
  std::size_t first = reply.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << reply;
  EXPECT_NE(reply.find("HTTP/1.1 200", first + 1), std::string::npos) << reply;
}

TEST_F(ServeTest, MetricsIsValidPrometheusText) {
  (void)http(server_->port(), "GET", "/healthz");
  (void)http(server_->port(), "GET", "/nope");
  auto r = http(server_->port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
  // Checked with the same grammar a scraper applies.
  static const std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfa]+$)");
  static const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::istringstream in(r.body);
  std::string line;
  while (std::getline(in, line)) {
    EXPECT_TRUE(std::regex_match(line, line.rfind('#', 0) == 0 ? comment : sample)) << line;
  }
  EXPECT_NE(r.body.find(R"(heatwatch_http_requests_total{route="GET /healthz",method="GET",status="200"})"),
            std::string::npos);
  EXPECT_NE(r.body.find(R"(status="404")"), std::string::npos);
  EXPECT_NE(r.body.find("heatwatch_db_pool_in_use"), std::string::npos);
  EXPECT_NE(r.body.find("heatwatch_worker_queue_depth"), std::string::npos);
}

TEST(ServeCommand, HelpAndBadArguments) {
  auto [rc, out] = run_command(heatwatch_binary() + " serve --help");
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("--listen"), std::string::npos);
  auto [rc2, out2] = run_command(heatwatch_binary() + " serve --no-such-flag");
  EXPECT_EQ(rc2, 2) << out2;
  auto [rc3, out3] = run_command("env -u HEATWATCH_DATABASE_URL " + heatwatch_binary() + " migrate");
  EXPECT_EQ(rc3, 2) << out3;
  EXPECT_NE(out3.find("HEATWATCH_DATABASE_URL"), std::string::npos);
}

TEST(ServeCommand, DatabaseUrlFromTheEnvironmentAndSecretsNeverLogged) {
  TestDatabase database;
  const std::string url = database.url() + " password=topsecret-xyz";
  auto [rc, out] = run_command("HEATWATCH_DATABASE_URL=\"" + url + "\" " + heatwatch_binary() + " migrate");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out.find("topsecret-xyz"), std::string::npos);
}

TEST(ServeCommand, ReadyzIs503WhenTheDatabaseIsGoneAndRecovers) {
  TestDatabase database;
  ServerProcess server(database.url());
  EXPECT_EQ(http(server.port(), "GET", "/readyz").status, 200);
  // Cut every connection of the server to its database: the pool must notice and reconnect.
  const std::string kill_sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                               database.name() + "' AND pid <> pg_backend_pid()";
  database.exec(kill_sql);
  int ok = 0;
  for (int i = 0; i < 20 && ok < 2; ++i) {
    auto r = http(server.port(), "GET", "/readyz");
    EXPECT_TRUE(r.status == 200 || r.status == 503) << r.status;
    if (r.status == 503) {
      EXPECT_EQ(r.header("retry-after"), "1");
    }
    ok += r.status == 200 ? 1 : 0;
  }
  EXPECT_EQ(ok, 2);
}

TEST(ServeCommand, JsonLogsAreOneJsonObjectPerLine) {
  TestDatabase database;
  ServerProcess server(database.url(), {"--log-format", "json"});
  (void)http(server.port(), "GET", "/healthz");
  server.stop();
  std::istringstream in(server.log());
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
    if (!ec) {
      EXPECT_TRUE(v.as_object().contains("msg"));
    }
    ++lines;
  }
  EXPECT_GT(lines, 0);
}

}  // namespace
}  // namespace heat::test

// Feed polling end to end (issue 7): `heatwatch serve` polls a court feed on a local HTTPS
// server (loopback, a CA made for the test and trusted through HEATWATCH_FEED_CA_FILE).
// 200 imports hearings; 304 (the server's If-None-Match) changes nothing; 500 and a silent
// server are failures shown on the feed's status with an exponential backoff, and never
// erase a hearing; a later 200 recovers. The background job polls due feeds, and of two
// server processes only one polls a feed.
#include "tests/support/app_fixture.hpp"
#include "tests/support/https_test_server.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <date/date.h>
#include <mutex>
#include <sstream>
#include <thread>

namespace heat::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

json::object object_of(const std::string& body) { return json::parse(body).as_object(); }
std::string str(const json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

std::chrono::sys_seconds parse_time(const std::string& text) {
  std::istringstream in(text);
  date::sys_time<std::chrono::microseconds> t;
  in >> date::parse("%FT%T%Ez", t);
  if (in.fail()) {
    in.clear();
    in.str(text);
    in >> date::parse("%FT%TZ", t);
  }
  return std::chrono::floor<std::chrono::seconds>(t);
}

std::string calendar(const std::string& prelim_start) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Superior Court//EN\r\nMETHOD:PUBLISH\r\n"
         "BEGIN:VEVENT\r\nUID:P-1@court.example\r\nDTSTAMP:20261130T120000Z\r\n"
         "DTSTART;TZID=America/Los_Angeles:" + prelim_start + "\r\n"
         "SUMMARY:Preliminary Hearing 26-CR-077001\r\nLOCATION:Dept. 12\r\nEND:VEVENT\r\n"
         "BEGIN:VEVENT\r\nUID:P-2@court.example\r\nDTSTAMP:20261130T120000Z\r\n"
         "DTSTART;TZID=America/Los_Angeles:20270115T090000\r\n"
         "SUMMARY:Jury Trial 26-CR-077001\r\nLOCATION:Dept. 12\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
}

// What the court's server answers, switched by the tests.
struct Court {
  std::mutex mutex;
  std::string mode = "ok";  // ok | error | hang
  std::string body = calendar("20261210T083000");
  std::string etag = "\"day-1\"";

  TestResponse answer(const TestRequest& r) {
    std::lock_guard lock(mutex);
    if (r.target == "/bg.ics") return {200, calendar("20261211T083000"), {{"ETag", "\"bg\""}}};
    if (mode == "error") return {500, "internal error", {}};
    if (mode == "hang") return {200, "", {}, true};
    if (r.header("if-none-match") == etag) return {304, "", {{"ETag", etag}}};
    return {200, body, {{"Content-Type", "text/calendar"}, {"ETag", etag}}};
  }
  void set(const std::string& m) {
    std::lock_guard lock(mutex);
    mode = m;
  }
};

class FeedPolling : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    court_ = new Court();
    feed_server_ = new HttpsTestServer(pki_->server_cert(), pki_->server_key(),
                                       [](const TestRequest& r) { return court_->answer(r); });
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    server_ = new ServerProcess(database_->url(), {"--jobs", "off"}, server_env());
    for (const char* u : {"dda1", "dda2", "supervisor1", "admin1", "advocate1"}) tokens_[u] = login(server_->port(), u);
    auto c = http(port(), "POST", "/api/v1/cases",
                  json::serialize(json::object{{"da_number", "HT-26-0301"},
                                               {"title", "People v. Poll"},
                                               {"unit", "ht"},
                                               {"referring_agency", "Oakland PD"},
                                               {"referral_date", "2026-11-01"},
                                               {"dockets", json::array{"26-CR-077001"}}}),
                  as("dda1"));
    ASSERT_EQ(c.status, 201) << c.body;
    case_id_ = str(object_of(c.body), "id");
    auto f = http(port(), "POST", "/api/v1/feeds",
                  json::serialize(json::object{
                      {"name", "Polled calendar"}, {"kind", "ical"}, {"url", feed_server_->url("/court.ics")}}),
                  as("supervisor1"));
    ASSERT_EQ(f.status, 201) << f.body;
    feed_id_ = str(object_of(f.body), "id");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
    delete feed_server_;
    delete court_;
    delete pki_;
  }
  static std::map<std::string, std::string> server_env() {
    return {{"HEATWATCH_FEED_CA_FILE", pki_->ca_cert()}, {"HEATWATCH_FEED_TIMEOUT_MS", "1500"}};
  }
  static unsigned short port() { return server_->port(); }
  static std::map<std::string, std::string> as(const std::string& user) { return bearer(tokens_.at(user)); }

  static json::object poll(int expected_status = 200) {
    auto r = http(port(), "POST", "/api/v1/feeds/" + feed_id_ + "/poll", "", as("supervisor1"));
    EXPECT_EQ(r.status, expected_status) << r.body;
    return r.status == 200 ? object_of(r.body) : json::object{};
  }
  static json::array hearings() {
    auto r = http(port(), "GET", "/api/v1/court-events?case_id=" + case_id_, "", as("dda1"));
    EXPECT_EQ(r.status, 200) << r.body;
    return object_of(r.body).at("items").as_array();
  }
  static json::object feed_status() {
    auto r = http(port(), "GET", "/api/v1/feeds/" + feed_id_, "", as("supervisor1"));
    EXPECT_EQ(r.status, 200) << r.body;
    return object_of(r.body).at("polling").as_object();
  }

  static TestPki* pki_;
  static Court* court_;
  static HttpsTestServer* feed_server_;
  static TestDatabase* database_;
  static ServerProcess* server_;
  static std::map<std::string, std::string> tokens_;
  static std::string case_id_, feed_id_;
};

TestPki* FeedPolling::pki_ = nullptr;
Court* FeedPolling::court_ = nullptr;
HttpsTestServer* FeedPolling::feed_server_ = nullptr;
TestDatabase* FeedPolling::database_ = nullptr;
ServerProcess* FeedPolling::server_ = nullptr;
std::map<std::string, std::string> FeedPolling::tokens_;
std::string FeedPolling::case_id_, FeedPolling::feed_id_;

// The tests below run in the order written: each starts from the state the one before left.

TEST_F(FeedPolling, OkImportsTheCalendar) {
  feed_server_->clear_requests();
  auto p = poll();
  EXPECT_EQ(str(p, "status"), "ok") << json::serialize(p);
  ASSERT_TRUE(p.at("import").is_object()) << json::serialize(p);
  EXPECT_EQ(p.at("import").at("created").as_int64(), 2);
  EXPECT_EQ(p.at("consecutive_failures").as_int64(), 0);
  EXPECT_TRUE(p.at("last_error").is_null());
  EXPECT_EQ(parse_time(str(p, "next_poll_at")) - parse_time(str(p, "last_polled_at")), 3600s);
  ASSERT_EQ(hearings().size(), 2u);
  const auto seen = feed_server_->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("if-none-match"), "");
  EXPECT_EQ(str(feed_status(), "status"), "ok");
  EXPECT_EQ(database_->query_value("SELECT origin FROM feed_imports WHERE feed_id = '" + feed_id_ + "'"), "poll");
}

TEST_F(FeedPolling, NotModifiedChangesNothing) {
  feed_server_->clear_requests();
  const std::string before = json::serialize(hearings());
  auto p = poll();
  EXPECT_EQ(str(p, "status"), "not_modified") << json::serialize(p);
  EXPECT_TRUE(p.at("import").is_null());
  const auto seen = feed_server_->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("if-none-match"), "\"day-1\"");
  EXPECT_EQ(json::serialize(hearings()), before);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM feed_imports WHERE feed_id = '" + feed_id_ + "'"), "1");
}

TEST_F(FeedPolling, ServerErrorBacksOffAndKeepsHearings) {
  court_->set("error");
  auto first = poll();
  EXPECT_EQ(str(first, "status"), "failed");
  EXPECT_EQ(str(first, "last_error").rfind("http 500", 0), 0u) << json::serialize(first);
  EXPECT_EQ(first.at("consecutive_failures").as_int64(), 1);
  EXPECT_EQ(parse_time(str(first, "next_poll_at")) - parse_time(str(first, "last_polled_at")), 2 * 3600s);
  auto second = poll();
  EXPECT_EQ(second.at("consecutive_failures").as_int64(), 2);
  EXPECT_EQ(parse_time(str(second, "next_poll_at")) - parse_time(str(second, "last_polled_at")), 4 * 3600s);
  // The failure is on the feed's status; no hearing was cancelled or removed.
  const auto status = feed_status();
  EXPECT_EQ(str(status, "status"), "failed");
  EXPECT_EQ(status.at("consecutive_failures").as_int64(), 2);
  const auto hs = hearings();
  ASSERT_EQ(hs.size(), 2u);
  for (const auto& h : hs) EXPECT_NE(str(h.as_object(), "status"), "cancelled") << json::serialize(h);
}

TEST_F(FeedPolling, TimeoutIsAFailureToo) {
  court_->set("hang");
  const auto start = std::chrono::steady_clock::now();
  auto p = poll();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(str(p, "status"), "failed");
  EXPECT_EQ(str(p, "last_error").rfind("timeout", 0), 0u) << json::serialize(p);
  EXPECT_EQ(p.at("consecutive_failures").as_int64(), 3);
  EXPECT_EQ(hearings().size(), 2u);
}

TEST_F(FeedPolling, RecoveryImportsTheNewDayAndResetsTheBackoff) {
  {
    std::lock_guard lock(court_->mutex);
    court_->mode = "ok";
    court_->body = calendar("20261217T083000");  // the preliminary hearing is continued a week
    court_->etag = "\"day-2\"";
  }
  auto p = poll();
  EXPECT_EQ(str(p, "status"), "ok") << json::serialize(p);
  EXPECT_EQ(p.at("consecutive_failures").as_int64(), 0);
  EXPECT_TRUE(p.at("last_error").is_null());
  EXPECT_EQ(p.at("import").at("updated").as_int64(), 1) << json::serialize(p);
  bool moved = false;
  for (const auto& h : hearings()) moved = moved || str(h.as_object(), "starts_at").rfind("2026-12-17T16:30:00", 0) == 0;
  EXPECT_TRUE(moved);
}

TEST_F(FeedPolling, AccessAndFeedsWithoutAUrl) {
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds/" + feed_id_ + "/poll", "", as("dda2")).status, 404);  // other unit
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds/" + feed_id_ + "/poll", "", as("advocate1")).status, 403);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds/00000000-0000-4000-8000-000000000000/poll", "", as("admin1")).status,
            404);
  auto f = http(port(), "POST", "/api/v1/feeds", R"({"name":"Upload only","kind":"ical"})", as("supervisor1"));
  ASSERT_EQ(f.status, 201);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds/" + str(object_of(f.body), "id") + "/poll", "", as("supervisor1")).status,
            422);
}

TEST_F(FeedPolling, BackgroundJobPollsDueFeedsOnceAcrossProcesses) {
  auto f = http(port(), "POST", "/api/v1/feeds",
                json::serialize(json::object{
                    {"name", "Background calendar"}, {"kind", "ical"}, {"url", feed_server_->url("/bg.ics")}}),
                as("supervisor1"));
  ASSERT_EQ(f.status, 201) << f.body;
  const std::string id = str(object_of(f.body), "id");
  feed_server_->clear_requests();
  {
    // Two processes run background jobs every 100 ms against one database.
    std::vector<std::string> args{"--jobs", "on", "--sweep-interval-ms", "100"};
    ServerProcess a(database_->url(), args, server_env());
    ServerProcess b(database_->url(), args, server_env());
    std::string status;
    for (int i = 0; i < 100 && status != "ok"; ++i) {
      std::this_thread::sleep_for(100ms);
      status = database_->query_value("SELECT COALESCE(last_status, '') FROM feeds WHERE id = '" + id + "'");
    }
    ASSERT_EQ(status, "ok") << a.log() << b.log();
    std::this_thread::sleep_for(1s);  // both processes keep sweeping; the feed is not due again
  }
  int bg = 0;
  for (const auto& r : feed_server_->requests()) bg += r.target == "/bg.ics" ? 1 : 0;
  EXPECT_EQ(bg, 1);
  // The main feed is not due (its next poll is an hour away): it was not fetched.
  for (const auto& r : feed_server_->requests()) EXPECT_EQ(r.target, "/bg.ics");
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM court_events WHERE feed_id = '" + id + "'"), "2");
}

}  // namespace
}  // namespace heat::test

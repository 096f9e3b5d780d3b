// Statutory deadlines driven through the lifecycle over HTTP (issue 5), against the real
// binary and PostgreSQL: PC 859b, PC 739, PC 1382 (tolled by a warrant, restarted at the
// next appearance, waived by a general time waiver), PC 1191; waivers, the court calendar,
// closures that recompute, and a sweep by two processes that reminds exactly once.
#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace heat::test {
namespace {
namespace json = boost::json;

using Deadlines = std::map<std::pair<std::string, std::string>, std::string>;

// The due date (or instant) of the deadline with this rule and status; "" when none.
std::string at(const Deadlines& d, const std::string& rule, const std::string& status) {
  auto it = d.find({rule, status});
  return it == d.end() ? "" : it->second;
}
bool has(const Deadlines& d, const std::string& rule, const std::string& status) { return d.count({rule, status}) != 0; }

class DeadlinesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    server_ = new ServerProcess(database_->url(), {"--jobs", "off"});
    dda_ = login(server_->port(), "dda1");
    admin_ = login(server_->port(), "admin1");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  static unsigned short port() { return server_->port(); }

  // A felony prosecution (PC 236.1(b)) in a new case; returns its id.
  static std::string new_prosecution(const std::string& da_number) {
    auto c = http(port(), "POST", "/api/v1/cases",
                  json::serialize(json::object{{"da_number", da_number},
                                               {"title", "People v. Doe"},
                                               {"unit", "ht"},
                                               {"referring_agency", "Oakland PD"},
                                               {"referral_date", "2026-11-01"}}),
                  bearer(dda_));
    EXPECT_EQ(c.status, 201) << c.body;
    const std::string case_id(json::parse(c.body).at("id").as_string());
    auto p = http(port(), "POST", "/api/v1/cases/" + case_id + "/prosecutions",
                  R"({"person":{"name":"John Roe"}})", bearer(dda_));
    EXPECT_EQ(p.status, 201) << p.body;
    const std::string id(json::parse(p.body).at("id").as_string());
    auto charge = http(port(), "POST", "/api/v1/prosecutions/" + id + "/charges",
                       R"j({"statute":"PC 236.1(b)","filed_on":"2026-11-20"})j", bearer(dda_));
    EXPECT_EQ(charge.status, 201) << charge.body;
    return id;
  }

  static void event(const std::string& id, const std::string& body) {
    auto r = http(port(), "POST", "/api/v1/prosecutions/" + id + "/events", body, bearer(dda_));
    ASSERT_EQ(r.status, 200) << body << " -> " << r.body;
  }

  // The prosecution's deadlines as (rule, status) -> due.
  static Deadlines deadlines(const std::string& id) {
    auto r = http(port(), "GET", "/api/v1/prosecutions/" + id + "/deadlines", "", bearer(dda_));
    EXPECT_EQ(r.status, 200) << r.body;
    Deadlines out;
    const json::value body = json::parse(r.body);
    for (const auto& d : body.at("items").as_array()) {
      auto key = std::make_pair(std::string(d.at("rule").as_string()), std::string(d.at("status").as_string()));
      out[key] = std::string(d.at("due").as_string());
    }
    return out;
  }

  static TestDatabase* database_;
  static ServerProcess* server_;
  static std::string dda_, admin_;
};
TestDatabase* DeadlinesTest::database_ = nullptr;
ServerProcess* DeadlinesTest::server_ = nullptr;
std::string DeadlinesTest::dda_, DeadlinesTest::admin_;

TEST_F(DeadlinesTest, InCustodyArraignmentStartsPc859bAndTheOuterLimit) {
  const std::string id = new_prosecution("HT-2026-900001");
  event(id, R"({"event":"file_complaint","occurred_at":"2026-11-20T09:00:00-08:00"})");
  event(id, R"({"event":"book","occurred_at":"2026-11-21T10:00:00-08:00"})");
  // PC 825(a): 48 hours from Saturday 10:00, Sunday excluded -> Tuesday 10:00 Pacific.
  EXPECT_EQ(at(deadlines(id), "pc825_arraignment", "open"), "2026-11-24T18:00:00.000000Z");
  event(id, R"({"event":"arraign","occurred_at":"2026-11-23T09:00:00-08:00"})");
  auto d = deadlines(id);
  EXPECT_TRUE(has(d, "pc825_arraignment", "met"));
  // 10 court days from Mon Nov 23, skipping Thanksgiving and the day after -> Wed Dec 9.
  EXPECT_EQ(at(d, "pc859b_prelim", "open"), "2026-12-09");
  // 60 days -> Fri Jan 22 2027.
  EXPECT_EQ(at(d, "pc859b_prelim_outer", "open"), "2027-01-22");
  auto one = http(port(), "GET", "/api/v1/prosecutions/" + id + "/deadlines", "", bearer(dda_));
  auto first = json::parse(one.body).at("items").as_array().at(0).as_object();
  for (const char* field : {"id", "prosecution_id", "rule", "citation", "trigger", "trigger_date", "due", "count_unit",
                            "status"})
    EXPECT_TRUE(first.contains(field)) << field;
}

TEST_F(DeadlinesTest, HoldingOrderInformationWarrantWaiverAndPlea) {
  const std::string id = new_prosecution("HT-2026-900002");
  event(id, R"({"event":"file_complaint","occurred_at":"2026-11-20T09:00:00-08:00"})");
  event(id, R"({"event":"arraign","occurred_at":"2026-11-23T09:00:00-08:00"})");
  event(id, R"({"event":"hold_to_answer","occurred_at":"2026-12-04T14:00:00-08:00"})");
  auto d = deadlines(id);
  EXPECT_TRUE(has(d, "pc859b_prelim_outer", "met"));
  // PC 739: 15 days = Sat Dec 19 -> Mon Dec 21 (CCP 12a).
  EXPECT_EQ(at(d, "pc739_information", "open"), "2026-12-21");

  event(id, R"({"event":"arraign_on_information","occurred_at":"2026-12-18T09:00:00-08:00"})");
  d = deadlines(id);
  EXPECT_TRUE(has(d, "pc739_information", "met"));
  EXPECT_EQ(at(d, "pc1382_felony_trial", "open"), "2027-02-16");  // 60 days; Mon Feb 15 is Presidents' Day

  event(id, R"({"event":"issue_warrant","occurred_at":"2027-01-05T09:00:00-08:00"})");
  EXPECT_EQ(at(deadlines(id), "pc1382_felony_trial", "tolled"), "2027-02-16");
  event(id, R"({"event":"clear_warrant","occurred_at":"2027-01-19T09:00:00-08:00","next_appearance":"2027-01-20"})");
  d = deadlines(id);
  EXPECT_EQ(at(d, "pc1382_felony_trial", "superseded"), "2027-02-16");
  EXPECT_EQ(at(d, "pc1382_felony_trial", "open"), "2027-03-22");  // Jan 20 + 60 = Sun Mar 21 -> Mon

  event(id, R"({"event":"waive_time","occurred_at":"2027-01-25T09:00:00-08:00"})");
  d = deadlines(id);
  EXPECT_FALSE(has(d, "pc1382_felony_trial", "open"));
  EXPECT_EQ(at(d, "pc1382_felony_trial", "waived"), "2027-03-22");

  event(id, R"({"event":"plead_guilty","occurred_at":"2027-02-03T09:00:00-08:00"})");
  // PC 1191: 20 court days, skipping Feb 12 and Feb 15 -> Fri Mar 5.
  EXPECT_EQ(at(deadlines(id), "pc1191_sentencing_plea", "open"), "2027-03-05");
}

TEST_F(DeadlinesTest, CorrectingAnEventTimeRecomputesTheDeadlinesThatHangOnIt) {
  const std::string id = new_prosecution("HT-2026-900007");
  event(id, R"({"event":"file_complaint","occurred_at":"2026-11-20T09:00:00-08:00"})");
  event(id, R"({"event":"book","occurred_at":"2026-11-21T10:00:00-08:00"})");
  event(id, R"({"event":"arraign","occurred_at":"2026-11-23T09:00:00-08:00"})");
  event(id, R"({"event":"hold_to_answer","occurred_at":"2026-12-10T14:00:00-08:00"})");
  auto before = http(port(), "GET", "/api/v1/prosecutions/" + id + "/deadlines", "", bearer(dda_));
  EXPECT_NE(before.body.find(R"("rule":"pc859b_prelim")"), std::string::npos);
  const std::string history_path = "/api/v1/prosecutions/" + id + "/history";
  auto history = json::parse(http(port(), "GET", history_path, "", bearer(dda_)).body);
  int arraign_seq = 0, charge_seq = 0;
  for (const auto& h : history.at("items").as_array()) {
    if (h.at("event").as_string() == "arraign") arraign_seq = static_cast<int>(h.at("seq").as_int64());
    if (h.at("event").as_string() == "add_charge") charge_seq = static_cast<int>(h.at("seq").as_int64());
  }
  ASSERT_GT(arraign_seq, 0);
  const std::string path = history_path + "/" + std::to_string(arraign_seq) + "/correction";

  // Refused, nothing written: a blank reason, a time past the next event, a count entry, a
  // stale If-Match, an unknown entry, a role that may not enter events.
  EXPECT_EQ(http(port(), "POST", path, R"({"occurred_at":"2026-11-25T09:00:00-08:00","reason":"  "})", bearer(dda_)).status, 400);
  auto late = http(port(), "POST", path, R"({"occurred_at":"2026-12-11T09:00:00-08:00","reason":"typo"})", bearer(dda_));
  EXPECT_EQ(late.status, 422) << late.body;
  EXPECT_NE(late.body.find("hold_to_answer"), std::string::npos) << late.body;
  EXPECT_EQ(http(port(), "POST", history_path + "/" + std::to_string(charge_seq) + "/correction",
                 R"({"occurred_at":"2026-11-25T09:00:00-08:00","reason":"typo"})", bearer(dda_)).status, 422);
  EXPECT_EQ(http(port(), "POST", history_path + "/999/correction",
                 R"({"occurred_at":"2026-11-25T09:00:00-08:00","reason":"typo"})", bearer(dda_)).status, 404);
  EXPECT_EQ(http(port(), "POST", path, R"({"occurred_at":"2026-11-25T09:00:00-08:00","reason":"typo"})",
                 [&] {
                   auto h = bearer(dda_);
                   h["If-Match"] = "\"1\"";
                   return h;
                 }()).status,
            412);
  const std::string advocate = login(port(), "advocate1");
  EXPECT_EQ(http(port(), "POST", path, R"({"occurred_at":"2026-11-25T09:00:00-08:00","reason":"typo"})",
                 bearer(advocate)).status, 403);
  EXPECT_EQ(http(port(), "GET", "/api/v1/prosecutions/" + id + "/deadlines", "", bearer(dda_)).body, before.body);

  // The arraignment was on Wed Nov 25: PC 859b recounts to Dec 11 (Thanksgiving and the day
  // after skipped), so the holding order of Dec 10 met it on time; the outer limit moves to
  // Mon Jan 25 2027 (Jan 24 is a Sunday). PC 739, hanging on the holding order, stays.
  auto fixed = http(port(), "POST", path,
                    R"({"occurred_at":"2026-11-25T09:00:00-08:00","reason":"minute order shows Nov 25"})", bearer(dda_));
  ASSERT_EQ(fixed.status, 200) << fixed.body;
  auto body = json::parse(fixed.body);
  EXPECT_EQ(body.at("event").as_string(), "arraign");
  // Recomputed: the two PC 859b limits it started, and PC 825, which it met — now a day late
  // (48 hours from Saturday's booking ended Tuesday 10:00).
  EXPECT_EQ(body.at("deadlines_recomputed").as_array().size(), 3U) << fixed.body;
  auto d = deadlines(id);
  EXPECT_EQ(at(d, "pc859b_prelim", "met"), "2026-12-11");
  EXPECT_EQ(at(d, "pc859b_prelim_outer", "met"), "2027-01-25");
  EXPECT_EQ(at(d, "pc739_information", "open"), "2026-12-28");
  auto list = json::parse(http(port(), "GET", "/api/v1/prosecutions/" + id + "/deadlines", "", bearer(dda_)).body);
  for (const auto& item : list.at("items").as_array()) {
    if (item.at("rule").as_string() == "pc825_arraignment") {
      EXPECT_EQ(item.at("met_on_time"), json::value(false)) << item;
    }
    if (item.at("rule").as_string() != "pc859b_prelim") continue;
    EXPECT_EQ(item.at("met_on_time"), json::value(true)) << item;
    EXPECT_EQ(item.at("trigger_date").as_string(), "2026-11-25");
  }
  // The log keeps what was entered and shows the correction beside it.
  history = json::parse(http(port(), "GET", history_path, "", bearer(dda_)).body);
  for (const auto& h : history.at("items").as_array()) {
    if (h.at("seq").as_int64() != arraign_seq) continue;
    EXPECT_EQ(h.at("occurred_at").as_string(), "2026-11-25T17:00:00.000000Z");
    EXPECT_EQ(h.at("originally_occurred_at").as_string(), "2026-11-23T17:00:00.000000Z");
    EXPECT_EQ(h.at("correction_reason").as_string(), "minute order shows Nov 25");
  }
  // And the audit log records who corrected what, and why.
  auto audit = http(port(), "GET", "/api/v1/audit?entity=prosecution&entity_id=" + id, "", bearer(admin_));
  EXPECT_NE(audit.body.find("minute order shows Nov 25"), std::string::npos) << audit.body;
}

TEST_F(DeadlinesTest, WaiveNeedsAReasonAndIsAudited) {
  const std::string id = new_prosecution("HT-2026-900003");
  event(id, R"({"event":"file_complaint","occurred_at":"2026-11-20T09:00:00-08:00"})");
  event(id, R"({"event":"arraign","occurred_at":"2026-11-23T09:00:00-08:00"})");
  auto list = http(port(), "GET", "/api/v1/prosecutions/" + id + "/deadlines", "", bearer(dda_));
  const std::string deadline(json::parse(list.body).at("items").as_array().at(0).at("id").as_string());
  EXPECT_EQ(http(port(), "POST", "/api/v1/deadlines/" + deadline + "/waive", "{}", bearer(dda_)).status, 400);
  auto ok = http(port(), "POST", "/api/v1/deadlines/" + deadline + "/waive",
                 R"({"reason":"defendant personally waived on the record"})", bearer(dda_));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body).at("status").as_string(), "waived");
  EXPECT_EQ(http(port(), "POST", "/api/v1/deadlines/" + deadline + "/waive", R"({"reason":"again"})", bearer(dda_))
                .status,
            422);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'deadline.waive' AND entity_id = '" +
                                   deadline + "'"),
            "1");
  // Another unit's DDA cannot see that it exists.
  const std::string other = login(port(), "dda2");
  EXPECT_EQ(http(port(), "POST", "/api/v1/deadlines/" + deadline + "/waive", R"({"reason":"x"})", bearer(other)).status,
            404);
  EXPECT_EQ(http(port(), "GET", "/api/v1/prosecutions/" + id + "/deadlines", "", bearer(other)).status, 404);
}

TEST_F(DeadlinesTest, WorklistFiltersAndPages) {
  auto all = http(port(), "GET", "/api/v1/deadlines?assigned_to=me&status=open&due_before=2030-01-01", "", bearer(dda_));
  ASSERT_EQ(all.status, 200) << all.body;
  const auto items = json::parse(all.body).at("items").as_array();
  ASSERT_GE(items.size(), 2u);
  for (const auto& d : items) EXPECT_EQ(d.at("status").as_string(), "open");
  auto page1 = http(port(), "GET", "/api/v1/deadlines?assigned_to=me&status=open&limit=1", "", bearer(dda_));
  auto cursor = json::parse(page1.body).at("next_cursor");
  ASSERT_TRUE(cursor.is_string());
  auto page2 = http(port(), "GET", "/api/v1/deadlines?assigned_to=me&status=open&limit=1&cursor=" +
                                       std::string(cursor.as_string()), "", bearer(dda_));
  EXPECT_NE(json::parse(page2.body).at("items").as_array().at(0).at("id"),
            json::parse(page1.body).at("items").as_array().at(0).at("id"));
  EXPECT_EQ(http(port(), "GET", "/api/v1/deadlines?status=late", "", bearer(dda_)).status, 400);
  EXPECT_EQ(http(port(), "GET", "/api/v1/deadlines?due_before=2026-13-01", "", bearer(dda_)).status, 400);
}

TEST_F(DeadlinesTest, CourtDaysAndClosures) {
  auto days = http(port(), "GET", "/api/v1/court-days?from=2026-11-23&to=2026-11-30", "", bearer(dda_));
  ASSERT_EQ(days.status, 200) << days.body;
  auto body = json::parse(days.body);
  EXPECT_EQ(json::serialize(body.at("court_days")), R"(["2026-11-23","2026-11-24","2026-11-25","2026-11-30"])");
  EXPECT_EQ(body.at("closures").as_array().size(), 2u);
  auto add = http(port(), "GET", "/api/v1/court-days/add?date=2026-11-23&days=10", "", bearer(dda_));
  EXPECT_EQ(json::parse(add.body).at("date").as_string(), "2026-12-09");
  auto back = http(port(), "GET", "/api/v1/court-days/add?date=2026-12-09&days=-10", "", bearer(dda_));
  EXPECT_EQ(json::parse(back.body).at("date").as_string(), "2026-11-23");
  EXPECT_EQ(http(port(), "GET", "/api/v1/court-days/add?date=2026-12-09&days=x", "", bearer(dda_)).status, 400);

  // An emergency closure on Dec 2 moves the PC 859b deadline of an arraignment on Nov 23.
  const std::string id = new_prosecution("HT-2026-900004");
  event(id, R"({"event":"file_complaint","occurred_at":"2026-11-20T09:00:00-08:00"})");
  event(id, R"({"event":"book","occurred_at":"2026-11-22T09:00:00-08:00"})");
  event(id, R"({"event":"arraign","occurred_at":"2026-11-23T09:00:00-08:00"})");
  EXPECT_EQ(at(deadlines(id), "pc859b_prelim", "open"), "2026-12-09");
  EXPECT_EQ(http(port(), "POST", "/api/v1/court-closures", R"({"date":"2026-12-02","reason":"flood"})", bearer(dda_))
                .status,
            403);
  auto closed = http(port(), "POST", "/api/v1/court-closures", R"({"date":"2026-12-02","reason":"flood"})",
                     bearer(admin_));
  ASSERT_EQ(closed.status, 201) << closed.body;
  EXPECT_GE(json::parse(closed.body).at("deadlines_recomputed").as_int64(), 1);
  EXPECT_EQ(at(deadlines(id), "pc859b_prelim", "open"), "2026-12-10");
  auto reopened = http(port(), "DELETE", "/api/v1/court-closures", R"({"date":"2026-12-02"})", bearer(admin_));
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_EQ(at(deadlines(id), "pc859b_prelim", "open"), "2026-12-09");
}

// Two server processes with jobs on, the clock pinned where reminders are due: each
// reminder and each missed-deadline notice is queued exactly once.
TEST(DeadlineSweep, TwoProcessesRemindExactlyOnce) {
  TestDatabase database;
  migrate(database);
  add_one_user_per_role(database);
  std::string prosecution;
  {
    ServerProcess setup(database.url(), {"--jobs", "off"});
    const std::string dda = login(setup.port(), "dda1");
    auto c = http(setup.port(), "POST", "/api/v1/cases",
                  R"({"da_number":"HT-2026-910001","title":"People v. Roe","unit":"ht","referring_agency":"OPD","referral_date":"2026-11-01"})",
                  bearer(dda));
    ASSERT_EQ(c.status, 201) << c.body;
    auto p = http(setup.port(), "POST", "/api/v1/cases/" + std::string(json::parse(c.body).at("id").as_string()) +
                                            "/prosecutions",
                  R"({"person":{"name":"R. Roe"}})", bearer(dda));
    prosecution = std::string(json::parse(p.body).at("id").as_string());
    ASSERT_EQ(http(setup.port(), "POST", "/api/v1/prosecutions/" + prosecution + "/charges",
                   R"j({"statute":"PC 266h(a)","filed_on":"2026-11-20"})j", bearer(dda)).status, 201);
    for (const char* e : {R"({"event":"file_complaint","occurred_at":"2026-11-20T09:00:00-08:00"})",
                          R"({"event":"book","occurred_at":"2026-11-22T09:00:00-08:00"})",
                          R"({"event":"arraign","occurred_at":"2026-11-23T09:00:00-08:00"})"})
      ASSERT_EQ(http(setup.port(), "POST", "/api/v1/prosecutions/" + prosecution + "/events", e, bearer(dda)).status, 200);
  }
  // Dec 3: PC 859b (due Dec 9) is 4 court days ahead -> the 5-day reminder; the outer limit
  // (Jan 22) is not yet due. Both processes sweep every 100 ms for a while.
  std::map<std::string, std::string> env{{"HEATWATCH_NOW", "2026-12-03T16:00:00Z"}};
  {
    ServerProcess a(database.url(), {"--jobs", "on", "--sweep-interval-ms", "100"}, env);
    ServerProcess b(database.url(), {"--jobs", "on", "--sweep-interval-ms", "100"}, env);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  EXPECT_EQ(database.query_value("SELECT count(*) FROM notifications WHERE kind = 'deadline_due'"), "1");
  EXPECT_EQ(database.query_value("SELECT dedupe_key LIKE 'deadline_due:5:%' FROM notifications"), "t");
  // Dec 10: past due -> missed, with one notice; the 1-day reminder was never due before.
  env["HEATWATCH_NOW"] = "2026-12-10T16:00:00Z";
  {
    ServerProcess a(database.url(), {"--jobs", "on", "--sweep-interval-ms", "100"}, env);
    ServerProcess b(database.url(), {"--jobs", "on", "--sweep-interval-ms", "100"}, env);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  EXPECT_EQ(database.query_value("SELECT status FROM deadlines WHERE rule_id = 'pc859b_prelim'"), "missed");
  EXPECT_EQ(database.query_value("SELECT count(*) FROM notifications WHERE kind = 'deadline_missed'"), "1");
  EXPECT_EQ(database.query_value("SELECT count(*) FROM deadlines WHERE status = 'missed'"), "1");
}

}  // namespace
}  // namespace heat::test

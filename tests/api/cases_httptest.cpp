// Cases, prosecutions, lifecycle events, charges and statutes through the real binary over
// HTTP against the throwaway PostgreSQL: ETags and If-Match, Idempotency-Key, 409 with
// allowed_events, concurrent events on one version, unit isolation, list filters and
// pagination, and a property test that random event sequences leave a projection equal to
// the replay of the log.
#include "db/case_store.hpp"
#include "db/pool.hpp"
#include "engine/cases.hpp"
#include "tests/support/app_fixture.hpp"
#include "workflows/prosecution_events.hpp"
#include "workflows/prosecution_lifecycle.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <set>
#include <thread>
#include <tuple>

namespace heat::test {
namespace {
namespace json = boost::json;

json::object obj(const HttpResult& r) { return json::parse(r.body).as_object(); }
std::string str(const json::value& v) { return std::string(v.as_string()); }

class CasesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    server_ = new ServerProcess(database_->url(), {"--login-rate", "1000"});
    for (const char* user : {"dda1", "dda2", "supervisor1", "advocate1", "leadership1"}) tokens_[user] = login(port(), user);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  static unsigned short port() { return server_->port(); }
  static std::map<std::string, std::string> as(const std::string& user,
                                               std::map<std::string, std::string> extra = {}) {
    auto h = bearer(tokens_.at(user));
    for (auto& [k, v] : extra) h[k] = v;
    return h;
  }
  static std::string user_id(const std::string& user) {
    return str(obj(http(port(), "GET", "/api/v1/auth/me", "", as(user))).at("user").at("id"));
  }
  static std::string count(const std::string& sql) { return database_->query_value(sql); }

  static std::string create_case(const std::string& da, const std::string& user = "dda1",
                                 const std::string& unit = "ht", const std::string& docket = "") {
    json::object b{{"da_number", da},
                   {"title", "People v. " + da},
                   {"unit", unit},
                   {"referring_agency", "Oakland PD"},
                   {"referral_date", "2026-01-15"}};
    if (!docket.empty()) b["dockets"] = json::array{json::value(docket)};
    auto r = http(port(), "POST", "/api/v1/cases", json::serialize(b), as(user));
    if (r.status != 201) throw std::runtime_error("create case: " + r.body);
    return str(obj(r).at("id"));
  }
  static std::string create_prosecution(const std::string& case_id, const std::string& name,
                                        const std::string& user = "dda1") {
    auto r = http(port(), "POST", "/api/v1/cases/" + case_id + "/prosecutions",
                  json::serialize(json::object{{"person", {{"name", name}, {"aliases", json::array{"Slim"}}}}}),
                  as(user));
    if (r.status != 201) throw std::runtime_error("create prosecution: " + r.body);
    return str(obj(r).at("id"));
  }
  static std::string add_charge(const std::string& pid, const std::string& statute, const std::string& user = "dda1") {
    auto r = http(port(), "POST", "/api/v1/prosecutions/" + pid + "/charges",
                  json::serialize(json::object{{"statute", statute}, {"filed_on", "2026-02-01"}}), as(user));
    if (r.status != 201) throw std::runtime_error("add charge: " + r.body);
    return str(obj(r).at("id"));
  }
  static HttpResult event(const std::string& pid, const std::string& name, json::object extra = {},
                          std::map<std::string, std::string> headers = {}, const std::string& user = "dda1") {
    extra["event"] = name;
    if (!extra.contains("occurred_at")) extra["occurred_at"] = "2026-03-02T09:30:00-08:00";
    return http(port(), "POST", "/api/v1/prosecutions/" + pid + "/events", json::serialize(extra),
                as(user, std::move(headers)));
  }
  static json::object prosecution(const std::string& pid, const std::string& user = "dda1") {
    auto r = http(port(), "GET", "/api/v1/prosecutions/" + pid, "", as(user));
    if (r.status != 200) throw std::runtime_error("get prosecution: " + r.body);
    return obj(r);
  }

  static TestDatabase* database_;
  static ServerProcess* server_;
  static std::map<std::string, std::string> tokens_;
};
TestDatabase* CasesTest::database_ = nullptr;
ServerProcess* CasesTest::server_ = nullptr;
std::map<std::string, std::string> CasesTest::tokens_;

TEST_F(CasesTest, CaseCreateReadPatchWithETagsAndIfMatch) {
  const std::string id = create_case("HT-2026-000101", "dda1", "ht", "26-CR-000101");
  auto got = http(port(), "GET", "/api/v1/cases/" + id, "", as("dda1"));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.header("etag"), "\"1\"");
  auto c = obj(got);
  EXPECT_EQ(str(c.at("lead_dda_id")), user_id("dda1"));  // defaults to the creating DDA
  EXPECT_EQ(c.at("dockets").as_array().size(), 1u);
  EXPECT_EQ(count("SELECT normalized FROM case_dockets WHERE case_id = '" + id + "'"), "26CR000101");

  auto patched = http(port(), "PATCH", "/api/v1/cases/" + id, R"({"title":"People v. Doe et al."})",
                      as("dda1", {{"If-Match", "\"1\""}}));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.header("etag"), "\"2\"");
  auto stale = http(port(), "PATCH", "/api/v1/cases/" + id, R"({"title":"Other"})",
                    as("dda1", {{"If-Match", "\"1\""}}));
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(count("SELECT title FROM cases WHERE id = '" + id + "'"), "People v. Doe et al.");
  EXPECT_EQ(http(port(), "POST", "/api/v1/cases",
                 R"({"da_number":"HT-2026-000101","title":"x","unit":"ht","referring_agency":"x","referral_date":"2026-01-01"})",
                 as("dda1"))
                .status,
            409);
}

TEST_F(CasesTest, InvalidInputIs400AndWritesNothing) {
  const std::string cases = count("SELECT count(*) FROM cases");
  const std::string audit = count("SELECT count(*) FROM audit_log");
  auto bad = http(port(), "POST", "/api/v1/cases",
                  R"({"da_number":"HT-X","title":"t","unit":"ht","referring_agency":"a","referral_date":"2026-02-30","lead_dda_id":"nope"})",
                  as("dda1"));
  ASSERT_EQ(bad.status, 400);
  auto errors = obj(bad).at("errors").as_array();
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(str(e.at("field")));
  EXPECT_TRUE(fields.count("referral_date"));
  EXPECT_TRUE(fields.count("lead_dda_id"));
  EXPECT_EQ(http(port(), "POST", "/api/v1/cases", R"({"da_number":"HT-Y","extra":1})", as("dda1")).status, 400);
  EXPECT_EQ(count("SELECT count(*) FROM cases"), cases);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit);
  const std::string id = create_case("HT-2026-000102");
  const std::string pid = create_prosecution(id, "Marcus Bell");
  EXPECT_EQ(event(pid, "file_complaint", {{"occurred_at", "2026-03-02 09:30"}}).status, 400);
  EXPECT_EQ(event(pid, "no_such_event").status, 400);
  EXPECT_EQ(http(port(), "GET", "/api/v1/prosecutions/not-a-uuid", "", as("dda1")).status, 404);
}

TEST_F(CasesTest, StatutesFilterByProp35AndCategory) {
  auto all = obj(http(port(), "GET", "/api/v1/statutes", "", as("advocate1"))).at("items").as_array();
  auto prop35 = obj(http(port(), "GET", "/api/v1/statutes?prop35=true", "", as("dda1"))).at("items").as_array();
  ASSERT_FALSE(prop35.empty());
  EXPECT_LT(prop35.size(), all.size());
  for (const auto& s : prop35) EXPECT_TRUE(s.at("prop35").as_bool());
  bool found = false;
  for (const auto& s : prop35)
    if (s.at("code") == "PC 236.1(c)(1)") {
      found = true;
      EXPECT_EQ(s.at("triad"), "5/8/12");
      EXPECT_EQ(s.at("category"), "sex trafficking of a minor");
    }
  EXPECT_TRUE(found);
  auto minors = obj(http(port(), "GET", "/api/v1/statutes?category=sex%20trafficking%20of%20a%20minor", "", as("dda1")))
                    .at("items")
                    .as_array();
  ASSERT_FALSE(minors.empty());
  for (const auto& s : minors) EXPECT_EQ(s.at("category"), "sex trafficking of a minor");
  EXPECT_EQ(http(port(), "GET", "/api/v1/statutes?prop35=maybe", "", as("dda1")).status, 400);
}

TEST_F(CasesTest, ChargeCreationShowsSeriousFelonyAndRegistration) {
  const std::string pid = create_prosecution(create_case("HT-2026-000103"), "Dante Reyes");
  auto serious = http(port(), "POST", "/api/v1/prosecutions/" + pid + "/charges",
                      R"J({"statute":"PC 236.1(c)(1)","enhancements":["PC 236.4(b)"],"filed_on":"2026-02-01","offense_date":"2026-01-10"})J",
                      as("dda1"));
  ASSERT_EQ(serious.status, 201) << serious.body;
  auto c = obj(serious);
  EXPECT_EQ(c.at("disposition"), "pending");
  EXPECT_EQ(c.at("serious_felony"), true);
  EXPECT_EQ(c.at("registration"), "required");
  EXPECT_EQ(c.at("count"), 1);
  auto pimping = obj(http(port(), "POST", "/api/v1/prosecutions/" + pid + "/charges",
                          R"J({"statute":"PC 266h(a)","filed_on":"2026-02-01"})J", as("dda1")));
  EXPECT_EQ(pimping.at("serious_felony"), false);
  EXPECT_EQ(pimping.at("registration"), "none");
  EXPECT_EQ(pimping.at("count"), 2);
  const std::string before = count("SELECT count(*) FROM charges");
  EXPECT_EQ(http(port(), "POST", "/api/v1/prosecutions/" + pid + "/charges",
                 R"({"statute":"PC 999","filed_on":"2026-02-01"})", as("dda1"))
                .status,
            400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/prosecutions/" + pid + "/charges",
                 R"J({"statute":"PC 236.4(b)","filed_on":"2026-02-01"})J", as("dda1"))
                .status,
            400);
  EXPECT_EQ(count("SELECT count(*) FROM charges"), before);
  // PATCH a count with If-Match on the prosecution's version.
  auto p = prosecution(pid);
  const std::string version = std::to_string(p.at("version").as_int64());
  auto patched = http(port(), "PATCH", "/api/v1/charges/" + str(pimping.at("id")),
                      R"({"sentence":{"note":"stayed"}})", as("dda1", {{"If-Match", "\"" + version + "\""}}));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(obj(patched).at("sentence").at("note"), "stayed");
  EXPECT_EQ(http(port(), "PATCH", "/api/v1/charges/" + str(pimping.at("id")), R"({"sentence":null})",
                 as("dda1", {{"If-Match", "\"" + version + "\""}}))
                .status,
            412);
}

TEST_F(CasesTest, RefusedEventIs409WithAllowedEventsAndWritesNothing) {
  const std::string pid = create_prosecution(create_case("HT-2026-000104"), "Tyrell Owens");
  const std::string before = count("SELECT count(*) FROM prosecution_transitions");
  auto r = event(pid, "arraign");
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  std::set<std::string> allowed;
  const json::object body = obj(r);
  for (const auto& e : body.at("allowed_events").as_array()) allowed.insert(str(e));
  EXPECT_EQ(allowed, (std::set<std::string>{"file_complaint", "indict", "decline", "book", "issue_warrant"}));
  EXPECT_EQ(count("SELECT count(*) FROM prosecution_transitions"), before);
  EXPECT_EQ(prosecution(pid).at("stage"), "Referred");
}

TEST_F(CasesTest, StaleIfMatchIs412) {
  const std::string pid = create_prosecution(create_case("HT-2026-000105"), "Andre Cole");
  auto got = http(port(), "GET", "/api/v1/prosecutions/" + pid, "", as("dda1"));
  EXPECT_EQ(got.header("etag"), "\"1\"");
  auto ok = event(pid, "file_complaint", {}, {{"If-Match", "\"1\""}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("etag"), "\"2\"");
  EXPECT_EQ(obj(ok).at("stage"), "Charged");
  auto stale = event(pid, "book", {}, {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(prosecution(pid).at("custody"), "out");
  EXPECT_EQ(count("SELECT count(*) FROM prosecution_transitions WHERE prosecution_id = '" + pid + "'"), "1");
}

TEST_F(CasesTest, IdempotentReplayWritesOnce) {
  const std::string case_body =
      R"({"da_number":"HT-2026-000106","title":"t","unit":"ht","referring_agency":"a","referral_date":"2026-01-02"})";
  auto first = http(port(), "POST", "/api/v1/cases", case_body, as("dda1", {{"Idempotency-Key", "case-106"}}));
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = http(port(), "POST", "/api/v1/cases", case_body, as("dda1", {{"Idempotency-Key", "case-106"}}));
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(count("SELECT count(*) FROM cases WHERE da_number = 'HT-2026-000106'"), "1");

  const std::string pid = create_prosecution(str(obj(first).at("id")), "Kevin Marsh");
  const std::string audit_before = count("SELECT count(*) FROM audit_log");
  auto e1 = event(pid, "indict", {}, {{"Idempotency-Key", "ev-106"}});
  ASSERT_EQ(e1.status, 200) << e1.body;
  const std::string audit_after = count("SELECT count(*) FROM audit_log");
  auto e2 = event(pid, "indict", {}, {{"Idempotency-Key", "ev-106"}});
  EXPECT_EQ(e2.status, 200);
  EXPECT_EQ(e2.body, e1.body);
  EXPECT_EQ(e2.header("idempotent-replayed"), "true");
  EXPECT_EQ(count("SELECT count(*) FROM prosecution_transitions WHERE prosecution_id = '" + pid + "'"), "1");
  EXPECT_EQ(count("SELECT version FROM prosecutions WHERE id = '" + pid + "'"), "2");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit_after);
  EXPECT_NE(audit_after, audit_before);
  // The same key with another body is refused and changes nothing.
  auto other = event(pid, "book", {}, {{"Idempotency-Key", "ev-106"}});
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(prosecution(pid).at("custody"), "out");
  // Keys are per user: another DDA's key does not collide.
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys WHERE key = 'ev-106'"), "1");
}

TEST_F(CasesTest, ConcurrentEventsOnOneVersionExactlyOneSucceeds) {
  for (int round = 0; round < 5; ++round) {
    const std::string pid = create_prosecution(create_case("HT-2026-0002" + std::to_string(round)), "Twin Events");
    const std::string version = "\"" + std::to_string(prosecution(pid).at("version").as_int64()) + "\"";
    std::atomic<int> ok{0}, stale{0}, other{0};
    std::vector<std::thread> threads;
    for (const char* name : {"book", "issue_warrant"}) {
      threads.emplace_back([&, name] {
        auto r = event(pid, name, {}, {{"If-Match", version}});
        (r.status == 200 ? ok : r.status == 412 ? stale : other)++;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(stale.load(), 1) << "round " << round;
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(count("SELECT count(*) FROM prosecution_transitions WHERE prosecution_id = '" + pid + "'"), "1");
    EXPECT_EQ(count("SELECT version FROM prosecutions WHERE id = '" + pid + "'"), "2");
  }
}

TEST_F(CasesTest, AnotherUnitsCaseIs404AndTheRefusalIsAudited) {
  const std::string id = create_case("HT-2026-000107");
  const std::string pid = create_prosecution(id, "Hidden Person");
  EXPECT_EQ(http(port(), "GET", "/api/v1/cases/" + id, "", as("dda2")).status, 404);
  EXPECT_EQ(http(port(), "GET", "/api/v1/prosecutions/" + pid, "", as("dda2")).status, 404);
  EXPECT_EQ(http(port(), "GET", "/api/v1/prosecutions/" + pid + "/history", "", as("dda2")).status, 404);
  EXPECT_EQ(event(pid, "decline", {}, {}, "dda2").status, 404);
  EXPECT_EQ(http(port(), "PATCH", "/api/v1/cases/" + id, R"({"title":"x"})", as("dda2")).status, 404);
  EXPECT_EQ(prosecution(pid).at("stage"), "Referred");
  EXPECT_NE(count("SELECT count(*) FROM audit_log WHERE action = 'authz.denied' AND actor_username = 'dda2'"
                  " AND entity_id = '" + pid + "'"),
            "0");
  // dda2 may not create a case in unit ht (403: it named the unit itself), nor list it.
  EXPECT_EQ(http(port(), "POST", "/api/v1/cases",
                 R"({"da_number":"SX-1","title":"t","unit":"ht","referring_agency":"a","referral_date":"2026-01-02"})",
                 as("dda2"))
                .status,
            403);
  auto listed = obj(http(port(), "GET", "/api/v1/cases?q=HT-2026-000107", "", as("dda2")));
  EXPECT_TRUE(listed.at("items").as_array().empty());
  // Leadership never sees cases; advocates not without a linked victim.
  EXPECT_EQ(http(port(), "GET", "/api/v1/cases/" + id, "", as("leadership1")).status, 403);
  EXPECT_EQ(http(port(), "GET", "/api/v1/cases/" + id, "", as("advocate1")).status, 404);
}

TEST_F(CasesTest, ListFiltersAndPagination) {
  std::vector<std::string> ids;
  for (int i = 1; i <= 5; ++i)
    ids.push_back(create_case("HT-2026-00030" + std::to_string(i), "dda1", "ht", "26-CR-0303" + std::to_string(i)));
  const std::string pid = create_prosecution(ids[2], "Jerome Whitfield");
  ASSERT_EQ(event(pid, "file_complaint").status, 200);
  // Pages of two walk all five, in DA-number order, without repeats.
  std::vector<std::string> seen;
  std::string cursor;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = obj(http(port(), "GET", "/api/v1/cases?q=HT-2026-00030&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor),
                         "", as("dda1")));
    for (const auto& item : page.at("items").as_array()) seen.push_back(str(item.at("id")));
    EXPECT_LE(page.at("items").as_array().size(), 2u);
    if (page.at("next_cursor").is_null()) break;
    cursor = str(page.at("next_cursor"));
  }
  EXPECT_EQ(seen, ids);
  auto by_docket = obj(http(port(), "GET", "/api/v1/cases?q=26cr03034", "", as("dda1"))).at("items").as_array();
  ASSERT_EQ(by_docket.size(), 1u);
  EXPECT_EQ(str(by_docket[0].at("id")), ids[3]);
  auto by_name = obj(http(port(), "GET", "/api/v1/cases?q=whitfield", "", as("dda1"))).at("items").as_array();
  ASSERT_EQ(by_name.size(), 1u);
  EXPECT_EQ(str(by_name[0].at("id")), ids[2]);
  EXPECT_EQ(by_name[0].at("defendants").as_array()[0].at("stage"), "Charged");
  auto charged = obj(http(port(), "GET", "/api/v1/cases?q=HT-2026-00030&stage=Charged", "", as("dda1"))).at("items").as_array();
  ASSERT_EQ(charged.size(), 1u);
  EXPECT_EQ(str(charged[0].at("id")), ids[2]);
  EXPECT_EQ(obj(http(port(), "GET", "/api/v1/cases?q=HT-2026-00030&assigned_to=me", "", as("dda1"))).at("items").as_array().size(), 5u);
  EXPECT_EQ(obj(http(port(), "GET", "/api/v1/cases?q=HT-2026-00030&assigned_to=me", "", as("supervisor1"))).at("items").as_array().size(), 0u);
  EXPECT_EQ(obj(http(port(), "GET", "/api/v1/cases?q=HT-2026-00030", "", as("supervisor1"))).at("items").as_array().size(), 5u);
  EXPECT_EQ(http(port(), "GET", "/api/v1/cases?stage=Nope", "", as("dda1")).status, 400);
  EXPECT_EQ(http(port(), "GET", "/api/v1/cases?assigned_to=bob", "", as("dda1")).status, 400);
  EXPECT_EQ(http(port(), "GET", "/api/v1/cases?limit=0", "", as("dda1")).status, 400);
}

TEST_F(CasesTest, SupervisorReassignsInOneTransaction) {
  const std::string a = create_case("HT-2026-000401");
  const std::string b = create_case("HT-2026-000402");
  const std::string sup = user_id("supervisor1");
  const std::string dda = user_id("dda1");
  json::object req{{"from_dda_id", dda}, {"to_dda_id", sup}, {"case_ids", json::array{json::value(a), json::value(b)}}};
  EXPECT_EQ(http(port(), "POST", "/api/v1/cases/reassign", json::serialize(req), as("dda1")).status, 403);
  auto moved = http(port(), "POST", "/api/v1/cases/reassign", json::serialize(req), as("supervisor1"));
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(obj(moved).at("moved"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM cases WHERE lead_dda_id = '" + sup + "' AND id IN ('" + a + "','" + b + "')"), "2");
  // A case not led by from_dda_id makes the whole move fail: nothing moves.
  const std::string c = create_case("HT-2026-000403");
  json::object back{{"from_dda_id", sup}, {"to_dda_id", dda}, {"case_ids", json::array{json::value(a), json::value(c)}}};
  EXPECT_EQ(http(port(), "POST", "/api/v1/cases/reassign", json::serialize(back), as("supervisor1")).status, 422);
  EXPECT_EQ(count("SELECT lead_dda_id FROM cases WHERE id = '" + a + "'"), sup);
}

// The stage rows of the transition table (DESIGN.md), written apart from the machine.
const std::set<std::tuple<std::string, std::string, std::string>>& stage_rows() {
  static const std::set<std::tuple<std::string, std::string, std::string>> rows = [] {
    std::set<std::tuple<std::string, std::string, std::string>> r{
        {"Referred", "decline", "Declined"},         {"Referred", "file_complaint", "Charged"},
        {"Referred", "indict", "Charged"},           {"Declined", "reopen", "Referred"},
        {"Charged", "arraign", "Arraigned"},         {"Charged", "arraign", "Pretrial"},
        {"Arraigned", "hold_to_answer", "HeldToAnswer"}, {"Arraigned", "discharge", "Dismissed"},
        {"HeldToAnswer", "arraign_on_information", "Pretrial"}, {"Pretrial", "start_trial", "Trial"},
        {"Trial", "verdict_guilty", "Convicted"},    {"Trial", "verdict_not_guilty", "Acquitted"},
        {"Trial", "mistrial", "Pretrial"},           {"Convicted", "sentence", "Sentenced"},
        {"Dismissed", "refile", "Charged"}};
    for (const char* s : {"Arraigned", "HeldToAnswer", "Pretrial", "Trial"}) r.insert({s, "plead_guilty", "Convicted"});
    for (const char* s : {"Charged", "Arraigned", "HeldToAnswer", "Pretrial", "Trial"}) {
      r.insert({s, "dismiss", "Dismissed"});
      r.insert({s, "dismiss", s});  // a partial dismissal
    }
    r.insert({"Trial", "verdict_not_guilty", "Trial"});
    r.insert({"Convicted", "dismiss", "Convicted"});
    return r;
  }();
  return rows;
}

TEST_F(CasesTest, RandomEventSequencesMatchTheReplayOfTheLog) {
  auto pool = db::Pool::open(database_->url(), 1);
  ASSERT_TRUE(pool) << pool.error().message;
  db::PgCaseStore store(**pool);
  std::mt19937 rng(20260302);
  const auto& names = lifecycle::event_names();
  const std::string case_id = create_case("HT-2026-000500");
  int accepted = 0, refused = 0;
  for (int seq = 0; seq < 20; ++seq) {
    const std::string pid = create_prosecution(case_id, "Defendant " + std::to_string(seq));
    const int counts = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < counts; ++i) add_charge(pid, i == 0 ? "PC 236.1(b)" : "PC 266h(a)");
    for (int step = 0; step < 15; ++step) {
      auto p = prosecution(pid);
      std::vector<std::string> allowed;
      for (const auto& e : p.at("allowed_events").as_array()) allowed.push_back(str(e));
      std::vector<std::string> refusedset;
      for (const auto& n : names)
        if (std::find(allowed.begin(), allowed.end(), n) == allowed.end()) refusedset.push_back(n);
      const bool pick_allowed = !allowed.empty() && (refusedset.empty() || rng() % 100 < 85);
      const std::string name = pick_allowed ? allowed[rng() % allowed.size()] : refusedset[rng() % refusedset.size()];
      json::object extra{{"occurred_at", "2026-04-" + std::string(step < 9 ? "0" : "") + std::to_string(step + 1) +
                                             "T10:00:00-07:00"}};
      if (name == "set_trial_date") extra["trial_date"] = "2026-09-1" + std::to_string(step % 10);
      if (name == "clear_warrant") extra["next_appearance"] = "2026-05-01";
      const std::string version = "\"" + std::to_string(p.at("version").as_int64()) + "\"";
      auto r = event(pid, name, extra, {{"If-Match", version}});
      if (pick_allowed) {
        ASSERT_EQ(r.status, 200) << name << " in " << str(p.at("stage")) << ": " << r.body;
        ++accepted;
      } else {
        ASSERT_EQ(r.status, 409) << name << " in " << str(p.at("stage")) << ": " << r.body;
        std::vector<std::string> listed;
        const json::object body = obj(r);
        for (const auto& e : body.at("allowed_events").as_array()) listed.push_back(str(e));
        EXPECT_EQ(listed, allowed);
        ++refused;
      }
    }
    auto replayed = lifecycle::verify_projection(store, pid);
    ASSERT_TRUE(replayed) << replayed.error().message;
    EXPECT_EQ(to_string(replayed->stage), str(prosecution(pid).at("stage")));
    auto log = store.history(pid);
    ASSERT_TRUE(log);
    for (const auto& h : *log) {
      if (h.from_stage == h.to_stage && h.event != "dismiss" && h.event != "verdict_not_guilty") continue;
      EXPECT_TRUE(stage_rows().count({to_string(h.from_stage), h.event, to_string(h.to_stage)}))
          << to_string(h.from_stage) << " --" << h.event << "--> " << to_string(h.to_stage);
    }
  }
  EXPECT_GT(accepted, 150);
  EXPECT_GT(refused, 10);
  // The history route shows the log, oldest first.
  const std::string pid = create_prosecution(case_id, "History Person");
  ASSERT_EQ(event(pid, "file_complaint").status, 200);
  ASSERT_EQ(event(pid, "book").status, 200);
  auto history = obj(http(port(), "GET", "/api/v1/prosecutions/" + pid + "/history", "", as("dda1"))).at("items").as_array();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].at("event"), "file_complaint");
  EXPECT_EQ(history[0].at("from_stage"), "Referred");
  EXPECT_EQ(history[0].at("to_stage"), "Charged");
  EXPECT_EQ(history[0].at("actor"), "dda1");
  EXPECT_EQ(history[0].at("occurred_at"), "2026-03-02T17:30:00.000000Z");
  EXPECT_EQ(history[1].at("event"), "book");
}

TEST_F(CasesTest, EveryEventNameIsAcceptedSomewhere) {
  // Drive one prosecution through every event name of API.md.
  const std::string case_id = create_case("HT-2026-000600");
  const std::string pid = create_prosecution(case_id, "Every Event");
  const std::string pid2 = create_prosecution(case_id, "Second Defendant");
  add_charge(pid, "PC 236.1(a)");
  add_charge(pid2, "PC 266i(a)");
  auto ok = [&](const std::string& p, const std::string& name, json::object extra = {}) {
    auto r = event(p, name, std::move(extra));
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    return r;
  };
  ok(pid, "decline");
  ok(pid, "reopen");
  ok(pid, "file_complaint");
  ok(pid, "book");
  ok(pid, "release");
  ok(pid, "issue_warrant");
  ok(pid, "clear_warrant", {{"next_appearance", "2026-04-01"}});
  EXPECT_EQ(prosecution(pid).at("next_appearance"), "2026-04-01");
  ok(pid, "arraign");
  ok(pid, "waive_time");
  ok(pid, "withdraw_time_waiver");
  ok(pid, "set_trial_date", {{"trial_date", "2026-06-01"}});
  ok(pid, "hold_to_answer");
  ok(pid, "arraign_on_information");
  ok(pid, "start_trial");
  ok(pid, "mistrial");
  EXPECT_TRUE(prosecution(pid).at("trial_date").is_null());
  ok(pid, "start_trial");
  ok(pid, "verdict_guilty");
  auto p = prosecution(pid);
  const std::string charge = str(p.at("charges").as_array()[0].at("id"));
  auto sentenced = ok(pid, "sentence", {{"sentence", {{charge, {{"prison_years", 8}}}}}});
  EXPECT_EQ(obj(sentenced).at("stage"), "Sentenced");
  EXPECT_EQ(obj(sentenced).at("charges").as_array()[0].at("sentence").at("prison_years"), 8);
  ok(pid2, "indict");
  ok(pid2, "arraign");  // an indictment arraignment goes straight to Pretrial
  EXPECT_EQ(prosecution(pid2).at("stage"), "Pretrial");
  ok(pid2, "dismiss");
  ok(pid2, "refile");
  ok(pid2, "arraign");
  ok(pid2, "hold_to_answer");
  ok(pid2, "arraign_on_information");
  ok(pid2, "start_trial");
  ok(pid2, "verdict_not_guilty");
  EXPECT_EQ(prosecution(pid2).at("stage"), "Acquitted");
  const std::string pid3 = create_prosecution(case_id, "Third Defendant");
  add_charge(pid3, "PC 647(b)");
  ok(pid3, "file_complaint");
  ok(pid3, "arraign");
  ok(pid3, "discharge");
  const std::string pid4 = create_prosecution(case_id, "Fourth Defendant");
  add_charge(pid4, "PC 266h(b)");
  ok(pid4, "file_complaint");
  ok(pid4, "arraign");
  auto plea = ok(pid4, "plead_guilty", {{"lesser_offense", true}});
  EXPECT_EQ(obj(plea).at("charges").as_array()[0].at("disposition"), "convicted_lesser");
  auto pool = db::Pool::open(database_->url(), 1);
  ASSERT_TRUE(pool);
  db::PgCaseStore store(**pool);
  for (const auto& id : {pid, pid2, pid3, pid4}) {
    auto v = lifecycle::verify_projection(store, id);
    EXPECT_TRUE(v) << v.error().message;
  }
}

// A prosecution is read with its charges in one statement: every field as filed or updated,
// in filing order even when a count's row was rewritten after the others. The database here
// plans without index scans, so rows come in table order and only the ordinal puts them right.
TEST(ProsecutionRead, ShowsEveryChargeInFilingOrderWhateverThePlan) {
  TestDatabase database;
  migrate(database);
  add_one_user_per_role(database);
  database.exec("ALTER DATABASE " + database.name() + " SET enable_indexscan = off");
  database.exec("ALTER DATABASE " + database.name() + " SET enable_bitmapscan = off");
  ServerProcess server(database.url());
  const auto dda = bearer(login(server.port(), "dda1"));
  auto created = http(server.port(), "POST", "/api/v1/cases",
                      R"({"da_number":"HT-2026-000161","title":"People v. Okafor","unit":"ht",)"
                      R"("referring_agency":"Oakland PD","referral_date":"2026-01-15"})",
                      dda);
  ASSERT_EQ(created.status, 201) << created.body;
  auto prosecution = http(server.port(), "POST", "/api/v1/cases/" + str(obj(created).at("id")) + "/prosecutions",
                          R"({"person":{"name":"Rae Okafor"}})", dda);
  ASSERT_EQ(prosecution.status, 201) << prosecution.body;
  const std::string pid = str(obj(prosecution).at("id"));
  std::vector<json::object> filed;
  std::int64_t version = 0;
  for (const char* body :
       {R"J({"statute":"PC 236.1(c)(1)","enhancements":["PC 236.4(b)","PC 236.4(c)"],"filed_on":"2026-02-01","offense_date":"2026-01-10"})J",
        R"J({"statute":"PC 266h(a)","count":2,"filed_on":"2026-02-02"})J",
        R"J({"statute":"PC 236.1(a)","filed_on":"2026-02-03"})J"}) {
    auto r = http(server.port(), "POST", "/api/v1/prosecutions/" + pid + "/charges", body, dda);
    ASSERT_EQ(r.status, 201) << r.body;
    filed.push_back(obj(r));
    version = filed.back().at("version").as_int64();  // the prosecution's, beside the count
    filed.back().erase("version");
  }
  // Rewriting the first count puts its row after the others in the table.
  auto headers = dda;
  headers["If-Match"] = "\"" + std::to_string(version) + "\"";
  auto patched = http(server.port(), "PATCH", "/api/v1/charges/" + str(filed[0].at("id")),
                      R"({"disposition":"dismissed","disposition_date":"2026-03-01","sentence":{"note":"o'clock \"quoted\" \u00e9"}})",
                      headers);
  ASSERT_EQ(patched.status, 200) << patched.body;
  ASSERT_EQ(database.query_value("SELECT ordinal FROM charges ORDER BY ctid DESC LIMIT 1"), "1");
  json::object first = obj(patched);
  first.erase("version");
  auto read = http(server.port(), "GET", "/api/v1/prosecutions/" + pid, "", dda);
  ASSERT_EQ(read.status, 200) << read.body;
  const json::array charges = obj(read).at("charges").as_array();
  ASSERT_EQ(charges.size(), 3u);
  EXPECT_EQ(json::serialize(charges[0]), json::serialize(first));
  EXPECT_EQ(json::serialize(charges[1]), json::serialize(filed[1]));
  EXPECT_EQ(json::serialize(charges[2]), json::serialize(filed[2]));
  EXPECT_EQ(charges[0].at("enhancements"), (json::array{"PC 236.4(b)", "PC 236.4(c)"}));
  EXPECT_EQ(charges[0].at("disposition_date"), "2026-03-01");
  EXPECT_EQ(charges[0].at("sentence").at("note"), "o'clock \"quoted\" \u00e9");
  EXPECT_EQ(charges[1].at("count"), 2);
  EXPECT_TRUE(charges[2].at("offense_date").is_null());
  EXPECT_TRUE(charges[2].at("sentence").is_null());
}

}  // namespace
}  // namespace heat::test

// The dashboard over HTTP against the real binary and PostgreSQL (issue 9): the metrics routes
// on the demo data set (JSON and CSV, definitions_version and as_of everywhere, 400 for bad
// parameters, a supervisor's unit scope), the suppression property of /metrics/victims over
// generated victim populations (no integer from 1 to 10 anywhere in the body but
// definitions_version), the sign-in page, the static files, and who may open /dashboard.
#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <random>
#include <regex>

namespace heat::test {
namespace {
namespace json = boost::json;

// The key every ServerProcess gets by default (tests/support/http_client.cpp).
constexpr const char* kDefaultKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

json::object object_of(const std::string& body) { return json::parse(body).as_object(); }

// Every number in the document that is an integer from 1 to 10, with its path, except the
// definitions_version field.
void small_integers(const json::value& v, const std::string& path, std::vector<std::string>& found) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object())
      if (k != "definitions_version") small_integers(child, path + "." + std::string(k), found);
  } else if (v.is_array()) {
    std::size_t i = 0;
    for (const auto& child : v.as_array()) small_integers(child, path + "[" + std::to_string(i++) + "]", found);
  } else if (v.is_int64() || v.is_uint64() || v.is_double()) {
    const double d = v.is_double() ? v.as_double() : v.is_int64() ? static_cast<double>(v.as_int64())
                                                                     : static_cast<double>(v.as_uint64());
    if (d >= 1 && d <= 10 && d == static_cast<double>(static_cast<long long>(d))) found.push_back(path);
  }
}

class MetricsHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    // The demo data set, through the real `heatwatch demo` (its victims need the key).
    auto [status, out] = run_command("printf '%s\\n' '" + std::string(kTestPassword) + "' | HEATWATCH_ENCRYPTION_KEY=" +
                                     kDefaultKey + " '" + heatwatch_binary() + "' demo --db '" + database_->url() +
                                     "' --password-stdin 2>&1");
    ASSERT_EQ(status, 0) << out;
    // A pinned clock: victims added by the tests are recorded in 2027, after all of the demo's.
    server_ = new ServerProcess(database_->url(), {"--jobs", "off"}, {{"HEATWATCH_NOW", "2027-01-15T18:00:00Z"}});
    for (const char* u : {"dda1", "dda2", "advocate1", "supervisor1", "leadership1", "mdt_partner1", "admin1"})
      tokens_[u] = login(server_->port(), u);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  static unsigned short port() { return server_->port(); }
  static std::map<std::string, std::string> as(const std::string& user) { return bearer(tokens_.at(user)); }

  static TestDatabase* database_;
  static ServerProcess* server_;
  static std::map<std::string, std::string> tokens_;
};

TestDatabase* MetricsHttpTest::database_ = nullptr;
ServerProcess* MetricsHttpTest::server_ = nullptr;
std::map<std::string, std::string> MetricsHttpTest::tokens_;

TEST_F(MetricsHttpTest, ProsecutionMetricsOnTheDemoData) {
  auto r = http(port(), "GET", "/api/v1/metrics/prosecutions", "", as("leadership1"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto total = object_of(r.body);
  EXPECT_EQ(total.at("definitions_version").as_int64(), 1);
  EXPECT_FALSE(total.at("as_of").as_string().empty());
  const auto charged = total.at("charged").as_int64();
  const auto concluded = total.at("concluded").as_int64();
  const auto convicted = total.at("convicted").as_int64();
  EXPECT_GT(charged, 50);
  EXPECT_GT(concluded, 10);
  EXPECT_EQ(total.at("pending").as_int64() + concluded, charged);
  EXPECT_DOUBLE_EQ(total.at("conviction_rate").as_double(), static_cast<double>(convicted) / static_cast<double>(concluded));
  EXPECT_TRUE(total.at("median_days_to_disposition").is_double());
  EXPECT_GT(total.at("declined").as_int64(), 0);

  // Every grouping partitions the charged prosecutions (each has a charging date).
  for (const char* g : {"year", "quarter", "unit", "dda", "statute_category"}) {
    auto gr = http(port(), "GET", std::string("/api/v1/metrics/prosecutions?group_by=") + g, "", as("leadership1"));
    ASSERT_EQ(gr.status, 200) << gr.body;
    auto o = object_of(gr.body);
    EXPECT_EQ(o.at("group_by").as_string(), g);
    EXPECT_EQ(o.at("charged").as_int64(), charged);
    std::int64_t sum = 0;
    for (const auto& item : o.at("groups").as_array()) sum += item.as_object().at("charged").as_int64();
    EXPECT_EQ(sum, charged) << g;
    EXPECT_GE(o.at("groups").as_array().size(), 2u) << g;
  }
  auto units = object_of(http(port(), "GET", "/api/v1/metrics/prosecutions?group_by=unit", "", as("admin1")).body);
  EXPECT_EQ(units.at("groups").as_array().size(), 2u);  // ht and sx

  // A supervisor sees the unit only.
  auto sup = http(port(), "GET", "/api/v1/metrics/prosecutions?group_by=unit", "", as("supervisor1"));
  ASSERT_EQ(sup.status, 200) << sup.body;
  auto so = object_of(sup.body);
  EXPECT_EQ(so.at("period").as_object().at("unit").as_string(), "ht");
  ASSERT_EQ(so.at("groups").as_array().size(), 1u);
  EXPECT_EQ(so.at("groups").as_array()[0].as_object().at("key").as_string(), "ht");
  EXPECT_LT(so.at("charged").as_int64(), charged);

  // A period narrows it; an empty one has null rates, not 0.
  auto period = object_of(
      http(port(), "GET", "/api/v1/metrics/prosecutions?from=2024-01-01&to=2024-12-31&group_by=quarter", "", as("leadership1"))
          .body);
  EXPECT_LT(period.at("charged").as_int64(), charged);
  for (const auto& item : period.at("groups").as_array())
    EXPECT_EQ(std::string(item.as_object().at("key").as_string()).substr(0, 4), "2024");
  auto empty =
      object_of(http(port(), "GET", "/api/v1/metrics/prosecutions?from=1990-01-01&to=1990-12-31", "", as("leadership1")).body);
  EXPECT_EQ(empty.at("charged").as_int64(), 0);
  EXPECT_TRUE(empty.at("conviction_rate").is_null());
  EXPECT_TRUE(empty.at("median_days_to_disposition").is_null());
}

TEST_F(MetricsHttpTest, CsvOfEachTable) {
  auto headers = as("leadership1");
  headers["Accept"] = "text/csv";
  auto p = http(port(), "GET", "/api/v1/metrics/prosecutions?group_by=quarter", "", headers);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_NE(p.header("content-type").find("text/csv"), std::string::npos);
  EXPECT_EQ(p.header("x-definitions-version"), "1");
  EXPECT_FALSE(p.header("x-as-of").empty());
  EXPECT_EQ(p.body.substr(0, p.body.find("\r\n")),
            "key,label,charged,pending,concluded,convicted,convicted_by_plea,convicted_by_verdict,acquitted,dismissed,"
            "declined,prop35_charges_filed,conviction_rate,median_days_to_disposition,p90_days_to_disposition,"
            "caseload_per_dda");
  auto json_groups =
      object_of(http(port(), "GET", "/api/v1/metrics/prosecutions?group_by=quarter", "", as("leadership1")).body)
          .at("groups")
          .as_array()
          .size();
  std::size_t lines = 0;
  for (char c : p.body) lines += c == '\n';
  EXPECT_EQ(lines, json_groups + 2);  // header, total, one per group
  EXPECT_NE(p.body.find("\r\ntotal,All,"), std::string::npos);

  auto v = http(port(), "GET", "/api/v1/metrics/victims", "", headers);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.body.substr(0, v.body.find("\r\n")), "table,category,count");
  EXPECT_NE(v.body.find("by_gender,female,"), std::string::npos);
  auto d = http(port(), "GET", "/api/v1/metrics/definitions", "", headers);
  ASSERT_EQ(d.status, 200);
  EXPECT_NE(d.body.find("\r\nconviction_rate,1,Conviction rate,"), std::string::npos);
}

TEST_F(MetricsHttpTest, BadParametersAre400) {
  for (const char* q : {"?group_by=week", "?from=2024-13-01", "?to=yesterday", "?from=2025-01-02&to=2025-01-01",
                        "?limit=5", "?group_by="}) {
    auto r = http(port(), "GET", std::string("/api/v1/metrics/prosecutions") + q, "", as("leadership1"));
    EXPECT_EQ(r.status, 400) << q << " " << r.body;
    EXPECT_NE(r.header("content-type").find("application/problem+json"), std::string::npos) << q;
    EXPECT_NE(r.body.find("\"errors\""), std::string::npos) << q;
  }
  EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/victims?group_by=unit", "", as("leadership1")).status, 400);
  EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/victims?from=2024-02-30", "", as("leadership1")).status, 400);
}

TEST_F(MetricsHttpTest, AccessFollowsThePolicy) {
  for (const char* u : {"dda1", "dda2", "advocate1", "mdt_partner1"}) {
    EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/prosecutions", "", as(u)).status, 403) << u;
    EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/victims", "", as(u)).status, 403) << u;
  }
  for (const char* u : {"supervisor1", "leadership1", "admin1"}) {
    EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/prosecutions", "", as(u)).status, 200) << u;
    EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/victims", "", as(u)).status, 200) << u;
  }
  EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/definitions", "", as("dda1")).status, 200);
  EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/definitions", "", as("mdt_partner1")).status, 403);
  EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/prosecutions").status, 401);
}

TEST_F(MetricsHttpTest, DefinitionsHaveFormulasAndExclusions) {
  auto r = http(port(), "GET", "/api/v1/metrics/definitions", "", as("leadership1"));
  ASSERT_EQ(r.status, 200);
  auto o = object_of(r.body);
  EXPECT_EQ(o.at("definitions_version").as_int64(), 1);
  EXPECT_FALSE(o.at("as_of").as_string().empty());
  std::set<std::string> ids;
  for (const auto& d : o.at("definitions").as_array()) {
    const auto& def = d.as_object();
    ids.insert(std::string(def.at("id").as_string()));
    EXPECT_FALSE(def.at("formula").as_string().empty());
    EXPECT_FALSE(def.at("exclusions").as_string().empty());
  }
  for (const char* id : {"charged", "pending", "concluded", "convicted", "conviction_rate", "median_days_to_disposition",
                         "victims_served", "minors", "revictimization"})
    EXPECT_TRUE(ids.count(id)) << id;
}

// Small populations are where suppression matters: victims are added a few at a time (recorded
// now, so a period from this year holds only them), and after each batch no body, JSON or CSV,
// may hold an integer from 1 to 10 other than definitions_version.
TEST_F(MetricsHttpTest, VictimCountsNeverShowOneToTen) {
  std::mt19937 rng(99);
  const char* genders[] = {"female", "male", "nonbinary", "unknown"};
  const char* races[] = {"Black", "White", "Asian", "Hispanic or Latino"};
  const char* counties[] = {"Alameda", "Contra Costa", "Sacramento", "Clark"};
  const char* states[] = {"CA", "CA", "CA", "NV"};
  bool saw_small = false;
  int added = 0;
  for (int round = 0; round < 8; ++round) {
    const int batch = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < batch; ++i) {
      const std::size_t place = rng() % 4;
      json::object body{{"legal_name", "Generated Victim " + std::to_string(added)},
                        {"gender", genders[rng() % 4]},
                        {"race_ethnicity", races[rng() % 4]},
                        {"residence_county", counties[place]},
                        {"residence_state", states[place]}};
      if (rng() % 2) body["dob"] = rng() % 2 ? "2010-05-05" : "1990-05-05";
      auto r = http(port(), "POST", "/api/v1/victims", json::serialize(body), as("dda1"));
      ASSERT_EQ(r.status, 201) << r.body;
      ++added;
    }
    // The tests' own victims only (recorded in 2027), and all of them.
    for (const std::string& target : {std::string("/api/v1/metrics/victims?from=2027-01-01"),
                                     std::string("/api/v1/metrics/victims")}) {
      for (const char* user : {"leadership1", "supervisor1"}) {
        auto r = http(port(), "GET", target, "", as(user));
        ASSERT_EQ(r.status, 200) << r.body;
        std::vector<std::string> found;
        small_integers(json::parse(r.body), "", found);
        EXPECT_TRUE(found.empty()) << target << " round " << round << ": " << found.front() << " in " << r.body;
        saw_small = saw_small || r.body.find("\"<11\"") != std::string::npos;
        auto csv_headers = as(user);
        csv_headers["Accept"] = "text/csv";
        auto csv = http(port(), "GET", target, "", csv_headers);
        ASSERT_EQ(csv.status, 200);
        static const std::regex small_field(R"((^|,)([1-9]|10)(\r?$))", std::regex::multiline);
        EXPECT_FALSE(std::regex_search(csv.body, small_field)) << csv.body;
      }
    }
  }
  EXPECT_TRUE(saw_small);
  // The demo's population has cells above 10 shown as numbers too.
  auto all = object_of(http(port(), "GET", "/api/v1/metrics/victims", "", as("leadership1")).body);
  EXPECT_TRUE(all.at("victims_served").is_int64()) << json::serialize(all);
  bool some_shown = false, some_small = false;
  for (const auto& item : all.at("by_gender").as_array()) {
    const auto& count = item.as_object().at("count");
    some_shown = some_shown || (count.is_int64() && count.as_int64() > 10);
    some_small = some_small || (count.is_string() && count.as_string() == "<11");
  }
  EXPECT_TRUE(some_shown);
  EXPECT_TRUE(some_small);
}

TEST_F(MetricsHttpTest, DashboardAndSignInPages) {
  // The sign-in page and the static files are public; pages carry a strict CSP.
  auto login_page = http(port(), "GET", "/login");
  ASSERT_EQ(login_page.status, 200);
  EXPECT_NE(login_page.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(login_page.body.find("/static/login.js"), std::string::npos);
  EXPECT_NE(login_page.header("content-security-policy").find("script-src 'self'"), std::string::npos);
  for (const char* f : {"login.js", "dashboard.js", "dashboard.css", "chart.umd.js"})
    EXPECT_EQ(http(port(), "GET", std::string("/static/") + f).status, 200) << f;
  EXPECT_EQ(http(port(), "GET", "/static/nothing.js").status, 404);
  EXPECT_EQ(http(port(), "GET", "/static/dashboard.html").status, 404);

  // Roles: leadership, supervisor and admin by Bearer; the others 403.
  for (const char* u : {"leadership1", "supervisor1", "admin1"}) {
    auto r = http(port(), "GET", "/dashboard", "", as(u));
    ASSERT_EQ(r.status, 200) << u << " " << r.body;
    EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos);
    EXPECT_NE(r.body.find("id=\"dashboard-data\""), std::string::npos);
    EXPECT_EQ(r.body.find("{{DATA}}"), std::string::npos);
    EXPECT_EQ(r.body.find("<script>"), std::string::npos);  // no inline script
  }
  for (const char* u : {"dda1", "advocate1", "mdt_partner1"})
    EXPECT_EQ(http(port(), "GET", "/dashboard", "", as(u)).status, 403) << u;

  // A browser without a session is sent to sign in; an API client gets 401.
  auto browser = http(port(), "GET", "/dashboard", "", {{"Accept", "text/html,application/xhtml+xml"}});
  EXPECT_EQ(browser.status, 303);
  EXPECT_EQ(browser.header("location").rfind("/login", 0), 0u) << browser.header("location");
  auto stale = http(port(), "GET", "/dashboard", "", {{"Accept", "text/html"}, {"Cookie", "heat_session=not-a-session"}});
  EXPECT_EQ(stale.status, 303);
  EXPECT_EQ(http(port(), "GET", "/dashboard").status, 401);

  // The session cookie that sign-in sets opens the page (and only the page: JSON routes want Bearer).
  auto signin = http(port(), "POST", "/api/v1/auth/login",
                     json::serialize(json::object{{"username", "leadership1"}, {"password", kTestPassword}}),
                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(signin.status, 200);
  const std::string set_cookie = signin.header("set-cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto page = http(port(), "GET", "/dashboard", "", {{"Cookie", cookie}, {"Accept", "text/html"}});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("\\u003c11"), std::string::npos);  // the victims panel's "<11", escaped in the data
  EXPECT_EQ(http(port(), "GET", "/api/v1/metrics/prosecutions", "", {{"Cookie", cookie}}).status, 401);
  auto dda_signin = http(port(), "POST", "/api/v1/auth/login",
                         json::serialize(json::object{{"username", "dda1"}, {"password", kTestPassword}}),
                         {{"Content-Type", "application/json"}});
  const std::string dda_cookie = dda_signin.header("set-cookie").substr(0, dda_signin.header("set-cookie").find(';'));
  EXPECT_EQ(http(port(), "GET", "/dashboard", "", {{"Cookie", dda_cookie}, {"Accept", "text/html"}}).status, 403);
}

}  // namespace
}  // namespace heat::test

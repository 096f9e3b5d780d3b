// heatwatch gen-data (issue 10) at a tiny size: the row counts asked for, the same seed gives
// the same rows (ids included) and another seed other rows, each generated log replays to its
// projection, the audit chain still verifies, a second load is refused, and the API reads and
// moves a generated prosecution like any other.
#include "db/case_store.hpp"
#include "db/pool.hpp"
#include "tests/support/app_fixture.hpp"
#include "workflows/prosecution_events.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>

namespace heat::test {
namespace {
namespace json = boost::json;

std::string binary() {
  const char* b = std::getenv("HEATWATCH_BINARY");
  if (b == nullptr) throw std::runtime_error("HEATWATCH_BINARY is not set");
  return b;
}

std::pair<int, std::string> gen_data(const TestDatabase& db, int prosecutions, int seed) {
  return run_command(binary() + " gen-data --db '" + db.url() + "' --prosecutions " + std::to_string(prosecutions) +
                     " --seed " + std::to_string(seed) + " --hearings 300 --progress off 2>&1");
}

// A digest of every generated table, ids and timestamps included.
std::string digest(const TestDatabase& db) {
  std::string out;
  for (const char* table : {"users", "persons", "cases", "case_dockets", "prosecutions", "charges",
                            "prosecution_transitions", "deadlines", "court_events"}) {
    const std::string where = std::string(table) == "users" ? " WHERE t.username LIKE 'gen.%'" : "";
    out += std::string(table) + ":" +
           db.query_value(std::string("SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ") + table + " t" +
                          where) +
           "\n";
  }
  return out;
}

TEST(GenData, CountsDeterminismReplayAndTheApi) {
  TestDatabase a, b, c;
  for (auto* db : {&a, &b, &c}) migrate(*db);
  add_one_user_per_role(a);
  auto [code_a, out_a] = gen_data(a, 400, 7);
  ASSERT_EQ(code_a, 0) << out_a;
  auto [code_b, out_b] = gen_data(b, 400, 7);
  ASSERT_EQ(code_b, 0) << out_b;
  auto [code_c, out_c] = gen_data(c, 400, 8);
  ASSERT_EQ(code_c, 0) << out_c;

  EXPECT_EQ(a.query_value("SELECT count(*) FROM prosecutions"), "400");
  EXPECT_EQ(a.query_value("SELECT count(*) FROM cases"), "250");
  EXPECT_EQ(a.query_value("SELECT count(*) FROM case_dockets"), "250");
  EXPECT_EQ(a.query_value("SELECT count(*) FROM users WHERE username LIKE 'gen.%' AND role = 'dda'"), "3");
  EXPECT_EQ(a.query_value("SELECT count(*) FROM court_events"), "300");
  EXPECT_EQ(a.query_value("SELECT count(*) FROM court_event_changes WHERE change = 'created'"), "300");
  EXPECT_EQ(a.query_value("SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM prosecutions p"
                          " WHERE p.case_id = c.id)"),
            "0");
  // Every stage is represented, counts and deadlines exist, versions count the log rows.
  EXPECT_GE(std::stoi(a.query_value("SELECT count(DISTINCT stage) FROM prosecutions")), 9);
  EXPECT_GT(std::stoi(a.query_value("SELECT count(*) FROM charges")), 300);
  EXPECT_GT(std::stoi(a.query_value("SELECT count(*) FROM deadlines")), 200);
  EXPECT_EQ(a.query_value("SELECT count(*) FROM prosecutions p WHERE version <> 1 + (SELECT count(*) FROM"
                          " prosecution_transitions t WHERE t.prosecution_id = p.id)"),
            "0");
  EXPECT_EQ(a.query_value("SELECT count(*) FROM deadlines WHERE status = 'open' AND due_date < DATE '2026-06-30'"
                          " AND due_at IS NULL"),
            "0");

  const std::string da = digest(a), db_digest = digest(b), dc = digest(c);
  // Users created by the fixture differ between a and b; the generated rows must not.
  EXPECT_EQ(da, db_digest);
  EXPECT_NE(da, dc);

  // A second load into the same database is refused and changes nothing.
  auto [again, again_out] = gen_data(a, 400, 7);
  EXPECT_NE(again, 0) << again_out;
  EXPECT_EQ(a.query_value("SELECT count(*) FROM prosecutions"), "400");

  // Every generated log replays to its stored projection.
  {
    auto pool = db::Pool::open(a.url(), 1);
    ASSERT_TRUE(pool);
    db::PgCaseStore store(**pool);
    const std::string ids = a.query_value("SELECT string_agg(id::text, ',' ORDER BY id) FROM prosecutions");
    std::stringstream list(ids);
    int checked = 0;
    for (std::string id; std::getline(list, id, ',');) {
      auto replayed = lifecycle::verify_projection(store, id);
      ASSERT_TRUE(replayed) << id << ": " << replayed.error().message;
      ++checked;
    }
    EXPECT_EQ(checked, 400);
  }
  auto [verify_code, verify_out] = run_command(binary() + " audit verify --db '" + a.url() + "' 2>&1");
  EXPECT_EQ(verify_code, 0) << verify_out;

  // The API reads a generated prosecution and accepts an event on it.
  ServerProcess server(a.url(), {"--jobs", "off"});
  const std::string token = login(server.port(), "supervisor1");
  const std::string id = a.query_value(
      "SELECT p.id FROM prosecutions p JOIN cases c ON c.id = p.case_id WHERE c.unit = 'ht' AND p.stage = 'Pretrial'"
      " AND p.custody = 'out' ORDER BY p.id LIMIT 1");
  ASSERT_FALSE(id.empty());
  auto r = http(server.port(), "GET", "/api/v1/prosecutions/" + id, "", bearer(token));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object p = json::parse(r.body).as_object();
  EXPECT_EQ(json::value_to<std::string>(p.at("stage")), "Pretrial");
  EXPECT_FALSE(p.at("charges").as_array().empty());
  auto e = http(server.port(), "POST", "/api/v1/prosecutions/" + id + "/events",
                R"({"event":"book","occurred_at":"2026-07-01T17:00:00Z"})", bearer(token));
  EXPECT_EQ(e.status, 200) << e.body;
  auto h = http(server.port(), "GET", "/api/v1/prosecutions/" + id + "/history", "", bearer(token));
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_EQ(std::to_string(json::parse(h.body).at("items").as_array().size()),
            a.query_value("SELECT count(*) FROM prosecution_transitions WHERE prosecution_id = '" + id + "'"));
}

}  // namespace
}  // namespace heat::test

// The demo data set (`heatwatch demo`, which tools/run loads) against the real binary and
// PostgreSQL: it loads once, through the stores, with the staff of every working role; the
// advocate sees her victims' identities, this week's Safety Net agenda has youths on it, and
// the demo MDT partner sees the agenda through its agency's MOU scope. A second run changes
// nothing.
#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace heat::test {
namespace {
namespace json = boost::json;

constexpr const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kNow = "2026-11-27T18:00:00Z";  // a Friday: the next meeting is Wed Dec 2
constexpr const char* kPassword = "Demo-Harbor-Lantern-Quartz-47";

TEST(Demo, LoadsCasesVictimsAndASafetyNetOnceAndEveryRoleCanWorkIt) {
  TestDatabase database;
  migrate(database);
  const std::string demo = std::string("printf '%s\\n' '") + kPassword + "' | env HEATWATCH_ENCRYPTION_KEY=" + kKey +
                           " HEATWATCH_NOW=" + kNow + " " + heatwatch_binary() + " demo --password-stdin --db '" +
                           database.url() + "'";
  auto [rc, out] = run_command(demo);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("victims"), std::string::npos) << out;
  EXPECT_NE(database.query_value("SELECT count(*) FROM victims"), "0");
  EXPECT_NE(database.query_value("SELECT count(*) FROM mdt_reviews"), "0");
  // Identities are sealed like real ones.
  EXPECT_EQ(database.query_value("SELECT count(*) FROM victims WHERE legal_name_sealed NOT LIKE 'v1:%'"), "0");
  const std::string victims = database.query_value("SELECT count(*) FROM victims");

  auto [rc2, out2] = run_command(demo);
  ASSERT_EQ(rc2, 0) << out2;
  EXPECT_NE(out2.find("nothing changed"), std::string::npos) << out2;
  EXPECT_EQ(database.query_value("SELECT count(*) FROM victims"), victims);

  ServerProcess server(database.url(), {"--jobs", "off"}, {{"HEATWATCH_NOW", kNow}});
  const std::string advocate = login(server.port(), "demo.advocate", kPassword);
  const std::string partner = login(server.port(), "demo.mdt_partner", kPassword);
  const std::string dda = login(server.port(), "demo.dda1", kPassword);

  // The advocate reads a victim's identity (audited); the DDA's caseload is there.
  const std::string victim_id = database.query_value("SELECT id::text FROM victims ORDER BY pseudonym LIMIT 1");
  auto v = http(server.port(), "GET", "/api/v1/victims/" + victim_id, "", bearer(advocate));
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_TRUE(json::parse(v.body).as_object().contains("legal_name")) << v.body;
  auto cases = http(server.port(), "GET", "/api/v1/cases?assigned_to=me", "", bearer(dda));
  ASSERT_EQ(cases.status, 200) << cases.body;
  EXPECT_FALSE(json::parse(cases.body).at("items").as_array().empty());

  // This week's Safety Net: the youths reviewed last week are back on the agenda.
  auto agenda = http(server.port(), "GET", "/api/v1/mdt/agenda?date=2026-12-02", "", bearer(advocate));
  ASSERT_EQ(agenda.status, 200) << agenda.body;
  const json::value items = json::parse(agenda.body).at("items");
  ASSERT_GE(items.as_array().size(), 5U) << agenda.body;
  // The partner (CFS, whose MOU covers the whole agenda but no identity) sees pseudonyms and
  // Keys, never a victim id or a name.
  auto seen = http(server.port(), "GET", "/api/v1/mdt/agenda?date=2026-12-02", "", bearer(partner));
  ASSERT_EQ(seen.status, 200) << seen.body;
  const json::value partner_items = json::parse(seen.body).at("items");
  ASSERT_EQ(partner_items.as_array().size(), items.as_array().size());
  for (const auto& item : partner_items.as_array()) {
    EXPECT_FALSE(item.as_object().contains("victim_id")) << item;
    EXPECT_TRUE(item.as_object().contains("pseudonym")) << item;
    EXPECT_TRUE(item.as_object().contains("keys")) << item;
    EXPECT_FALSE(item.as_object().contains("legal_name")) << item;
  }
}

}  // namespace
}  // namespace heat::test

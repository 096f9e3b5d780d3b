// Evidence, chain of custody and discovery over HTTP (issue 8), against the real binary and
// PostgreSQL: a chain that verifies; rows altered, deleted or reordered behind the server's
// back are found at the right link by the API and by `heatwatch evidence verify`; the
// documented recipe re-checked with printf and `openssl dgst`; a disclosure that meets the
// PC 1054.7 deadline; the redaction check (422, override, redaction); and who may do what.
#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace heat::test {
namespace {
namespace json = boost::json;

class EvidenceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    add_user(*database_, "dda3", "dda", "ht");
    server_ = new ServerProcess(database_->url(), {"--jobs", "off"});
    dda_ = login(server_->port(), "dda1");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  static unsigned short port() { return server_->port(); }
  // A victim with these identity values, sealed like any other, linked to a new prosecution
  // of the case: the redaction check's values come from there.
  static void link_victim(const std::string& case_id, const std::string& identity) {
    auto p = http(port(), "POST", "/api/v1/cases/" + case_id + "/prosecutions", R"({"person":{"name":"John Roe"}})",
                  bearer(dda_));
    ASSERT_EQ(p.status, 201) << p.body;
    auto v = http(port(), "POST", "/api/v1/victims", identity, bearer(dda_));
    ASSERT_EQ(v.status, 201) << v.body;
    auto l = http(port(), "POST", "/api/v1/victims/" + std::string(json::parse(v.body).at("id").as_string()) + "/links",
                  json::serialize(json::object{{"prosecution_id", json::parse(p.body).at("id")}, {"role", "named_victim"}}),
                  bearer(dda_));
    ASSERT_EQ(l.status, 201) << l.body;
  }

  static std::string new_case(const std::string& da_number) {
    auto c = http(port(), "POST", "/api/v1/cases",
                  json::serialize(json::object{{"da_number", da_number},
                                               {"title", "People v. Roe"},
                                               {"unit", "ht"},
                                               {"referring_agency", "Oakland PD"},
                                               {"referral_date", "2026-11-01"}}),
                  bearer(dda_));
    EXPECT_EQ(c.status, 201) << c.body;
    return std::string(json::parse(c.body).at("id").as_string());
  }

  static std::string new_item(const std::string& case_id, const std::string& description = "Black iPhone 12") {
    auto r = http(port(), "POST", "/api/v1/cases/" + case_id + "/evidence",
                  json::serialize(json::object{{"label", "HT-E-0001"},
                                               {"kind", "device_extraction"},
                                               {"description", description},
                                               {"source", "Motel 6 room 114"},
                                               {"collected_by", "Det. Alvarez #4411"},
                                               {"collected_at", "2026-11-02T09:30:00-08:00"},
                                               {"location", "Oakland"},
                                               {"sha256", std::string(64, 'a')}}),
                  bearer(dda_));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(json::parse(r.body).at("id").as_string());
  }

  static HttpResult custody(const std::string& item, const std::string& to, const std::string& purpose,
                            const std::string& at, const std::string& token = "") {
    return http(port(), "POST", "/api/v1/evidence/" + item + "/custody",
                json::serialize(json::object{{"to", to}, {"purpose", purpose}, {"at", at}, {"location", "Oakland"}}),
                bearer(token.empty() ? dda_ : token));
  }

  // An item with four events: collected, to the lab, back, to court.
  static std::string item_with_chain(const std::string& case_id) {
    const std::string item = new_item(case_id);
    EXPECT_EQ(custody(item, "ACSO Crime Lab", "lab_analysis", "2026-11-03T10:00:00-08:00").status, 201);
    EXPECT_EQ(custody(item, "Property room", "return", "2026-11-10T15:00:00-08:00").status, 201);
    EXPECT_EQ(custody(item, "Dept. 9", "court", "2027-01-05T08:30:00-08:00").status, 201);
    return item;
  }

  static json::array chain(const std::string& item) {
    auto r = http(port(), "GET", "/api/v1/evidence/" + item + "/custody", "", bearer(dda_));
    EXPECT_EQ(r.status, 200) << r.body;
    json::value v = json::parse(r.body);
    return v.at("items").as_array();
  }

  static json::value verify(const std::string& item) {
    auto r = http(port(), "GET", "/api/v1/evidence/" + item + "/verify", "", bearer(dda_));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }

  static std::pair<int, std::string> cli_verify(const std::string& item) {
    return run_command(heatwatch_binary() + " evidence verify --db '" + database_->url() + "' --item " + item);
  }

  // Runs SQL with the append-only trigger off, as someone tampering with the table would.
  static void tamper(const std::string& sql) {
    database_->exec("ALTER TABLE custody_events DISABLE TRIGGER custody_events_no_update");
    database_->exec(sql);
    database_->exec("ALTER TABLE custody_events ENABLE TRIGGER custody_events_no_update");
  }

  static std::string event_id(const std::string& item, int seq) {
    return database_->query_value("SELECT id::text FROM custody_events WHERE item_id = '" + item + "' AND seq = " +
                                  std::to_string(seq));
  }

  static TestDatabase* database_;
  static ServerProcess* server_;
  static std::string dda_;
};
TestDatabase* EvidenceTest::database_ = nullptr;
ServerProcess* EvidenceTest::server_ = nullptr;
std::string EvidenceTest::dda_;

TEST_F(EvidenceTest, AValidChainVerifiesAndPurposesMoveTheItem) {
  const std::string case_id = new_case("HT-2026-800001");
  const std::string item = new_item(case_id);
  auto got = http(port(), "GET", "/api/v1/evidence/" + item, "", bearer(dda_));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.header("etag"), "\"1\"");
  EXPECT_EQ(json::parse(got.body).at("status").as_string(), "in_custody");

  auto lab = custody(item, "ACSO Crime Lab", "lab_analysis", "2026-11-03T10:00:00-08:00");
  ASSERT_EQ(lab.status, 201) << lab.body;
  json::value labv = json::parse(lab.body);
  EXPECT_EQ(labv.at("item").at("status").as_string(), "at_lab");
  EXPECT_EQ(labv.at("from").as_string(), "Det. Alvarez #4411");
  EXPECT_EQ(labv.at("seq").as_int64(), 2);

  // At the lab it cannot go to court: 409 with the statuses allowed now; nothing written.
  auto refused = custody(item, "Dept. 9", "court", "2026-11-04T10:00:00-08:00");
  EXPECT_EQ(refused.status, 409) << refused.body;
  json::value rv = json::parse(refused.body);
  EXPECT_EQ(rv.at("allowed_events"), json::parse(R"(["in_custody"])"));
  EXPECT_EQ(chain(item).size(), 2u);

  ASSERT_EQ(custody(item, "Property room", "return", "2026-11-10T15:00:00-08:00").status, 201);
  // A purpose that is no move keeps the status.
  auto handoff = custody(item, "Det. Brooks", "review", "2026-11-11T15:00:00-08:00");
  ASSERT_EQ(handoff.status, 201) << handoff.body;
  EXPECT_EQ(json::parse(handoff.body).at("item").at("status").as_string(), "in_custody");
  ASSERT_EQ(custody(item, "Dept. 9", "court", "2027-01-05T08:30:00-08:00").status, 201);

  const json::array events = chain(item);
  ASSERT_EQ(events.size(), 5u);
  std::string prev(64, '0');
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].at("seq").as_int64(), static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ(events[i].at("prev_hash").as_string(), prev);
    prev = std::string(events[i].at("hash").as_string());
  }
  EXPECT_EQ(events[0].at("purpose").as_string(), "collected");
  EXPECT_EQ(events[0].at("from").as_string(), "");
  EXPECT_EQ(events[0].at("at").as_string(), "2026-11-02T17:30:00.000000Z");

  json::value v = verify(item);
  EXPECT_EQ(v.at("valid"), json::value(true));
  EXPECT_TRUE(v.at("broken_at").is_null());
  auto [code, out] = cli_verify(item);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("valid"), std::string::npos) << out;

  // The table itself refuses changes.
  EXPECT_ANY_THROW(database_->exec("UPDATE custody_events SET to_party = 'x' WHERE item_id = '" + item + "'"));
  EXPECT_ANY_THROW(database_->exec("DELETE FROM custody_events WHERE item_id = '" + item + "'"));
}

TEST_F(EvidenceTest, TamperingIsFoundAtTheRightLinkByTheApiAndTheCli) {
  const std::string case_id = new_case("HT-2026-800002");
  struct Case {
    const char* name;
    std::string sql;  // with {item}
    int broken_seq;   // the event (by its original seq) named as broken
  };
  const Case cases[] = {
      {"alter a recipient", "UPDATE custody_events SET to_party = 'Det. Nobody' WHERE item_id = '{item}' AND seq = 3", 3},
      {"alter a time", "UPDATE custody_events SET at_text = '2026-11-03T11:00:00.000000Z' WHERE item_id = '{item}' AND seq = 2", 2},
      {"alter the first event", "UPDATE custody_events SET from_party = 'Det. X' WHERE item_id = '{item}' AND seq = 1", 1},
      {"delete a middle event", "DELETE FROM custody_events WHERE item_id = '{item}' AND seq = 2", 3},
      {"delete the last event", "DELETE FROM custody_events WHERE item_id = '{item}' AND seq = 4", 3},
      {"reorder two events",
       "UPDATE custody_events SET seq = 100 WHERE item_id = '{item}' AND seq = 2;"
       "UPDATE custody_events SET seq = 2 WHERE item_id = '{item}' AND seq = 3;"
       "UPDATE custody_events SET seq = 3 WHERE item_id = '{item}' AND seq = 100",
       3},
  };
  for (const auto& c : cases) {
    const std::string item = item_with_chain(case_id);
    const std::string expected = event_id(item, c.broken_seq);
    std::string sql = c.sql;
    for (auto p = sql.find("{item}"); p != std::string::npos; p = sql.find("{item}")) sql.replace(p, 6, item);
    tamper(sql);
    json::value v = verify(item);
    EXPECT_EQ(v.at("valid"), json::value(false)) << c.name;
    EXPECT_EQ(v.at("broken_at"), json::value(expected)) << c.name;
    auto [code, out] = cli_verify(item);
    EXPECT_EQ(code, 3) << c.name << ": " << out;
    EXPECT_NE(out.find(expected), std::string::npos) << c.name << ": " << out;
  }
  // Without --item the CLI checks every chain and reports a broken one.
  auto [code, out] = run_command(heatwatch_binary() + " evidence verify --db '" + database_->url() + "'");
  EXPECT_EQ(code, 3) << out;
}

TEST_F(EvidenceTest, ShellAndOpensslAgreeWithTheServer) {
  const std::string item = item_with_chain(new_case("HT-2026-800003"));
  const json::array events = chain(item);
  ASSERT_EQ(events.size(), 4u);
  // The recipe of README.md, in shell: printf the canonical text, hash it with openssl.
  const std::string script = "/tmp/heatwatch-custody-" + std::to_string(getpid()) + ".sh";
  std::ofstream(script) << "#!/bin/sh\n"
                           "# usage: prev_hash item_id seq at from to purpose location recorded_by\n"
                           "printf '%s\\n%s\\n%s\\n%s\\n%s\\n%s\\n%s\\n%s\\n%s' \"$@\" | openssl dgst -sha256 -r | cut -d' ' -f1\n";
  std::string prev(64, '0');
  auto quote = [](const json::value& v) {
    std::string s(v.as_string());
    std::string out = "'";
    for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
  };
  for (const auto& e : events) {
    EXPECT_EQ(e.at("prev_hash").as_string(), prev);
    const std::string cmd = "sh " + script + " " + quote(e.at("prev_hash")) + " " + quote(e.at("item_id")) + " " +
                            std::to_string(e.at("seq").as_int64()) + " " + quote(e.at("at")) + " " + quote(e.at("from")) +
                            " " + quote(e.at("to")) + " " + quote(e.at("purpose")) + " " + quote(e.at("location")) +
                            " " + quote(e.at("recorded_by"));
    auto [code, out] = run_command(cmd);
    ASSERT_EQ(code, 0) << out;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    EXPECT_EQ(out, e.at("hash").as_string()) << "event " << e.at("seq").as_int64();
    prev = std::string(e.at("hash").as_string());
  }
  std::remove(script.c_str());
  EXPECT_EQ(verify(item).at("valid"), json::value(true));
}

TEST_F(EvidenceTest, ADisclosureIsLoggedAndMeetsThePc1054_7Deadline) {
  const std::string case_id = new_case("HT-2026-800004");
  auto p = http(port(), "POST", "/api/v1/cases/" + case_id + "/prosecutions", R"({"person":{"name":"John Roe"}})",
                bearer(dda_));
  ASSERT_EQ(p.status, 201) << p.body;
  const std::string pid(json::parse(p.body).at("id").as_string());
  ASSERT_EQ(http(port(), "POST", "/api/v1/prosecutions/" + pid + "/charges",
                 R"j({"statute":"PC 236.1(b)","filed_on":"2026-11-20"})j", bearer(dda_))
                .status,
            201);
  for (const std::string body : {R"({"event":"file_complaint","occurred_at":"2026-11-20T09:00:00-08:00"})",
                                 R"({"event":"arraign","occurred_at":"2026-11-23T09:00:00-08:00"})",
                                 R"({"event":"set_trial_date","occurred_at":"2026-11-23T10:00:00-08:00","trial_date":"2027-02-16"})"}) {
    auto r = http(port(), "POST", "/api/v1/prosecutions/" + pid + "/events", body, bearer(dda_));
    ASSERT_EQ(r.status, 200) << body << " -> " << r.body;
  }
  auto deadline = [&]() -> json::object {
    auto r = http(port(), "GET", "/api/v1/prosecutions/" + pid + "/deadlines", "", bearer(dda_));
    json::value v = json::parse(r.body);
    for (const auto& d : v.at("items").as_array())
      if (d.at("rule").as_string() == "pc1054_7_discovery") return d.as_object();
    return {};
  };
  ASSERT_EQ(deadline().at("status").as_string(), "open");

  const std::string item = new_item(case_id);
  auto d = http(port(), "POST", "/api/v1/evidence/" + item + "/disclosures",
                R"({"to":"Pat Defender, Esq.","at":"2026-12-01T10:00:00-08:00","method":"secure portal","bates":"PEO-000001-000120"})",
                bearer(dda_));
  ASSERT_EQ(d.status, 201) << d.body;
  json::value dv = json::parse(d.body);
  EXPECT_EQ(dv.at("prosecution_id").as_string(), pid);  // the case's only prosecution
  EXPECT_EQ(dv.at("item_ids"), json::parse("[\"" + item + "\"]"));
  EXPECT_EQ(dv.at("deadlines_met").as_array().size(), 1u);
  json::object met = deadline();
  EXPECT_EQ(met.at("status").as_string(), "met");
  EXPECT_EQ(met.at("met_on_time"), json::value(true));
  EXPECT_EQ(met.at("resolved_on").as_string(), "2026-12-01");

  // Two more, then the log page by page (oldest first).
  for (const char* at : {"2026-12-05T10:00:00-08:00", "2026-12-09T10:00:00-08:00"}) {
    auto more = http(port(), "POST", "/api/v1/evidence/" + item + "/disclosures",
                     json::serialize(json::object{{"to", "Pat Defender, Esq."}, {"at", at}, {"method", "email"},
                                                  {"prosecution_id", pid}}),
                     bearer(dda_));
    ASSERT_EQ(more.status, 201) << more.body;
    EXPECT_TRUE(json::parse(more.body).at("deadlines_met").as_array().empty());
  }
  auto page1 = http(port(), "GET", "/api/v1/cases/" + case_id + "/disclosures?limit=2", "", bearer(dda_));
  ASSERT_EQ(page1.status, 200) << page1.body;
  json::value p1 = json::parse(page1.body);
  ASSERT_EQ(p1.at("items").as_array().size(), 2u);
  EXPECT_EQ(p1.at("items").as_array()[0].at("bates").as_string(), "PEO-000001-000120");
  ASSERT_TRUE(p1.at("next_cursor").is_string());
  auto page2 = http(port(), "GET",
                    "/api/v1/cases/" + case_id + "/disclosures?limit=2&cursor=" +
                        std::string(p1.at("next_cursor").as_string()),
                    "", bearer(dda_));
  json::value p2 = json::parse(page2.body);
  ASSERT_EQ(p2.at("items").as_array().size(), 1u) << page2.body;
  EXPECT_EQ(p2.at("items").as_array()[0].at("at").as_string(), "2026-12-09T18:00:00.000000Z");
  EXPECT_TRUE(p2.at("next_cursor").is_null());

  // A prosecution of another case is refused; nothing is written.
  const std::string other = new_case("HT-2026-800005");
  auto op = http(port(), "POST", "/api/v1/cases/" + other + "/prosecutions", R"({"person":{"name":"Ann Poe"}})",
                 bearer(dda_));
  const std::string other_pid(json::parse(op.body).at("id").as_string());
  auto wrong = http(port(), "POST", "/api/v1/evidence/" + item + "/disclosures",
                    json::serialize(json::object{{"to", "X"}, {"at", "2026-12-10T10:00:00-08:00"}, {"method", "email"},
                                                 {"prosecution_id", other_pid}}),
                    bearer(dda_));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM disclosures WHERE case_id = '" + case_id + "'"), "3");
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'disclosure.create'"), "3");
}

TEST_F(EvidenceTest, TheRedactionCheckRefusesAVictimsNameUntilRedactedOrOverridden) {
  const std::string case_id = new_case("HT-2026-800006");
  const std::string item = new_item(case_id, "Phone seized from Maria Lopez, calls to (510) 555-0142");
  link_victim(case_id, R"({"legal_name":"Maria Lopez","dob":"2009-04-07","contact":{"phone":"510-555-0142"}})");
  const std::string body = R"({"to":"Pat Defender, Esq.","at":"2026-12-01T10:00:00-08:00","method":"secure portal"})";
  auto refused = http(port(), "POST", "/api/v1/evidence/" + item + "/disclosures", body, bearer(dda_));
  ASSERT_EQ(refused.status, 422) << refused.body;
  json::value rv = json::parse(refused.body);
  EXPECT_EQ(rv.at("identity_fields"), json::parse(R"(["legal_name","phone"])"));
  EXPECT_EQ(rv.at("errors").as_array()[0].at("field").as_string(), "legal_name");
  EXPECT_EQ(refused.body.find("Maria"), std::string::npos) << "the response must not echo the value";
  auto manifest = http(port(), "GET", "/api/v1/cases/" + case_id + "/discovery-manifest", "", bearer(dda_));
  EXPECT_EQ(manifest.status, 422) << manifest.body;
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM disclosures WHERE case_id = '" + case_id + "'"), "0");

  // The lead DDA may override with a reason; the override is audited (field names only).
  auto overridden = http(port(), "POST", "/api/v1/evidence/" + item + "/disclosures",
                         R"({"to":"Pat Defender, Esq.","at":"2026-12-01T10:00:00-08:00","method":"secure portal",)"
                         R"("override_reason":"court order of 2026-11-30 permits the name"})",
                         bearer(dda_));
  ASSERT_EQ(overridden.status, 201) << overridden.body;
  EXPECT_EQ(json::parse(overridden.body).at("override_reason").as_string(), "court order of 2026-11-30 permits the name");
  const std::string details = database_->query_value(
      "SELECT details FROM audit_log WHERE action = 'disclosure.create' AND entity_id = '" +
      std::string(json::parse(overridden.body).at("id").as_string()) + "'");
  EXPECT_NE(details.find("override_reason"), std::string::npos) << details;
  EXPECT_NE(details.find("legal_name"), std::string::npos) << details;
  EXPECT_EQ(details.find("Maria"), std::string::npos) << details;
  auto manifest_override = http(port(), "GET",
                                "/api/v1/cases/" + case_id + "/discovery-manifest?override_reason=court%20order",
                                "", bearer(dda_));
  EXPECT_EQ(manifest_override.status, 200) << manifest_override.body;

  // Redact the metadata: the same disclosure and the manifest go through unchanged.
  auto patched = http(port(), "PATCH", "/api/v1/evidence/" + item,
                      R"({"description":"Phone seized from Jane Doe 4, calls to [redacted]"})",
                      {{"Authorization", "Bearer " + dda_}, {"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto stale = http(port(), "PATCH", "/api/v1/evidence/" + item, R"({"label":"x"})",
                    {{"Authorization", "Bearer " + dda_}, {"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  auto allowed = http(port(), "POST", "/api/v1/evidence/" + item + "/disclosures", body, bearer(dda_));
  EXPECT_EQ(allowed.status, 201) << allowed.body;
  auto clean = http(port(), "GET", "/api/v1/cases/" + case_id + "/discovery-manifest", "", bearer(dda_));
  ASSERT_EQ(clean.status, 200) << clean.body;
  json::value mv = json::parse(clean.body);
  ASSERT_EQ(mv.at("items").as_array().size(), 1u);
  EXPECT_EQ(mv.at("items").as_array()[0].at("sha256").as_string(), std::string(64, 'a'));
  EXPECT_EQ(mv.at("items").as_array()[0].at("custody_events").as_int64(), 1);
}

TEST_F(EvidenceTest, AccessFollowsThePolicy) {
  const std::string case_id = new_case("HT-2026-800007");
  const std::string item = new_item(case_id);
  const std::string advocate = login(port(), "advocate1");
  const std::string other_unit = login(port(), "dda2");
  const std::string same_unit = login(port(), "dda3");
  const std::string supervisor = login(port(), "supervisor1");
  const std::string admin = login(port(), "admin1");
  const std::string leadership = login(port(), "leadership1");
  const std::string evidence_body =
      R"({"label":"x","kind":"other","description":"d","collected_by":"c","collected_at":"2026-11-02T09:30:00-08:00"})";
  const std::string disclosure_body = R"({"to":"X","at":"2026-12-01T10:00:00-08:00","method":"email"})";
  const std::string v = "/api/v1/evidence/" + item;
  // Advocates never see DDA work product; leadership sees aggregates only.
  for (const auto& token : {advocate, leadership}) {
    EXPECT_EQ(http(port(), "POST", "/api/v1/cases/" + case_id + "/evidence", evidence_body, bearer(token)).status, 403);
    EXPECT_EQ(http(port(), "GET", v + "/custody", "", bearer(token)).status, 403);
    EXPECT_EQ(http(port(), "GET", v + "/verify", "", bearer(token)).status, 403);
    EXPECT_EQ(custody(item, "Lab", "lab_analysis", "2026-11-03T10:00:00-08:00", token).status, 403);
    EXPECT_EQ(http(port(), "GET", "/api/v1/cases/" + case_id + "/disclosures", "", bearer(token)).status, 403);
  }
  // Another unit's DDA: the record does not exist for them.
  EXPECT_EQ(http(port(), "GET", v, "", bearer(other_unit)).status, 404);
  EXPECT_EQ(http(port(), "GET", v + "/custody", "", bearer(other_unit)).status, 404);
  EXPECT_EQ(http(port(), "GET", v + "/verify", "", bearer(other_unit)).status, 404);
  EXPECT_EQ(custody(item, "Lab", "lab_analysis", "2026-11-03T10:00:00-08:00", other_unit).status, 404);
  EXPECT_EQ(http(port(), "POST", v + "/disclosures", disclosure_body, bearer(other_unit)).status, 404);
  EXPECT_EQ(http(port(), "POST", "/api/v1/cases/" + case_id + "/evidence", evidence_body, bearer(other_unit)).status,
            404);
  EXPECT_EQ(http(port(), "GET", "/api/v1/cases/" + case_id + "/disclosures", "", bearer(other_unit)).status, 404);
  // A DDA of the unit not on the case reads but does not write.
  EXPECT_EQ(http(port(), "GET", v + "/custody", "", bearer(same_unit)).status, 200);
  EXPECT_EQ(custody(item, "Lab", "lab_analysis", "2026-11-03T10:00:00-08:00", same_unit).status, 403);
  EXPECT_EQ(http(port(), "POST", v + "/disclosures", disclosure_body, bearer(same_unit)).status, 403);
  // The unit's supervisor may; an admin verifies chains but reads no content.
  EXPECT_EQ(custody(item, "Lab", "lab_analysis", "2026-11-03T10:00:00-08:00", supervisor).status, 201);
  EXPECT_EQ(http(port(), "GET", v + "/verify", "", bearer(admin)).status, 200);
  EXPECT_EQ(http(port(), "GET", v + "/custody", "", bearer(admin)).status, 403);
  // Nothing the refused callers sent was written; each refusal is audited.
  EXPECT_EQ(chain(item).size(), 2u);
  EXPECT_NE(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'authz.denied'"
                                   " AND actor_username = 'dda2' AND entity_id = '" + item + "'"),
            "0");
}

TEST_F(EvidenceTest, AnIdempotencyKeyWritesATransferOnce) {
  const std::string item = new_item(new_case("HT-2026-800009"));
  auto headers = bearer(dda_);
  headers["Idempotency-Key"] = "custody-" + item;
  const std::string body = R"({"to":"ACSO Crime Lab","purpose":"lab_analysis","at":"2026-11-03T10:00:00-08:00"})";
  auto first = http(port(), "POST", "/api/v1/evidence/" + item + "/custody", body, headers);
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = http(port(), "POST", "/api/v1/evidence/" + item + "/custody", body, headers);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(json::parse(again.body).at("id"), json::parse(first.body).at("id"));
  auto other = http(port(), "POST", "/api/v1/evidence/" + item + "/custody",
                    R"({"to":"Dept. 9","purpose":"court","at":"2026-11-04T10:00:00-08:00"})", headers);
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(chain(item).size(), 2u);
  EXPECT_EQ(verify(item).at("valid"), json::value(true));
}

TEST_F(EvidenceTest, BadInputIsRefusedAndWritesNothing) {
  const std::string case_id = new_case("HT-2026-800008");
  const std::string before = database_->query_value("SELECT count(*) FROM evidence_items");
  auto post = [&](const std::string& body) {
    return http(port(), "POST", "/api/v1/cases/" + case_id + "/evidence", body, bearer(dda_)).status;
  };
  EXPECT_EQ(post(R"({"label":"x","kind":"car","description":"d","collected_by":"c","collected_at":"2026-11-02T09:30:00-08:00"})"), 400);
  EXPECT_EQ(post(R"({"label":"x","kind":"other","description":"d","collected_by":"c","collected_at":"yesterday"})"), 400);
  EXPECT_EQ(post(R"({"label":"x","kind":"other","description":"d","collected_by":"c","collected_at":"2026-11-02T09:30:00Z","sha256":"abc"})"), 400);
  EXPECT_EQ(post(R"({"label":"x","kind":"other","description":"d","collected_by":"c","collected_at":"2026-11-02T09:30:00Z","status":"destroyed"})"), 400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/cases/00000000-0000-0000-0000-000000000000/evidence",
                 R"({"label":"x","kind":"other","description":"d","collected_by":"c","collected_at":"2026-11-02T09:30:00Z"})",
                 bearer(dda_))
                .status,
            404);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM evidence_items"), before);
  const std::string item = new_item(case_id);
  EXPECT_EQ(custody(item, "Lab", "lab_analysis", "not a time").status, 400);
  ASSERT_EQ(custody(item, "Incinerator", "destruction", "2026-11-03T10:00:00-08:00").status, 201);
  auto after = custody(item, "Lab", "lab_analysis", "2026-11-04T10:00:00-08:00");
  EXPECT_EQ(after.status, 409) << after.body;
  EXPECT_EQ(custody(item, "Det. X", "review", "2026-11-04T10:00:00-08:00").status, 409);
  EXPECT_EQ(chain(item).size(), 2u);
}

}  // namespace
}  // namespace heat::test

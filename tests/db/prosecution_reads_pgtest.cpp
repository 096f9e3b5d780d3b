// The prosecutions' read model (V0015): after every kind of change the stored record equals
// its definition over the base tables (prosecution_reads_drift() = 0), and the prosecution
// read from it equals the one read from the base tables (the store's fallback when the row is
// missing); also when case-level and prosecution-level changes race on one prosecution.
#include "db/case_store.hpp"
#include "db/pool.hpp"
#include "engine/court_calendar.hpp"
#include "tests/support/app_fixture.hpp"
#include "workflows/prosecution_events.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace heat::db {
namespace {

using namespace std::chrono;

class ProsecutionReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::migrate(database_);
    test::add_one_user_per_role(database_);
    pool_ = std::move(Pool::open(database_.url(), 4).value());
    cases_ = std::make_unique<PgCaseStore>(*pool_);
    for (const char* name : {"dda1", "supervisor1", "dda2"})
      staff_.push_back(database_.query_value(std::string("SELECT id::text FROM users WHERE username = '") + name + "'"));
  }

  AuditEntry audit(const std::string& action) const {
    AuditEntry a;
    a.at = time_point_cast<microseconds>(system_clock::now());
    a.actor_id = staff_[0];
    a.actor_username = "dda1";
    a.action = action;
    a.outcome = "success";
    return a;
  }

  std::string make_case(const std::string& number) {
    NewCase nc;
    nc.da_number = number;
    nc.title = "People v. Read";
    nc.unit = "ht";
    nc.referring_agency = "Oakland PD";
    nc.referral_date = sys_days(year(2026) / 3 / 2);
    nc.lead_dda_id = staff_[0];
    return cases_->create_case(nc, audit("case.create"), nullptr).value().id;
  }

  std::string make_prosecution(const std::string& case_id, const std::string& name) {
    NewProsecution np;
    np.case_id = case_id;
    np.person.name = name;
    np.person.dob = sys_days(year(1990) / 5 / 17);
    np.person.aliases = {"Alias \"One\"", "Two"};
    return cases_->create_prosecution(np, anyone_, audit("prosecution.create"), nullptr).value().id;
  }

  std::string add_charge(const std::string& pid, const std::string& statute) {
    NewCharge ch;
    ch.statute = statute;
    ch.filed_on = sys_days(year(2026) / 3 / 3);
    ch.offense_date = sys_days(year(2026) / 2 / 20);
    std::string id;
    EXPECT_TRUE(cases_->add_charge(pid, ch, time_point_cast<microseconds>(system_clock::now()), anyone_,
                                   audit("charge.create"), id, nullptr));
    return id;
  }

  void apply(const std::string& pid, const std::string& name) {
    lifecycle::LifecycleEvent e;
    e.name = name;
    e.occurred_at = time_point_cast<microseconds>(system_clock::now());
    e.court_date = *CourtCalendar::local_date(e.occurred_at);
    if (name == "sentence")
      for (const auto& c : read(pid).snapshot.charges)
        if (is_conviction(c.disposition)) e.sentences[c.id] = R"({"prison_years":4})";
    auto r = cases_->apply_event(pid, std::nullopt, lifecycle::decider_for(e), anyone_, audit("prosecution.event"),
                                 nullptr);
    ASSERT_TRUE(r) << name << ": " << r.error().message;
  }

  ProsecutionRecord read(const std::string& pid) { return cases_->get_prosecution(pid).value().value(); }

  // The stored rows equal their definition, and the record read through them equals the one
  // read from the base tables.
  void expect_consistent(const std::string& pid, const std::string& step) {
    EXPECT_EQ(database_.query_value("SELECT prosecution_reads_drift()"), "0") << step;
    const ProsecutionRecord stored = read(pid);
    database_.exec("DELETE FROM prosecution_reads WHERE prosecution_id = '" + pid + "'");
    const ProsecutionRecord base = read(pid);
    database_.exec("SELECT prosecution_read_refresh('" + pid + "')");
    EXPECT_EQ(stored.id, base.id) << step;
    EXPECT_EQ(stored.case_id, base.case_id) << step;
    EXPECT_EQ(stored.person.id, base.person.id) << step;
    EXPECT_EQ(stored.person.name, base.person.name) << step;
    EXPECT_EQ(stored.person.dob, base.person.dob) << step;
    EXPECT_EQ(stored.person.aliases, base.person.aliases) << step;
    EXPECT_EQ(stored.snapshot, base.snapshot) << step;
    EXPECT_EQ(stored.version, base.version) << step;
    EXPECT_EQ(stored.access.unit, base.access.unit) << step;
    EXPECT_EQ(stored.access.lead_dda_id, base.access.lead_dda_id) << step;
    EXPECT_EQ(stored.access.assigned_dda_ids, base.access.assigned_dda_ids) << step;
  }

  test::TestDatabase database_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<PgCaseStore> cases_;
  std::vector<std::string> staff_;
  const Authorizer anyone_ = [](const RecordContext&) -> Status { return {}; };
};

TEST_F(ProsecutionReadsTest, EveryKindOfChangeKeepsTheRecordRight) {
  const std::string case_id = make_case("RM-1");
  const std::string pid = make_prosecution(case_id, "Ana Read");
  expect_consistent(pid, "created");
  EXPECT_EQ(read(pid).person.aliases, (std::vector<std::string>{"Alias \"One\"", "Two"}));

  const std::string first = add_charge(pid, "PC 236.1(c)(1)");
  const std::string second = add_charge(pid, "PC 266i(a)");
  expect_consistent(pid, "charges added");
  ASSERT_EQ(read(pid).snapshot.charges.size(), 2u);
  EXPECT_EQ(read(pid).snapshot.charges[0].id, first);  // in filing order
  EXPECT_EQ(read(pid).snapshot.charges[1].id, second);

  for (const char* e : {"file_complaint", "book", "arraign", "plead_guilty", "sentence"}) {
    apply(pid, e);
    expect_consistent(pid, e);
  }
  EXPECT_EQ(read(pid).snapshot.stage, Stage::sentenced);
  EXPECT_TRUE(read(pid).snapshot.charges[0].sentence.has_value());

  ChargePatch fix;
  fix.sentence = std::optional<std::string>(R"({"prison_years":6})");
  ASSERT_TRUE(cases_->patch_charge(first, std::nullopt, fix, time_point_cast<microseconds>(system_clock::now()),
                                   anyone_, audit("charge.update")));
  expect_consistent(pid, "charge corrected");
  EXPECT_EQ(read(pid).snapshot.charges[0].sentence, std::optional<std::string>(R"({"prison_years":6})"));

  CasePatch patch;
  patch.lead_dda_id = staff_[1];
  patch.assigned_dda_ids = std::vector<std::string>{staff_[2], staff_[0]};
  ASSERT_TRUE(cases_->patch_case(case_id, std::nullopt, patch, anyone_, audit("case.update")));
  expect_consistent(pid, "case lead and assignments");
  EXPECT_EQ(read(pid).access.lead_dda_id, staff_[1]);
  EXPECT_EQ(read(pid).access.assigned_dda_ids.size(), 2u);

  ReassignRequest move{staff_[1], staff_[2], {}};
  ASSERT_TRUE(cases_->reassign(move, anyone_, audit("case.reassign"), nullptr));
  expect_consistent(pid, "reassigned");
  EXPECT_EQ(read(pid).access.lead_dda_id, staff_[2]);

  // Behind the application's back, too: a DBA corrects the defendant's name.
  database_.exec("UPDATE persons SET name = 'Ana M. Read', dob = NULL FROM prosecutions p"
                 " WHERE p.person_id = persons.id AND p.id = '" + pid + "'");
  expect_consistent(pid, "person corrected");
  EXPECT_EQ(read(pid).person.name, "Ana M. Read");
  EXPECT_FALSE(read(pid).person.dob.has_value());

  database_.exec("UPDATE cases SET unit = 'sx' WHERE id = '" + case_id + "'");
  expect_consistent(pid, "unit moved");
  EXPECT_EQ(read(pid).access.unit, "sx");
}

TEST_F(ProsecutionReadsTest, ARebuildWritesWhatTheTriggersWrote) {
  const std::string case_id = make_case("RM-2");
  std::vector<std::string> pids;
  for (int i = 0; i < 3; ++i) {
    pids.push_back(make_prosecution(case_id, "Co-defendant " + std::to_string(i)));
    add_charge(pids.back(), "PC 236.1(b)");
  }
  apply(pids[0], "file_complaint");
  const std::string before =
      database_.query_value("SELECT string_agg(record, '|' ORDER BY prosecution_id) FROM prosecution_reads");
  EXPECT_EQ(database_.query_value("SELECT prosecution_reads_rebuild()"), "3");
  EXPECT_EQ(database_.query_value("SELECT string_agg(record, '|' ORDER BY prosecution_id) FROM prosecution_reads"),
            before);
  // A drifted row is found.
  database_.exec("UPDATE prosecution_reads SET record = replace(record, 'Co-defendant 1', 'Someone else')");
  EXPECT_EQ(database_.query_value("SELECT prosecution_reads_drift()"), "1");
}

TEST_F(ProsecutionReadsTest, RacingCaseAndProsecutionChangesLeaveNoDrift) {
  const std::string case_id = make_case("RM-3");
  const std::string a = make_prosecution(case_id, "First");
  const std::string b = make_prosecution(case_id, "Second");
  std::vector<std::string> failures;
  std::mutex failures_mutex;
  auto note = [&](const std::string& what) {
    std::lock_guard lock(failures_mutex);
    failures.push_back(what);
  };
  // One thread changes the case (each change refreshes both prosecutions), the others change
  // the prosecutions themselves, all at once.
  std::thread case_writer([&] {
    for (int i = 0; i < 30; ++i) {
      CasePatch patch;
      patch.assigned_dda_ids = i % 2 == 0 ? std::vector<std::string>{staff_[2]} : std::vector<std::string>{};
      patch.lead_dda_id = staff_[i % 2];
      if (auto r = cases_->patch_case(case_id, std::nullopt, patch, anyone_, audit("case.update")); !r)
        note("patch_case: " + r.error().message);
    }
  });
  auto charge_writer = [&](const std::string& pid) {
    for (int i = 0; i < 15; ++i) {
      NewCharge ch;
      ch.statute = "PC 266i(a)";
      ch.filed_on = sys_days(year(2026) / 3 / 3);
      std::string id;
      if (auto r = cases_->add_charge(pid, ch, time_point_cast<microseconds>(system_clock::now()), anyone_,
                                      audit("charge.create"), id, nullptr);
          !r)
        note("add_charge: " + r.error().message);
    }
  };
  std::thread on_a(charge_writer, a);
  std::thread on_b(charge_writer, b);
  case_writer.join();
  on_a.join();
  on_b.join();
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_EQ(read(a).snapshot.charges.size(), 15u);
  EXPECT_EQ(read(b).snapshot.charges.size(), 15u);
  expect_consistent(a, "after the race");
  expect_consistent(b, "after the race");
}

}  // namespace
}  // namespace heat::db

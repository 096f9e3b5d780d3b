// The dashboard's aggregates in PostgreSQL (V0008's triggers and summary tables, read by
// db/metrics_store.cpp) equal the engine's reference computation (compute_prosecution_metrics)
// over the same generated prosecutions: for every grouping, for periods aligned to quarters and
// not, for a unit's scope; after further events (a mistrial, a refiling) in later transactions;
// and a set-wise rebuild gives the very same summary rows as the incremental upkeep.
#include "db/case_store.hpp"
#include "db/field_cipher.hpp"
#include "db/metrics_store.hpp"
#include "db/pool.hpp"
#include "engine/court_calendar.hpp"
#include "engine/metrics.hpp"
#include "engine/statutes.hpp"
#include "tests/support/app_fixture.hpp"
#include "workflows/prosecution_events.hpp"

#include <gtest/gtest.h>

#include <random>

namespace heat::db {
namespace {

using namespace std::chrono;

// A FieldCipher the prosecution tests never call (victim counts have their own HTTP test).
struct NoCipher final : FieldCipher {
  Result<std::string> seal(std::string_view) const override { return Error::of(ErrorCode::internal, "unused"); }
  Result<std::string> open(std::string_view) const override { return Error::of(ErrorCode::internal, "unused"); }
  const std::string& current_key_id() const override { return id_; }
  std::string id_ = "none";
};

struct Script {
  std::vector<std::string> events;
  Stage stage;
  ConcludedBy by;
};

// Every way a prosecution ends up, including the ones that move backwards.
const std::vector<Script> kScripts = {
    {{}, Stage::referred, ConcludedBy::none},
    {{"decline"}, Stage::declined, ConcludedBy::none},
    {{"decline", "reopen"}, Stage::referred, ConcludedBy::none},
    {{"file_complaint"}, Stage::charged, ConcludedBy::none},
    {{"indict", "arraign"}, Stage::pretrial, ConcludedBy::none},
    {{"file_complaint", "arraign", "plead_guilty"}, Stage::convicted, ConcludedBy::plea},
    {{"file_complaint", "book", "arraign", "plead_guilty", "release", "sentence"}, Stage::sentenced, ConcludedBy::plea},
    {{"file_complaint", "arraign", "hold_to_answer", "arraign_on_information", "start_trial", "verdict_guilty"},
     Stage::convicted, ConcludedBy::verdict},
    {{"file_complaint", "arraign", "hold_to_answer", "arraign_on_information", "start_trial", "verdict_guilty",
      "sentence"},
     Stage::sentenced, ConcludedBy::verdict},
    {{"file_complaint", "arraign", "hold_to_answer", "arraign_on_information", "start_trial", "verdict_not_guilty"},
     Stage::acquitted, ConcludedBy::acquittal},
    {{"file_complaint", "arraign", "hold_to_answer", "arraign_on_information", "start_trial", "mistrial"},
     Stage::pretrial, ConcludedBy::none},
    {{"file_complaint", "arraign", "hold_to_answer", "arraign_on_information", "start_trial", "mistrial",
      "plead_guilty"},
     Stage::convicted, ConcludedBy::plea},
    {{"file_complaint", "arraign", "dismiss"}, Stage::dismissed, ConcludedBy::dismissal},
    {{"file_complaint", "arraign", "dismiss", "refile"}, Stage::charged, ConcludedBy::none},
    {{"file_complaint", "arraign", "dismiss", "refile", "arraign", "plead_guilty"}, Stage::convicted,
     ConcludedBy::plea},
    {{"file_complaint", "arraign", "hold_to_answer", "arraign_on_information", "start_trial"}, Stage::trial,
     ConcludedBy::none},
};

const std::vector<std::string> kLeadStatutes = {"PC 236.1(c)(1)", "PC 236.1(b)", "PC 236.1(a)", "PC 266h(a)",
                                                "PC 311.4(b)",    "PC 288(a)",   "PC 647(l)",   "PC 186.10"};

class MetricsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::migrate(database_);
    test::add_one_user_per_role(database_);
    auto pool = Pool::open(database_.url(), 2);
    ASSERT_TRUE(pool) << pool.error().message;
    pool_ = std::move(*pool);
    cases_ = std::make_unique<PgCaseStore>(*pool_);
    metrics_ = std::make_unique<PgMetricsStore>(*pool_, cipher_);
    for (const char* name : {"dda1", "supervisor1", "dda2"})
      ddas_.push_back(database_.query_value(std::string("SELECT id::text FROM users WHERE username = '") + name + "'"));
  }

  AuditEntry audit(const std::string& action) const {
    AuditEntry a;
    a.at = time_point_cast<microseconds>(system_clock::now());
    a.actor_id = ddas_[0];
    a.actor_username = "dda1";
    a.action = action;
    a.outcome = "success";
    return a;
  }

  // Applies one lifecycle event at `when`; returns false (with a test failure) when refused.
  bool apply(const std::string& pid, const std::string& name, TimePoint when) {
    lifecycle::LifecycleEvent e;
    e.name = name;
    e.occurred_at = when;
    e.court_date = *CourtCalendar::local_date(when);
    if (name == "sentence") {
      auto current = cases_->get_prosecution(pid);
      if (current && *current)
        for (const auto& c : (*current)->snapshot.charges)
          if (is_conviction(c.disposition)) e.sentences[c.id] = R"({"prison_years":4})";
    }
    auto r = cases_->apply_event(pid, std::nullopt, lifecycle::decider_for(e), anyone_, audit("prosecution.event"),
                                 nullptr);
    EXPECT_TRUE(r) << name << ": " << (r ? "" : r.error().message);
    return static_cast<bool>(r);
  }

  // One generated prosecution and what the reference computation must see of it.
  struct Generated {
    std::string id;
    ProsecutionFacts facts;
    sys_days referral{};
    TimePoint last{};
  };

  // Creates a case with one prosecution in `unit`, led by `dda`, and plays `script` from `start`.
  Generated make(int n, const std::string& unit, const std::string& dda, const Script& script, TimePoint start,
                 std::mt19937& rng) {
    Generated g;
    NewCase nc;
    nc.da_number = "MT-" + std::to_string(100000 + n);
    nc.title = "People v. Test " + std::to_string(n);
    nc.unit = unit;
    nc.referring_agency = "Oakland PD";
    nc.referral_date = floor<days>(start) - days(3 + n % 5);
    nc.lead_dda_id = dda;
    auto c = cases_->create_case(nc, audit("case.create"), nullptr);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    NewProsecution np;
    np.case_id = c->id;
    np.person.name = "Defendant " + std::to_string(n);
    auto p = cases_->create_prosecution(np, anyone_, audit("prosecution.create"), nullptr);
    EXPECT_TRUE(p);
    g.id = p->id;
    g.referral = nc.referral_date;
    g.facts.unit = unit;
    g.facts.dda_id = dda;
    TimePoint when = start;
    const bool charged = !script.events.empty() && script.events[0] != "decline";
    if (charged) {
      const std::string lead = kLeadStatutes[rng() % kLeadStatutes.size()];
      std::vector<NewCharge> counts(1 + rng() % 2);
      counts[0].statute = lead;
      if (counts.size() > 1) counts[1].statute = "PC 266i(a)";
      if (lead.rfind("PC 236.1", 0) == 0 && rng() % 2 == 0) counts[0].enhancements = {"PC 236.4(b)"};
      counts[0].count = 1 + static_cast<int>(rng() % 3);
      const auto& catalog = StatuteCatalog::builtin();
      g.facts.statute_category = catalog.find(lead)->category;
      for (auto& ch : counts) {
        ch.filed_on = floor<days>(when);
        std::string charge_id;
        EXPECT_TRUE(cases_->add_charge(g.id, ch, when, anyone_, audit("charge.create"), charge_id, nullptr));
        if (catalog.find(ch.statute)->prop35) g.facts.prop35_charge_count += ch.count.value_or(1);
        for (const auto& e : ch.enhancements)
          if (catalog.find(e)->prop35) g.facts.prop35_charge_count += 1;
      }
    }
    for (std::size_t i = 0; i < script.events.size(); ++i) {
      const std::string& name = script.events[i];
      apply(g.id, name, when);
      const auto local = *CourtCalendar::local_date(when);
      if ((name == "file_complaint" || name == "indict") && !g.facts.charged_on) g.facts.charged_on = local;
      if (name == "plead_guilty" || name == "verdict_guilty" || name == "verdict_not_guilty" || name == "dismiss")
        g.facts.concluded_on = local;
      if (name == "mistrial" || name == "refile") g.facts.concluded_on.reset();
      g.last = when;
      // Hours as well as days, so some events fall before and some after midnight in court time.
      when += hours(24 * static_cast<int>(1 + rng() % 150) + static_cast<int>(rng() % 24));
    }
    g.facts.stage = script.stage;
    g.facts.concluded_by = script.by;
    if (!counts_as_concluded(script.stage)) g.facts.concluded_on.reset();
    return g;
  }

  static sys_days period_date(const Generated& g) { return g.facts.charged_on.value_or(g.referral); }

  void expect_matches(const std::vector<Generated>& all, const MetricsQuery& q, const std::string& what) {
    std::vector<ProsecutionFacts> rows;
    for (const auto& g : all) {
      const sys_days d = period_date(g);
      if (q.from && d < *q.from) continue;
      if (q.to && d > *q.to) continue;
      if (q.unit && g.facts.unit != *q.unit) continue;
      rows.push_back(g.facts);
    }
    const ProsecutionMetrics expected = compute_prosecution_metrics(rows, q.group_by);
    auto got = metrics_->prosecution_metrics(q);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->metrics.total, expected.total) << what << " group_by " << to_string(q.group_by);
    ASSERT_EQ(got->metrics.groups.size(), expected.groups.size()) << what << " group_by " << to_string(q.group_by);
    for (std::size_t i = 0; i < expected.groups.size(); ++i) {
      EXPECT_EQ(got->metrics.groups[i].key, expected.groups[i].key) << what;
      EXPECT_EQ(got->metrics.groups[i].counts, expected.groups[i].counts)
          << what << " group_by " << to_string(q.group_by) << " key " << expected.groups[i].key;
    }
  }

  void expect_all_match(const std::vector<Generated>& all, const std::string& what) {
    const std::vector<std::pair<std::optional<sys_days>, std::optional<sys_days>>> periods = {
        {std::nullopt, std::nullopt},
        {sys_days{year{2024} / January / 1}, sys_days{year{2025} / June / 30}},   // whole quarters
        {sys_days{year{2023} / November / 17}, sys_days{year{2025} / February / 3}},  // partial at both ends
        {sys_days{year{2024} / May / 2}, std::nullopt},
        {std::nullopt, sys_days{year{2024} / August / 31}},
        {sys_days{year{2024} / March / 5}, sys_days{year{2024} / March / 20}},  // within one quarter
    };
    for (const auto& [from, to] : periods)
      for (auto g : {MetricGroupBy::none, MetricGroupBy::year, MetricGroupBy::quarter, MetricGroupBy::unit,
                     MetricGroupBy::dda, MetricGroupBy::statute_category})
        for (const std::optional<std::string>& unit : {std::optional<std::string>(), std::optional<std::string>("ht")}) {
          MetricsQuery q;
          q.from = from;
          q.to = to;
          q.unit = unit;
          q.group_by = g;
          expect_matches(all, q, what + (from ? " from " + format_date(*from) : "") + (to ? " to " + format_date(*to) : "") +
                                      (unit ? " unit " + *unit : ""));
        }
  }

  // The incrementally kept summaries equal a set-wise rebuild from the base tables.
  void expect_summaries_equal_rebuild() {
    // Rows counting nothing may stay behind after a move; a rebuild does not make them.
    const std::vector<std::pair<std::string, std::string>> tables = {
        {"metric_prosecution_facts", ""},
        {"metric_counts", " WHERE n <> 0"},
        {"metric_counts_dda", " WHERE n <> 0"},
        {"metric_counts_category", " WHERE n <> 0"},
        {"metric_pending_dda", " WHERE n <> 0"},
        {"metric_pending_dda_category", " WHERE n <> 0"},
        {"metric_days", " WHERE n <> 0"},
        {"metric_days_unit", " WHERE n <> 0"},
        {"metric_days_dda", " WHERE n <> 0"},
        {"metric_days_category", " WHERE n <> 0"},
        {"metric_pending_dda_all", " WHERE dated + undated <> 0"},
        {"metric_pending_ddas", " WHERE ddas <> 0"},
        {"metric_pending_dda_quarters", " WHERE NOT isempty(quarters)"}};
    for (const auto& [t, zero] : tables)
      database_.exec("CREATE TABLE mt_" + t + " AS SELECT * FROM " + t + zero);
    ASSERT_TRUE(metrics_->rebuild());
    for (const auto& [t, zero] : tables) {
      EXPECT_NE(database_.query_value("SELECT count(*) FROM " + t + zero), "0") << t;
      EXPECT_EQ(database_.query_value("SELECT count(*) FROM ((SELECT * FROM mt_" + t + " EXCEPT SELECT * FROM " + t +
                                      ") UNION ALL (SELECT * FROM " + t + " EXCEPT SELECT * FROM mt_" + t + ")) x"),
                "0")
          << t;
      database_.exec("DROP TABLE mt_" + t);
    }
  }

  test::TestDatabase database_;
  NoCipher cipher_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<PgCaseStore> cases_;
  std::unique_ptr<PgMetricsStore> metrics_;
  std::vector<std::string> ddas_;
  const Authorizer anyone_ = [](const RecordContext&) -> Status { return {}; };
};

TEST_F(MetricsStoreTest, EmptyDatabaseHasZeroCountsAndNullRates) {
  for (auto g : {MetricGroupBy::none, MetricGroupBy::quarter, MetricGroupBy::dda}) {
    MetricsQuery q;
    q.group_by = g;
    auto got = metrics_->prosecution_metrics(q);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->metrics, compute_prosecution_metrics({}, g));
    EXPECT_FALSE(got->metrics.total.conviction_rate.has_value());
    EXPECT_FALSE(got->metrics.total.median_days_to_disposition.has_value());
    EXPECT_TRUE(got->metrics.groups.empty());
  }
}

TEST_F(MetricsStoreTest, TheStatuteTableIsTheEnginesCatalog) {
  const auto& catalog = StatuteCatalog::builtin();
  EXPECT_EQ(database_.query_value("SELECT count(*) FROM metric_statutes"), std::to_string(catalog.all().size()));
  for (const auto& s : catalog.all()) {
    EXPECT_EQ(database_.query_value("SELECT category || '|' || prop35::text FROM metric_statutes WHERE statute = '" +
                                    s.code + "'"),
              s.category + "|" + (s.prop35 ? "true" : "false"))
        << s.code;
  }
}

TEST_F(MetricsStoreTest, AggregatesEqualTheReferenceComputationIncludingLaterEvents) {
  std::mt19937 rng(20260909);
  std::vector<Generated> all;
  const std::vector<std::string> units = {"ht", "ht", "sx"};
  const TimePoint base = sys_days{year{2023} / June / 1} + hours(3);  // 20:00 the day before in court time
  int n = 0;
  for (int round = 0; round < 4; ++round)
    for (const auto& script : kScripts) {
      const std::string unit = units[rng() % units.size()];
      const std::string dda = unit == "sx" ? ddas_[2] : ddas_[rng() % 2];
      const TimePoint start = base + hours(24 * static_cast<int>(rng() % 900) + static_cast<int>(rng() % 24));
      all.push_back(make(n++, unit, dda, script, start, rng));
    }
  expect_all_match(all, "initial");
  expect_summaries_equal_rebuild();

  // Later transactions move prosecutions backwards and forwards: every one on trial gets a
  // mistrial, every dismissed one is refiled, and every Charged one is arraigned. The
  // aggregates follow within each event's own transaction.
  for (auto& g : all) {
    const TimePoint when = g.last + days(30);
    if (g.facts.stage == Stage::trial) {
      apply(g.id, "mistrial", when);
      g.facts.stage = Stage::pretrial;
    } else if (g.facts.stage == Stage::dismissed) {
      apply(g.id, "refile", when);
      g.facts.stage = Stage::charged;
      g.facts.concluded_by = ConcludedBy::none;
      g.facts.concluded_on.reset();
    } else if (g.facts.stage == Stage::pretrial) {
      apply(g.id, "plead_guilty", when);
      g.facts.stage = Stage::convicted;
      g.facts.concluded_by = ConcludedBy::plea;
      g.facts.concluded_on = *CourtCalendar::local_date(when);
    }
  }
  expect_all_match(all, "after later events");

  // A case moved to another lead DDA moves its prosecutions between DDA groups.
  database_.exec("UPDATE cases SET lead_dda_id = '" + ddas_[1] + "' WHERE da_number = 'MT-100000'");
  all[0].facts.dda_id = ddas_[1];
  // And DDAs who lead in two units count once over all units: every other sx case moves to
  // ht's DDAs (pending ones included, so they share quarters with ht's pending prosecutions).
  int moved = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].facts.unit != "sx" || i % 2 == 0) continue;
    const std::string to = ddas_[moved++ % 2];
    database_.exec("UPDATE cases SET lead_dda_id = '" + to + "' WHERE da_number = 'MT-" + std::to_string(100000 + i) +
                   "'");
    all[i].facts.dda_id = to;
  }
  EXPECT_GT(moved, 3);
  expect_all_match(all, "after reassignment");
  expect_summaries_equal_rebuild();
}

}  // namespace
}  // namespace heat::db

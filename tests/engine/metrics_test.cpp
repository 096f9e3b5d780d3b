#include "engine/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace heat {
namespace {

using std::chrono::sys_days;

sys_days day(int y, unsigned m, unsigned d) {
  return sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// ---------------------------------------------------------------------------------------
// Definitions

TEST(MetricDefinitions, CoverEveryDashboardMetricWithItsParts) {
  const std::vector<std::string> required = {
      "charged",          "pending",           "concluded",
      "convicted",        "convicted_by_plea", "convicted_by_verdict",
      "acquitted",        "dismissed",         "declined",
      "conviction_rate",  "median_days_to_disposition", "p90_days_to_disposition",
      "caseload_per_dda", "prop35_charges_filed",       "victims_served",
      "minors",           "victims_by_gender", "victims_by_race_ethnicity",
      "victims_by_residence", "service_plan_outcomes", "safety_net_youths_reviewed",
      "revictimization"};
  std::vector<std::string> ids;
  for (const auto& d : metric_definitions()) ids.push_back(d.id);
  EXPECT_EQ(ids, required);  // exactly these, in dashboard order
  for (const auto& d : metric_definitions()) {
    SCOPED_TRACE(d.id);
    EXPECT_GE(d.version, 1);
    EXPECT_FALSE(d.title.empty());
    EXPECT_FALSE(d.formula.empty());
    EXPECT_FALSE(d.exclusions.empty());
    EXPECT_FALSE(d.unit.empty());
    const bool about_victims = d.unit == "victims" || d.unit == "youths" || d.unit == "service-plan items";
    EXPECT_EQ(d.suppressed, about_victims);
    if (d.suppressed) {
      EXPECT_NE(d.formula.find("<11"), std::string::npos);
    }
  }
  EXPECT_EQ(kDefinitionsVersion, 1);
}

TEST(MetricDefinitions, ConvictionRateStatesItsDenominatorAndNull) {
  const MetricDefinition* rate = find_metric_definition("conviction_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_NE(rate->formula.find("convicted ÷ concluded"), std::string::npos);
  EXPECT_NE(rate->exclusions.find("Null"), std::string::npos);
  EXPECT_EQ(rate->unit, "ratio");
  EXPECT_EQ(find_metric_definition("no_such_metric"), nullptr);
  const MetricDefinition* residence = find_metric_definition("victims_by_residence");
  ASSERT_NE(residence, nullptr);
  EXPECT_NE(residence->formula.find("Stanislaus"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Stage classification: one row per stage, as DESIGN.md defines it.

TEST(MetricStageClassification, FollowsDesign) {
  struct Row {
    Stage stage;
    bool charged, pending, concluded, convicted;
  };
  // clang-format off
  const Row rows[] = {
    // stage                 charged pending concluded convicted
    {Stage::referred,        false,  false,  false,    false},
    {Stage::declined,        false,  false,  false,    false},
    {Stage::charged,         true,   true,   false,    false},
    {Stage::arraigned,       true,   true,   false,    false},
    {Stage::held_to_answer,  true,   true,   false,    false},
    {Stage::pretrial,        true,   true,   false,    false},
    {Stage::trial,           true,   true,   false,    false},
    {Stage::convicted,       true,   false,  true,     true},
    {Stage::acquitted,       true,   false,  true,     false},
    {Stage::dismissed,       true,   false,  true,     false},
    {Stage::sentenced,       true,   false,  true,     true},
  };
  // clang-format on
  ASSERT_EQ(std::size(rows), kAllStages.size());
  for (const auto& r : rows) {
    SCOPED_TRACE(to_string(r.stage));
    EXPECT_EQ(counts_as_charged(r.stage), r.charged);
    EXPECT_EQ(counts_as_pending(r.stage), r.pending);
    EXPECT_EQ(counts_as_concluded(r.stage), r.concluded);
    EXPECT_EQ(counts_as_convicted(r.stage), r.convicted);
  }
}

TEST(MetricEnums, StringsRoundTripAndRejectOthers) {
  for (auto c : {ConcludedBy::none, ConcludedBy::plea, ConcludedBy::verdict, ConcludedBy::acquittal,
                 ConcludedBy::dismissal}) {
    EXPECT_EQ(parse_concluded_by(to_string(c)).value(), c);
  }
  for (auto g : {MetricGroupBy::none, MetricGroupBy::year, MetricGroupBy::quarter, MetricGroupBy::unit,
                 MetricGroupBy::dda, MetricGroupBy::statute_category}) {
    EXPECT_EQ(parse_metric_group_by(to_string(g)).value(), g);
  }
  auto bad = parse_metric_group_by("Quarter");
  ASSERT_TRUE(bad.has_error());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  ASSERT_EQ(bad.error().fields.size(), 1u);
  EXPECT_EQ(bad.error().fields[0].field, "group_by");
  auto bad2 = parse_concluded_by("guilty");
  ASSERT_TRUE(bad2.has_error());
  EXPECT_EQ(bad2.error().fields.at(0).field, "concluded_by");
}

TEST(MetricLabels, YearAndQuarter) {
  EXPECT_EQ(year_label(day(2026, 7, 1)), "2026");
  EXPECT_EQ(quarter_label(day(2026, 1, 1)), "2026-Q1");
  EXPECT_EQ(quarter_label(day(2026, 3, 31)), "2026-Q1");
  EXPECT_EQ(quarter_label(day(2026, 4, 1)), "2026-Q2");
  EXPECT_EQ(quarter_label(day(2026, 7, 15)), "2026-Q3");
  EXPECT_EQ(quarter_label(day(2026, 9, 30)), "2026-Q3");
  EXPECT_EQ(quarter_label(day(2026, 12, 31)), "2026-Q4");
}

TEST(MetricPercentile, MedianAndP90OnOddAndEvenCounts) {
  EXPECT_EQ(percentile_cont({}, 0.5), std::nullopt);
  EXPECT_DOUBLE_EQ(*percentile_cont({42}, 0.5), 42.0);
  EXPECT_DOUBLE_EQ(*percentile_cont({42}, 0.9), 42.0);
  // Odd: the middle value; p90 at position 0.9 × 2 = 1.8.
  EXPECT_DOUBLE_EQ(*percentile_cont({30, 10, 20}, 0.5), 20.0);
  EXPECT_DOUBLE_EQ(*percentile_cont({30, 10, 20}, 0.9), 28.0);
  // Even: the mean of the two middle values; p90 at position 2.7.
  EXPECT_DOUBLE_EQ(*percentile_cont({40, 10, 30, 20}, 0.5), 25.0);
  EXPECT_DOUBLE_EQ(*percentile_cont({40, 10, 30, 20}, 0.9), 37.0);
  // Ten values 1..10: p90 at position 8.1.
  EXPECT_DOUBLE_EQ(*percentile_cont({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 9.1);
  EXPECT_DOUBLE_EQ(*percentile_cont({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5), 5.5);
}

// ---------------------------------------------------------------------------------------
// Prosecution metrics

struct Expected {
  std::int64_t charged = 0, pending = 0, concluded = 0, convicted = 0, plea = 0, verdict = 0, acquitted = 0,
               dismissed = 0, declined = 0, prop35 = 0;
  std::optional<double> rate, median, p90, caseload;
};

void expect_optional_near(const std::optional<double>& got, const std::optional<double>& want, const char* what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(got.has_value(), want.has_value());
  if (want) {
    EXPECT_NEAR(*got, *want, 1e-9);
  }
}

void expect_counts(const ProsecutionCounts& c, const Expected& e) {
  EXPECT_EQ(c.charged, e.charged);
  EXPECT_EQ(c.pending, e.pending);
  EXPECT_EQ(c.concluded, e.concluded);
  EXPECT_EQ(c.convicted, e.convicted);
  EXPECT_EQ(c.convicted_by_plea, e.plea);
  EXPECT_EQ(c.convicted_by_verdict, e.verdict);
  EXPECT_EQ(c.acquitted, e.acquitted);
  EXPECT_EQ(c.dismissed, e.dismissed);
  EXPECT_EQ(c.declined, e.declined);
  EXPECT_EQ(c.prop35_charges_filed, e.prop35);
  expect_optional_near(c.conviction_rate, e.rate, "conviction_rate");
  expect_optional_near(c.median_days_to_disposition, e.median, "median");
  expect_optional_near(c.p90_days_to_disposition, e.p90, "p90");
  expect_optional_near(c.caseload_per_dda, e.caseload, "caseload_per_dda");
}

TEST(ProsecutionMetrics, EmptyHasNullRateNotZeroOrNaN) {
  for (auto g : {MetricGroupBy::none, MetricGroupBy::quarter, MetricGroupBy::dda}) {
    const auto m = compute_prosecution_metrics({}, g);
    expect_counts(m.total, Expected{});
    EXPECT_FALSE(m.total.conviction_rate.has_value());
    EXPECT_TRUE(m.groups.empty());
  }
}

TEST(ProsecutionMetrics, OnlyPendingAndDeclinedHasNullRate) {
  const std::vector<ProsecutionFacts> rows = {
      {Stage::declined, {}, {}, ConcludedBy::none, "HT", "", "", 0},
      {Stage::trial, day(2026, 1, 5), {}, ConcludedBy::none, "HT", "d1", "sex trafficking", 1},
  };
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::none);
  expect_counts(m.total, {.charged = 1, .pending = 1, .declined = 1, .prop35 = 1, .caseload = 1.0});
}

TEST(ProsecutionMetrics, AllDismissedHasRateZero) {
  const std::vector<ProsecutionFacts> rows = {
      {Stage::dismissed, day(2026, 1, 5), day(2026, 1, 15), ConcludedBy::dismissal, "HT", "d1", "x", 0},
  };
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::none);
  expect_counts(m.total,
                {.charged = 1, .concluded = 1, .dismissed = 1, .rate = 0.0, .median = 10.0, .p90 = 10.0});
}

// Nine prosecutions: every concluded kind, two that moved backwards (a mistrial back in
// Pretrial; a dismissal refiled, still carrying its stale conclusion date), a declined and a
// referred one, and one without a lead DDA.
std::vector<ProsecutionFacts> nine_prosecutions() {
  return {
      // stage              charged_on         concluded_on       concluded_by            unit        dda   category                       prop35
      {Stage::sentenced, day(2025, 11, 3), day(2026, 2, 11), ConcludedBy::plea, "HT-North", "d1", "sex trafficking", 2},  // 100 days
      {Stage::convicted, day(2026, 1, 15), day(2026, 7, 15), ConcludedBy::verdict, "HT-North", "d2", "sex trafficking of a minor", 1},  // 181
      {Stage::acquitted, day(2026, 2, 1), day(2026, 3, 3), ConcludedBy::acquittal, "HT-South", "d1", "pimping/pandering", 0},  // 30
      {Stage::dismissed, day(2026, 4, 10), day(2026, 4, 20), ConcludedBy::dismissal, "HT-South", "d2", "pimping/pandering", 0},  // 10
      {Stage::pretrial, day(2026, 4, 1), {}, ConcludedBy::none, "HT-North", "d1", "sex trafficking", 3},  // mistrial
      {Stage::charged, day(2026, 7, 20), day(2026, 8, 1), ConcludedBy::dismissal, "HT-South", "d2", "pimping/pandering", 1},  // refiled
      {Stage::declined, {}, {}, ConcludedBy::none, "HT-North", "", "", 0},
      {Stage::referred, {}, {}, ConcludedBy::none, "HT-South", "d1", "sex trafficking", 0},
      {Stage::trial, day(2026, 8, 5), {}, ConcludedBy::none, "HT-North", "", "labor trafficking", 1},
  };
}

const Expected kNineTotal{.charged = 7, .pending = 3, .concluded = 4, .convicted = 2, .plea = 1, .verdict = 1,
                          .acquitted = 1, .dismissed = 1, .declined = 1, .prop35 = 8, .rate = 0.5,
                          .median = 65.0, .p90 = 156.7, .caseload = 1.5};

TEST(ProsecutionMetrics, TotalsIncludingMistrialAndRefileAsPending) {
  const auto rows = nine_prosecutions();
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::none);
  expect_counts(m.total, kNineTotal);
  EXPECT_TRUE(m.groups.empty());
}

TEST(ProsecutionMetrics, ConclusionUndoneByRefileLeavesConcludedAndRate) {
  auto rows = nine_prosecutions();
  rows[3].stage = Stage::charged;  // the dismissal is refiled
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::none);
  EXPECT_EQ(m.total.pending, 4);
  EXPECT_EQ(m.total.concluded, 3);
  EXPECT_EQ(m.total.dismissed, 0);
  EXPECT_NEAR(*m.total.conviction_rate, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(*m.total.median_days_to_disposition, 100.0, 1e-9);  // {30, 100, 181}
}

void expect_groups(const ProsecutionMetrics& m, const std::vector<std::pair<std::string, Expected>>& want) {
  ASSERT_EQ(m.groups.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("group " + want[i].first);
    EXPECT_EQ(m.groups[i].key, want[i].first);
    expect_counts(m.groups[i].counts, want[i].second);
  }
}

TEST(ProsecutionMetrics, GroupByQuarterOfCharging) {
  const auto rows = nine_prosecutions();
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::quarter);
  expect_counts(m.total, kNineTotal);
  expect_groups(m, {
      {"2025-Q4", {.charged = 1, .concluded = 1, .convicted = 1, .plea = 1, .prop35 = 2, .rate = 1.0,
                   .median = 100.0, .p90 = 100.0}},
      {"2026-Q1", {.charged = 2, .concluded = 2, .convicted = 1, .verdict = 1, .acquitted = 1, .prop35 = 1,
                   .rate = 0.5, .median = 105.5, .p90 = 165.9}},
      {"2026-Q2", {.charged = 2, .pending = 1, .concluded = 1, .dismissed = 1, .prop35 = 3, .rate = 0.0,
                   .median = 10.0, .p90 = 10.0, .caseload = 1.0}},
      {"2026-Q3", {.charged = 2, .pending = 2, .prop35 = 2, .caseload = 2.0}},  // nothing concluded: null rate
  });
}

TEST(ProsecutionMetrics, GroupByYearOfCharging) {
  const auto rows = nine_prosecutions();
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::year);
  expect_groups(m, {
      {"2025", {.charged = 1, .concluded = 1, .convicted = 1, .plea = 1, .prop35 = 2, .rate = 1.0,
                .median = 100.0, .p90 = 100.0}},
      {"2026", {.charged = 6, .pending = 3, .concluded = 3, .convicted = 1, .verdict = 1, .acquitted = 1,
                .dismissed = 1, .prop35 = 6, .rate = 1.0 / 3.0, .median = 30.0, .p90 = 150.8, .caseload = 1.5}},
  });
}

TEST(ProsecutionMetrics, GroupByUnit) {
  const auto rows = nine_prosecutions();
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::unit);
  expect_groups(m, {
      {"HT-North", {.charged = 4, .pending = 2, .concluded = 2, .convicted = 2, .plea = 1, .verdict = 1,
                    .declined = 1, .prop35 = 7, .rate = 1.0, .median = 140.5, .p90 = 172.9, .caseload = 2.0}},
      {"HT-South", {.charged = 3, .pending = 1, .concluded = 2, .acquitted = 1, .dismissed = 1, .prop35 = 1,
                    .rate = 0.0, .median = 20.0, .p90 = 28.0, .caseload = 1.0}},
  });
}

TEST(ProsecutionMetrics, GroupByDdaKeepsUnassignedAsEmptyKey) {
  const auto rows = nine_prosecutions();
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::dda);
  expect_groups(m, {
      {"", {.charged = 1, .pending = 1, .declined = 1, .prop35 = 1}},
      {"d1", {.charged = 3, .pending = 1, .concluded = 2, .convicted = 1, .plea = 1, .acquitted = 1, .prop35 = 5,
              .rate = 0.5, .median = 65.0, .p90 = 93.0, .caseload = 1.0}},
      {"d2", {.charged = 3, .pending = 1, .concluded = 2, .convicted = 1, .verdict = 1, .dismissed = 1,
              .prop35 = 2, .rate = 0.5, .median = 95.5, .p90 = 163.9, .caseload = 1.0}},
  });
}

TEST(ProsecutionMetrics, GroupByStatuteCategory) {
  const auto rows = nine_prosecutions();
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::statute_category);
  expect_groups(m, {
      {"", {.declined = 1}},
      {"labor trafficking", {.charged = 1, .pending = 1, .prop35 = 1}},
      {"pimping/pandering", {.charged = 3, .pending = 1, .concluded = 2, .acquitted = 1, .dismissed = 1,
                             .prop35 = 1, .rate = 0.0, .median = 20.0, .p90 = 28.0, .caseload = 1.0}},
      {"sex trafficking", {.charged = 2, .pending = 1, .concluded = 1, .convicted = 1, .plea = 1, .prop35 = 5,
                           .rate = 1.0, .median = 100.0, .p90 = 100.0, .caseload = 1.0}},
      {"sex trafficking of a minor", {.charged = 1, .concluded = 1, .convicted = 1, .verdict = 1, .prop35 = 1,
                                      .rate = 1.0, .median = 181.0, .p90 = 181.0}},
  });
}

TEST(ProsecutionMetrics, DaysSkipMissingOrBackwardDates) {
  const std::vector<ProsecutionFacts> rows = {
      {Stage::sentenced, day(2026, 1, 1), day(2026, 1, 21), ConcludedBy::plea, "HT", "d1", "x", 0},   // 20
      {Stage::convicted, {}, day(2026, 1, 21), ConcludedBy::verdict, "HT", "d1", "x", 0},             // no charge date
      {Stage::acquitted, day(2026, 2, 1), {}, ConcludedBy::acquittal, "HT", "d1", "x", 0},            // no disposition date
      {Stage::dismissed, day(2026, 3, 1), day(2026, 2, 1), ConcludedBy::dismissal, "HT", "d1", "x", 0},  // backwards
      {Stage::dismissed, day(2026, 3, 1), day(2026, 3, 1), ConcludedBy::dismissal, "HT", "d1", "x", 0},  // 0
  };
  const auto m = compute_prosecution_metrics(rows, MetricGroupBy::none);
  EXPECT_EQ(m.total.concluded, 5);
  EXPECT_DOUBLE_EQ(*m.total.median_days_to_disposition, 10.0);  // {0, 20}
  EXPECT_DOUBLE_EQ(*m.total.p90_days_to_disposition, 18.0);
  EXPECT_EQ(m.total.convicted_by_plea + m.total.convicted_by_verdict, 2);
}

// ---------------------------------------------------------------------------------------
// Victims

TEST(MetricResidence, BucketsForAlameda) {
  const auto region = CountyRegion::alameda();
  struct Row {
    const char* county;
    const char* state;
    ResidenceBucket want;
  };
  // clang-format off
  const Row rows[] = {
    {"Alameda",              "CA",         ResidenceBucket::in_county},
    {"alameda county ",      "ca",         ResidenceBucket::in_county},
    {"Alameda",              "",           ResidenceBucket::in_county},
    {"Contra Costa",         "CA",         ResidenceBucket::neighbouring_county},
    {"San Joaquin",          "California", ResidenceBucket::neighbouring_county},
    {"Santa Clara County",   "CA",         ResidenceBucket::neighbouring_county},
    {"San Mateo",            "CA",         ResidenceBucket::neighbouring_county},
    {"San Francisco",        "CA",         ResidenceBucket::neighbouring_county},
    {"Stanislaus",           "CA",         ResidenceBucket::neighbouring_county},
    {"Los Angeles",          "CA",         ResidenceBucket::elsewhere_in_state},
    {"Sacramento",           "",           ResidenceBucket::elsewhere_in_state},
    {"Alameda",              "NV",         ResidenceBucket::out_of_state},
    {"Washoe",               "NV",         ResidenceBucket::out_of_state},
    {"",                     "OR",         ResidenceBucket::out_of_state},
    {"",                     "CA",         ResidenceBucket::unknown},
    {"",                     "",           ResidenceBucket::unknown},
  };
  // clang-format on
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string(r.county) + "/" + r.state);
    EXPECT_EQ(residence_bucket(region, r.county, r.state), r.want);
  }
  // The county and neighbours are parameters.
  const CountyRegion sf{"San Francisco", {"San Mateo", "Marin", "Alameda"}, "CA"};
  EXPECT_EQ(residence_bucket(sf, "Alameda", "CA"), ResidenceBucket::neighbouring_county);
  EXPECT_EQ(residence_bucket(sf, "Contra Costa", "CA"), ResidenceBucket::elsewhere_in_state);
}

TEST(MetricRevictimization, WithinTwelveMonthsAfterAConclusion) {
  auto v = [](std::vector<sys_days> concluded, std::vector<sys_days> referrals) {
    VictimFacts f;
    f.prosecutions_concluded_on = std::move(concluded);
    f.referrals_on = std::move(referrals);
    return f;
  };
  const auto c = day(2025, 3, 10);
  EXPECT_FALSE(is_revictimized(v({c}, {})));
  EXPECT_FALSE(is_revictimized(v({}, {day(2025, 6, 1)})));
  EXPECT_FALSE(is_revictimized(v({c}, {day(2024, 6, 1)})));   // the original referral, before
  EXPECT_FALSE(is_revictimized(v({c}, {c})));                  // same day: not a new referral
  EXPECT_TRUE(is_revictimized(v({c}, {day(2025, 3, 11)})));
  EXPECT_TRUE(is_revictimized(v({c}, {day(2026, 3, 10)})));    // exactly 12 months
  EXPECT_FALSE(is_revictimized(v({c}, {day(2026, 3, 11)})));   // 12 months and a day
  EXPECT_TRUE(is_revictimized(v({day(2024, 2, 29)}, {day(2025, 2, 28)})));
  EXPECT_FALSE(is_revictimized(v({day(2024, 2, 29)}, {day(2025, 3, 1)})));
  // Any pair counts: the second conclusion is followed by a referral in time.
  EXPECT_TRUE(is_revictimized(v({day(2020, 1, 1), day(2025, 1, 1)}, {day(2023, 1, 1), day(2025, 6, 1)})));
}

std::vector<VictimFacts> some_victims() {
  std::vector<VictimFacts> v;
  auto add = [&](std::string gender, std::string race, std::string county, std::string state,
                 std::optional<bool> minor) {
    VictimFacts f;
    f.gender = std::move(gender);
    f.race_ethnicity = std::move(race);
    f.residence_county = std::move(county);
    f.residence_state = std::move(state);
    f.minor_at_offense = minor;
    v.push_back(std::move(f));
    return &v.back();
  };
  add("female", "Black", "Alameda", "CA", true)->service_item_statuses = {"engaged", "completed"};
  add("female", "Latina", "Contra Costa", "CA", true)->safety_net_reviewed = true;
  add("male", "", "Fresno", "CA", false)->service_item_statuses = {"referred", "on hold"};
  add("", "Black", "", "", std::nullopt);
  add("nonbinary", "White", "Clark", "NV", false)->prosecutions_concluded_on = {day(2025, 1, 10)};
  auto* last = add("female", "Asian", "Alameda", "CA", true);
  last->prosecutions_concluded_on = {day(2025, 1, 10)};
  last->referrals_on = {day(2024, 5, 1), day(2025, 9, 1)};
  last->safety_net_reviewed = true;
  return v;
}

TEST(VictimMetrics, CountsOverallAndByCategory) {
  const auto rows = some_victims();
  const auto c = compute_victim_counts(rows, CountyRegion::alameda());
  EXPECT_EQ(c.victims_served, 6);
  EXPECT_EQ(c.by_gender, (std::vector<CategoryCount>{{"female", 3}, {"male", 1}, {"nonbinary", 1}, {"unknown", 1}}));
  EXPECT_EQ(c.by_race_ethnicity, (std::vector<CategoryCount>{
                                     {"Asian", 1}, {"Black", 2}, {"Latina", 1}, {"White", 1}, {"unknown", 1}}));
  EXPECT_EQ(c.by_residence, (std::vector<CategoryCount>{{"in_county", 2},
                                                        {"neighbouring_county", 1},
                                                        {"elsewhere_in_state", 1},
                                                        {"out_of_state", 1},
                                                        {"unknown", 1}}));
  EXPECT_EQ(c.by_minor_status, (std::vector<CategoryCount>{{"minor", 3}, {"adult", 2}, {"unknown", 1}}));
  EXPECT_EQ(c.service_plan_items, 4);
  EXPECT_EQ(c.service_plan_outcomes, (std::vector<CategoryCount>{{"referred", 1},
                                                                 {"engaged", 1},
                                                                 {"completed", 1},
                                                                 {"declined", 0},
                                                                 {"unknown", 1}}));
  EXPECT_EQ(c.safety_net_youths_reviewed, 2);
  EXPECT_EQ(c.revictimization_eligible, 2);
  EXPECT_EQ(c.revictimization, (std::vector<CategoryCount>{{"revictimized", 1}, {"not_revictimized", 1}}));
}

TEST(VictimMetrics, EmptyHasZeroCategoriesAllShown) {
  const auto c = compute_victim_counts({}, CountyRegion::alameda());
  EXPECT_EQ(c.victims_served, 0);
  EXPECT_EQ(c.by_gender.size(), 4u);
  EXPECT_EQ(c.by_race_ethnicity, (std::vector<CategoryCount>{{"unknown", 0}}));
  const auto d = suppress_victim_counts(c);
  EXPECT_EQ(d.victims_served, (DisplayCell{CellState::shown, 0}));
  EXPECT_EQ(d.minors, (DisplayCell{CellState::shown, 0}));
  for (const auto& [category, cell] : d.by_residence) EXPECT_EQ(cell.text(), "0") << category;
}

TEST(VictimMetrics, SmallDataSetIsAllSuppressed) {
  const auto rows = some_victims();
  const auto d = suppress_victim_counts(compute_victim_counts(rows, CountyRegion::alameda()));
  EXPECT_EQ(d.victims_served.text(), "<11");
  EXPECT_EQ(d.minors.text(), "<11");
  EXPECT_EQ(d.safety_net_youths_reviewed.text(), "<11");
  EXPECT_EQ(d.service_plan_outcomes.total.text(), "<11");
  EXPECT_EQ(d.service_plan_outcomes.items[3].second.text(), "0");  // declined: zero is shown
  for (const auto& [category, cell] : d.by_gender) EXPECT_EQ(cell.text(), "<11") << category;
}

TEST(VictimMetrics, ComplementarySuppressionAcrossSharedTotal) {
  VictimCounts c;
  c.victims_served = 60;
  c.by_gender = {{"female", 52}, {"male", 8}, {"nonbinary", 0}, {"unknown", 0}};
  c.by_race_ethnicity = {{"Black", 30}, {"Latina", 30}, {"unknown", 0}};
  c.by_residence = {{"in_county", 40}, {"neighbouring_county", 20}, {"elsewhere_in_state", 0},
                    {"out_of_state", 0}, {"unknown", 0}};
  c.by_minor_status = {{"minor", 45}, {"adult", 15}, {"unknown", 0}};
  c.service_plan_items = 0;
  c.service_plan_outcomes = {{"referred", 0}};
  c.safety_net_youths_reviewed = 12;
  c.revictimization_eligible = 20;
  c.revictimization = {{"revictimized", 3}, {"not_revictimized", 17}};
  const auto d = suppress_victim_counts(c);
  EXPECT_EQ(d.victims_served, (DisplayCell{CellState::shown, 60}));
  EXPECT_EQ(d.by_gender[0].second.text(), "suppressed");  // else 60 - 52 = 8 shows
  EXPECT_EQ(d.by_gender[1].second.text(), "<11");
  EXPECT_EQ(d.by_gender[2].second.text(), "0");
  EXPECT_EQ(d.by_race_ethnicity[0].second.text(), "30");
  EXPECT_EQ(d.minors.text(), "45");
  EXPECT_EQ(d.safety_net_youths_reviewed.text(), "12");
  EXPECT_EQ(d.revictimization.total.text(), "20");
  EXPECT_EQ(d.revictimization.items[0].second.text(), "<11");
  EXPECT_EQ(d.revictimization.items[1].second.text(), "suppressed");
}

// ---------------------------------------------------------------------------------------
// Suppression, hand-worked

std::string render(const DisplayTable& t) {
  std::string s;
  for (std::size_t r = 0; r < t.cells.size(); ++r) {
    for (const auto& c : t.cells[r]) s += c.text() + " ";
    s += "| " + t.row_totals[r].text() + "\n";
  }
  for (const auto& c : t.column_totals) s += c.text() + " ";
  s += "| " + t.grand_total.text();
  return s;
}

CountTable table_of(std::vector<std::vector<std::int64_t>> cells) {
  CountTable t;
  for (std::size_t r = 0; r < cells.size(); ++r) t.row_labels.push_back("r" + std::to_string(r));
  if (!cells.empty()) {
    for (std::size_t c = 0; c < cells[0].size(); ++c) t.column_labels.push_back("c" + std::to_string(c));
  }
  t.cells = std::move(cells);
  return t;
}

TEST(SuppressCell, TextAndLoneCounts) {
  EXPECT_EQ((DisplayCell{CellState::shown, 0}).text(), "0");
  EXPECT_EQ((DisplayCell{CellState::shown, 42}).text(), "42");
  EXPECT_EQ((DisplayCell{CellState::small, 0}).text(), "<11");
  EXPECT_EQ((DisplayCell{CellState::complementary, 0}).text(), "suppressed");
  EXPECT_EQ(suppress_count(0), (DisplayCell{CellState::shown, 0}));
  EXPECT_EQ(suppress_count(1), (DisplayCell{CellState::small, 0}));
  EXPECT_EQ(suppress_count(10), (DisplayCell{CellState::small, 0}));
  EXPECT_EQ(suppress_count(11), (DisplayCell{CellState::shown, 11}));
}

TEST(SuppressTable, OneSmallCellForcesComplementaryInRowAndColumn) {
  const auto t = suppress_table(table_of({{3, 20, 30}, {25, 40, 50}}));
  ASSERT_TRUE(t);
  EXPECT_EQ(render(*t),
            "<11 suppressed 30 | 53\n"
            "suppressed suppressed 50 | 115\n"
            "28 60 80 | 168");
  for (const auto& b : hidden_cell_bounds(*t)) EXPECT_FALSE(b.derivable()) << b.row << "," << b.column;
  // What the display lets one learn about the small cell: 1..10, no tighter.
  const auto bounds = hidden_cell_bounds(*t);
  ASSERT_EQ(bounds.size(), 4u);
  EXPECT_EQ(bounds[0], (HiddenCellBounds{0, 0, 1, 10}));
  EXPECT_EQ(bounds[1], (HiddenCellBounds{0, 1, 13, 22}));
  EXPECT_EQ(bounds[2], (HiddenCellBounds{1, 0, 18, 27}));
  EXPECT_EQ(bounds[3], (HiddenCellBounds{1, 1, 38, 47}));
}

TEST(SuppressTable, NoSmallCellsShowsEverything) {
  const auto t = suppress_table(table_of({{0, 20}, {30, 0}}));
  ASSERT_TRUE(t);
  EXPECT_EQ(render(*t), "0 20 | 20\n30 0 | 30\n30 20 | 50");
  EXPECT_TRUE(hidden_cell_bounds(*t).empty());
}

TEST(SuppressTable, SmallTotalsAreSuppressedAndZeroIsShown) {
  const auto t = suppress_table(table_of({{4, 3}, {0, 0}, {20, 30}}));
  ASSERT_TRUE(t);
  EXPECT_EQ(render(*t),
            "<11 <11 | <11\n"
            "0 0 | 0\n"
            "suppressed suppressed | suppressed\n"
            "24 33 | 57");
  for (const auto& b : hidden_cell_bounds(*t)) EXPECT_FALSE(b.derivable()) << b.row << "," << b.column;
}

TEST(SuppressTable, RejectsBadShapesAndNegativeCounts) {
  auto negative = suppress_table(table_of({{1, -2}}));
  ASSERT_TRUE(negative.has_error());
  EXPECT_EQ(negative.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(negative.error().fields.at(0).field, "cells");
  auto ragged = table_of({{1, 2}, {3, 4}});
  ragged.cells[1].pop_back();
  auto r = suppress_table(ragged);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().fields.at(0).field, "cells");
  auto labels = table_of({{1, 2}});
  labels.row_labels.push_back("extra");
  auto l = suppress_table(labels);
  ASSERT_TRUE(l.has_error());
  EXPECT_EQ(l.error().fields.at(0).field, "row_labels");
  auto sums = suppress_breakdowns(10, {{{"a", 4}, {"b", 5}}});
  ASSERT_TRUE(sums.has_error());
  EXPECT_EQ(sums.error().fields.at(0).field, "counts");
}

TEST(SuppressList, OneSmallCellHidesTheNextSmallest) {
  const std::vector<CategoryCount> counts = {{"a", 5}, {"b", 30}, {"c", 20}, {"d", 0}};
  const auto l = suppress_list(counts);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->total, (DisplayCell{CellState::shown, 55}));
  EXPECT_EQ(l->items[0].second.text(), "<11");
  EXPECT_EQ(l->items[1].second.text(), "30");
  EXPECT_EQ(l->items[2].second.text(), "suppressed");
  EXPECT_EQ(l->items[3].second.text(), "0");
  EXPECT_EQ(l->items[2].first, "c");
  for (const auto& b : hidden_cell_bounds(*l)) EXPECT_FALSE(b.derivable());
}

TEST(SuppressList, TwoSmallCellsNeedNothingMore) {
  const std::vector<CategoryCount> counts = {{"a", 5}, {"b", 7}, {"c", 40}};
  const auto l = suppress_list(counts);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->items[2].second.text(), "40");
  EXPECT_EQ(l->total.text(), "52");
  const auto bounds = hidden_cell_bounds(*l);
  ASSERT_EQ(bounds.size(), 2u);
  EXPECT_EQ(bounds[0], (HiddenCellBounds{0, 0, 2, 10}));  // a + b = 12, b <= 10
  EXPECT_EQ(bounds[1], (HiddenCellBounds{0, 1, 2, 10}));
}

TEST(SuppressList, TenOnesWouldPinEveryCellSoTheTotalLosesItsBound) {
  // Ten cells of 1 total 10: "<11" on the total would say total <= 10, and ten cells of at
  // least 1 each would then all be exactly 1.
  const std::vector<CategoryCount> counts(10, CategoryCount{"x", 1});
  const auto l = suppress_list(counts);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->total.text(), "suppressed");
  for (const auto& [category, cell] : l->items) EXPECT_EQ(cell.text(), "<11");
  for (const auto& b : hidden_cell_bounds(*l)) EXPECT_FALSE(b.derivable());
}

TEST(SuppressList, ElevenOnesHideTheirTotal) {
  // Eleven cells in 1..10 summing to a shown 11 would all be exactly 1.
  const std::vector<CategoryCount> counts(11, CategoryCount{"x", 1});
  const auto l = suppress_list(counts);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->total.text(), "suppressed");
  for (const auto& b : hidden_cell_bounds(*l)) EXPECT_FALSE(b.derivable());
}

TEST(SuppressCheck, FindsAValueRecomputableFromTotals) {
  // Primary suppression alone, as a naive display would do it.
  DisplayList naive;
  naive.items = {{"a", {CellState::small, 0}}, {"b", {CellState::shown, 30}}};
  naive.total = {CellState::shown, 35};
  const auto bounds = hidden_cell_bounds(naive);
  ASSERT_EQ(bounds.size(), 1u);
  EXPECT_TRUE(bounds[0].derivable());
  EXPECT_EQ(bounds[0].low, 5);

  // Two suppressed cells whose column total pins both only through the bounds.
  DisplayTable t;
  t.row_labels = {"r0", "r1"};
  t.column_labels = {"c0"};
  t.cells = {{{CellState::small, 0}}, {{CellState::small, 0}}};
  t.row_totals = {{CellState::small, 0}, {CellState::small, 0}};
  t.column_totals = {{CellState::shown, 20}};
  t.grand_total = {CellState::shown, 20};
  for (const auto& b : hidden_cell_bounds(t)) {
    EXPECT_TRUE(b.derivable());
    EXPECT_EQ(b.low, 10);
  }
}

// ---------------------------------------------------------------------------------------
// Suppression, property tests over generated tables

std::int64_t draw_count(std::mt19937_64& rng) {
  // Many small cells: a third zero, most of the rest from 1 to 10.
  const int kind = std::uniform_int_distribution<int>(0, 9)(rng);
  if (kind < 3) return 0;
  if (kind < 8) return std::uniform_int_distribution<std::int64_t>(1, 10)(rng);
  return std::uniform_int_distribution<std::int64_t>(11, 60)(rng);
}

void expect_cell_safe(const DisplayCell& shown, std::int64_t truth, const std::string& where) {
  if (truth >= 1 && truth <= 10) {
    EXPECT_TRUE(shown.hidden()) << where << " true value " << truth;
  }
  if (truth == 0) {
    EXPECT_EQ(shown, (DisplayCell{CellState::shown, 0})) << where;  // zero is shown
  }
  if (!shown.hidden()) {
    EXPECT_EQ(shown.value, truth) << where;
    EXPECT_FALSE(shown.value >= 1 && shown.value <= 10) << where;
  }
  if (shown.state == CellState::small) {
    EXPECT_TRUE(truth >= 1 && truth <= 10) << where << " marked <11 but is " << truth;
  }
}

TEST(SuppressProperty, GeneratedTablesNeverShowOrLeakSmallCounts) {
  std::mt19937_64 rng(20260915);
  int hidden_total = 0;
  int complementary_total = 0;
  for (int n = 0; n < 3000; ++n) {
    const auto rows = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
    const auto columns = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
    std::vector<std::vector<std::int64_t>> cells(rows, std::vector<std::int64_t>(columns));
    for (auto& row : cells) {
      for (auto& v : row) v = draw_count(rng);
    }
    const auto t = suppress_table(table_of(cells));
    ASSERT_TRUE(t);
    SCOPED_TRACE("table " + std::to_string(n) + "\n" + render(*t));
    // The truth with totals, to compare against what is shown.
    std::vector<std::int64_t> row_totals(rows, 0), column_totals(columns, 0);
    std::int64_t grand = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < columns; ++c) {
        row_totals[r] += cells[r][c];
        column_totals[c] += cells[r][c];
        grand += cells[r][c];
        expect_cell_safe(t->cells[r][c], cells[r][c], "cell");
        hidden_total += t->cells[r][c].hidden() ? 1 : 0;
        complementary_total += t->cells[r][c].state == CellState::complementary ? 1 : 0;
      }
      expect_cell_safe(t->row_totals[r], row_totals[r], "row total");
    }
    for (std::size_t c = 0; c < columns; ++c) expect_cell_safe(t->column_totals[c], column_totals[c], "column total");
    expect_cell_safe(t->grand_total, grand, "grand total");
    for (const auto& b : hidden_cell_bounds(*t)) {
      EXPECT_FALSE(b.derivable()) << "(" << b.row << "," << b.column << ") = " << b.low;
      // Soundness of the check itself: the true value lies inside the bounds.
      const std::int64_t truth = b.row < rows ? (b.column < columns ? cells[b.row][b.column] : row_totals[b.row])
                                              : (b.column < columns ? column_totals[b.column] : grand);
      EXPECT_LE(b.low, truth);
      EXPECT_GE(b.high, truth);
    }
    if (HasFailure()) return;  // one broken table is enough to read
  }
  // The generator did exercise both kinds of suppression.
  EXPECT_GT(hidden_total, 10000);
  EXPECT_GT(complementary_total, 500);
}

TEST(SuppressProperty, GeneratedBreakdownsNeverShowOrLeakSmallCounts) {
  std::mt19937_64 rng(7);
  for (int n = 0; n < 2000; ++n) {
    // One population split several ways, as the victims panel does.
    const auto lists_count = std::uniform_int_distribution<std::size_t>(1, 4)(rng);
    std::vector<std::int64_t> first;
    const auto size = std::uniform_int_distribution<std::size_t>(1, 8)(rng);
    for (std::size_t i = 0; i < size; ++i) first.push_back(draw_count(rng));
    std::int64_t total = 0;
    for (auto v : first) total += v;
    std::vector<std::vector<CategoryCount>> lists;
    for (std::size_t l = 0; l < lists_count; ++l) {
      std::vector<std::int64_t> values = first;
      if (l > 0) {
        // Another split of the same total into up to 6 parts.
        const auto parts = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
        values.assign(parts, 0);
        for (std::int64_t k = 0; k < total; ++k) {
          values[std::uniform_int_distribution<std::size_t>(0, parts - 1)(rng)] += 1;
        }
      }
      std::vector<CategoryCount> list;
      for (auto v : values) list.push_back({"k" + std::to_string(list.size()), v});
      lists.push_back(std::move(list));
    }
    const auto b = suppress_breakdowns(total, lists);
    ASSERT_TRUE(b);
    SCOPED_TRACE("breakdowns " + std::to_string(n));
    expect_cell_safe(b->total, total, "total");
    for (std::size_t l = 0; l < lists.size(); ++l) {
      DisplayList one{b->total, b->lists[l]};
      for (std::size_t i = 0; i < lists[l].size(); ++i) {
        expect_cell_safe(one.items[i].second, lists[l][i].count, "item");
      }
      for (const auto& bound : hidden_cell_bounds(one)) {
        EXPECT_FALSE(bound.derivable()) << "list " << l << " item " << bound.column << " = " << bound.low;
      }
    }
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace heat

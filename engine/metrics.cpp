// Metric definitions, their reference computation, and small-cell suppression (see the header).
#include "engine/metrics.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace heat {

// ---------------------------------------------------------------------------------------
// Definitions

namespace {

MetricDefinition def(std::string id, std::string title, std::string formula, std::string exclusions,
                     std::string unit, bool suppressed = false) {
  return MetricDefinition{std::move(id), 1, std::move(title), std::move(formula), std::move(exclusions),
                          std::move(unit), suppressed};
}

constexpr const char* kByStage =
    "Counted per prosecution (one defendant in one case), by its current stage. ";
constexpr const char* kSuppression =
    " Counts from 1 to 10 are shown as \"<11\", and further counts are hidden where a small one "
    "could be recomputed from the totals (shown as \"suppressed\").";

std::vector<MetricDefinition> build_definitions() {
  std::vector<MetricDefinition> d;
  const std::string by_stage = kByStage;
  d.push_back(def("charged", "Charged",
                  by_stage + "Prosecutions that have ever been charged: every stage except Referred and Declined.",
                  "Referrals not yet charged and declined referrals. A prosecution dismissed and refiled "
                  "counts once.",
                  "prosecutions"));
  d.push_back(def("pending", "Pending",
                  by_stage + "Charged prosecutions not concluded: Charged, Arraigned, HeldToAnswer, Pretrial "
                             "or Trial.",
                  "None beyond that; a mistrial (back to Pretrial) or a refiled dismissal (back to "
                  "Charged) is pending again.",
                  "prosecutions"));
  d.push_back(def("concluded", "Concluded",
                  by_stage + "Prosecutions now Convicted, Sentenced, Acquitted or Dismissed.",
                  "Declined referrals (never charged). A dismissal later refiled is no longer concluded.",
                  "prosecutions"));
  d.push_back(def("convicted", "Convicted",
                  by_stage + "Prosecutions now Convicted or Sentenced, by plea or by verdict, on any count.",
                  "Convictions later set aside and refiled are counted by their new stage.", "prosecutions"));
  d.push_back(def("convicted_by_plea", "Convicted by plea",
                  by_stage + "Convicted prosecutions whose conviction came from a guilty plea.",
                  "Convictions by verdict.", "prosecutions"));
  d.push_back(def("convicted_by_verdict", "Convicted by verdict",
                  by_stage + "Convicted prosecutions whose conviction came from a guilty verdict at trial.",
                  "Convictions by plea.", "prosecutions"));
  d.push_back(def("acquitted", "Acquitted", by_stage + "Prosecutions now Acquitted (a not-guilty verdict).",
                  "Mistrials, which return the prosecution to Pretrial.", "prosecutions"));
  d.push_back(def("dismissed", "Dismissed",
                  by_stage + "Prosecutions now Dismissed, including discharge at the preliminary hearing.",
                  "Dismissals later refiled (pending again).", "prosecutions"));
  d.push_back(def("declined", "Declined", by_stage + "Referrals now Declined (never charged).",
                  "Declined referrals later reopened.", "prosecutions"));
  d.push_back(def("conviction_rate", "Conviction rate",
                  "convicted ÷ concluded, per prosecution: the share of concluded prosecutions that ended "
                  "in a conviction, between 0 and 1.",
                  "Pending prosecutions and declined referrals are in neither number. Null (not 0) when "
                  "nothing is concluded.",
                  "ratio"));
  d.push_back(def("median_days_to_disposition", "Median days to disposition",
                  "The median of the days from the first charging to the disposition that concluded the "
                  "prosecution, over concluded prosecutions (interpolated between the two middle values "
                  "when their number is even).",
                  "Prosecutions without a charging or disposition date, or with a disposition dated before "
                  "the charging. Null when none remain.",
                  "days"));
  d.push_back(def("p90_days_to_disposition", "90th percentile of days to disposition",
                  "The 90th percentile of the days from the first charging to the disposition that "
                  "concluded the prosecution, over concluded prosecutions (linear interpolation, as "
                  "PostgreSQL's percentile_cont(0.9)).",
                  "As for the median. Null when none remain.", "days"));
  d.push_back(def("caseload_per_dda", "Caseload per DDA",
                  "Pending prosecutions ÷ the number of deputy district attorneys leading at least one "
                  "pending prosecution.",
                  "Pending prosecutions with no lead DDA count in the numerator only. DDAs with no "
                  "pending prosecution are not in the denominator. Null when no DDA leads one.",
                  "prosecutions per DDA"));
  d.push_back(def("prop35_charges_filed", "Prop 35 charges filed",
                  "The number of counts filed under a statute Proposition 35 (2012) enacted or amended, "
                  "over charged prosecutions.",
                  "Counts of referrals never charged. Enhancements count as filed counts when the catalog "
                  "marks them Prop 35.",
                  "charges"));
  d.push_back(def("victims_served", "Victims served",
                  std::string("The number of victims recorded (in the period, when one is given).") +
                      kSuppression,
                  "Witnesses who are not victims.", "victims", true));
  d.push_back(def("minors", "Minors",
                  std::string("Victims who were under 18 at the offense date (from the date of birth).") +
                      kSuppression,
                  "Victims without a date of birth are counted as minor status \"unknown\".", "victims", true));
  d.push_back(def("victims_by_gender", "Victims by gender",
                  std::string("Victims by recorded gender: female, male, nonbinary, unknown.") + kSuppression,
                  "None; an unrecorded gender counts as unknown.", "victims", true));
  d.push_back(def("victims_by_race_ethnicity", "Victims by race/ethnicity",
                  std::string("Victims by recorded race/ethnicity.") + kSuppression,
                  "None; an unrecorded value counts as unknown.", "victims", true));
  d.push_back(def("victims_by_residence", "Victims by residence",
                  std::string("Victims by residence: in the unit's county, in a neighbouring county (for "
                              "Alameda: Contra Costa, San Joaquin, Santa Clara, San Mateo, San Francisco, "
                              "Stanislaus), elsewhere in the state, out of state.") +
                      kSuppression,
                  "None; a residence without a county (within the state) or not recorded counts as "
                  "unknown.",
                  "victims", true));
  d.push_back(def("service_plan_outcomes", "Service-plan outcomes",
                  std::string("Service-plan items of the victims by current status: referred, engaged, "
                              "completed, declined.") +
                      kSuppression,
                  "None; an item with another status counts as unknown.", "service-plan items", true));
  d.push_back(def("safety_net_youths_reviewed", "Safety Net youths reviewed",
                  std::string("Distinct youths reviewed at least once by the Safety Net multidisciplinary "
                              "team (in the period, when one is given).") +
                      kSuppression,
                  "Youths only scheduled for review.", "youths", true));
  d.push_back(def("revictimization", "Re-victimization",
                  std::string("Victims with at least one concluded prosecution who are linked to a new "
                              "referral within 12 months after a conclusion, out of all victims with a "
                              "concluded prosecution.") +
                      kSuppression,
                  "Referrals on or before the conclusion date, or more than 12 calendar months after it. "
                  "Recent conclusions whose 12 months have not yet passed are included.",
                  "victims", true));
  return d;
}

}  // namespace

const std::vector<MetricDefinition>& metric_definitions() {
  static const std::vector<MetricDefinition> kDefinitions = build_definitions();
  return kDefinitions;
}

const MetricDefinition* find_metric_definition(std::string_view id) {
  for (const auto& d : metric_definitions()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Prosecutions

const char* to_string(ConcludedBy c) {
  switch (c) {
    case ConcludedBy::none: return "none";
    case ConcludedBy::plea: return "plea";
    case ConcludedBy::verdict: return "verdict";
    case ConcludedBy::acquittal: return "acquittal";
    case ConcludedBy::dismissal: return "dismissal";
  }
  return "none";
}

Result<ConcludedBy> parse_concluded_by(std::string_view s) {
  for (auto c : {ConcludedBy::none, ConcludedBy::plea, ConcludedBy::verdict, ConcludedBy::acquittal,
                 ConcludedBy::dismissal}) {
    if (s == to_string(c)) return c;
  }
  return Error::invalid("concluded_by", "must be one of none, plea, verdict, acquittal, dismissal");
}

bool counts_as_charged(Stage s) { return s != Stage::referred && s != Stage::declined; }

bool counts_as_concluded(Stage s) {
  return s == Stage::convicted || s == Stage::sentenced || s == Stage::acquitted || s == Stage::dismissed;
}

bool counts_as_convicted(Stage s) { return s == Stage::convicted || s == Stage::sentenced; }

bool counts_as_pending(Stage s) { return counts_as_charged(s) && !counts_as_concluded(s); }

const char* to_string(MetricGroupBy g) {
  switch (g) {
    case MetricGroupBy::none: return "none";
    case MetricGroupBy::year: return "year";
    case MetricGroupBy::quarter: return "quarter";
    case MetricGroupBy::unit: return "unit";
    case MetricGroupBy::dda: return "dda";
    case MetricGroupBy::statute_category: return "statute_category";
  }
  return "none";
}

Result<MetricGroupBy> parse_metric_group_by(std::string_view s) {
  for (auto g : {MetricGroupBy::none, MetricGroupBy::year, MetricGroupBy::quarter, MetricGroupBy::unit,
                 MetricGroupBy::dda, MetricGroupBy::statute_category}) {
    if (s == to_string(g)) return g;
  }
  return Error::invalid("group_by", "must be one of none, year, quarter, unit, dda, statute_category");
}

std::string year_label(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  return std::to_string(static_cast<int>(ymd.year()));
}

std::string quarter_label(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  const unsigned quarter = (static_cast<unsigned>(ymd.month()) - 1) / 3 + 1;
  return std::to_string(static_cast<int>(ymd.year())) + "-Q" + std::to_string(quarter);
}

std::optional<double> percentile_cont(std::vector<std::int64_t> values, double p) {
  assert(p >= 0.0 && p <= 1.0);
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double position = p * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = static_cast<std::size_t>(std::ceil(position));
  const double fraction = position - static_cast<double>(below);
  const auto lo = static_cast<double>(values[below]);
  const auto hi = static_cast<double>(values[above]);
  return lo + fraction * (hi - lo);
}

namespace {

ProsecutionCounts count(const std::vector<const ProsecutionFacts*>& rows) {
  ProsecutionCounts c;
  std::vector<std::int64_t> days;
  std::set<std::string> pending_ddas;
  for (const ProsecutionFacts* r : rows) {
    const Stage s = r->stage;
    if (s == Stage::declined) ++c.declined;
    if (!counts_as_charged(s)) continue;
    ++c.charged;
    c.prop35_charges_filed += r->prop35_charge_count;
    if (counts_as_pending(s)) {
      ++c.pending;
      if (!r->dda_id.empty()) pending_ddas.insert(r->dda_id);
      continue;
    }
    ++c.concluded;
    if (counts_as_convicted(s)) {
      ++c.convicted;
      if (r->concluded_by == ConcludedBy::plea) ++c.convicted_by_plea;
      if (r->concluded_by == ConcludedBy::verdict) ++c.convicted_by_verdict;
    }
    if (s == Stage::acquitted) ++c.acquitted;
    if (s == Stage::dismissed) ++c.dismissed;
    if (r->charged_on && r->concluded_on && *r->concluded_on >= *r->charged_on) {
      days.push_back((*r->concluded_on - *r->charged_on).count());
    }
  }
  if (c.concluded > 0) c.conviction_rate = static_cast<double>(c.convicted) / static_cast<double>(c.concluded);
  c.median_days_to_disposition = percentile_cont(days, 0.5);
  c.p90_days_to_disposition = percentile_cont(std::move(days), 0.9);
  if (!pending_ddas.empty()) {
    c.caseload_per_dda = static_cast<double>(c.pending) / static_cast<double>(pending_ddas.size());
  }
  return c;
}

std::optional<std::string> group_key(const ProsecutionFacts& r, MetricGroupBy g) {
  switch (g) {
    case MetricGroupBy::none: return std::nullopt;
    case MetricGroupBy::year: return r.charged_on ? std::optional(year_label(*r.charged_on)) : std::nullopt;
    case MetricGroupBy::quarter: return r.charged_on ? std::optional(quarter_label(*r.charged_on)) : std::nullopt;
    case MetricGroupBy::unit: return r.unit;
    case MetricGroupBy::dda: return r.dda_id;
    case MetricGroupBy::statute_category: return r.statute_category;
  }
  return std::nullopt;
}

}  // namespace

ProsecutionMetrics compute_prosecution_metrics(std::span<const ProsecutionFacts> rows, MetricGroupBy group_by) {
  std::vector<const ProsecutionFacts*> all;
  std::map<std::string, std::vector<const ProsecutionFacts*>> by_key;
  for (const auto& r : rows) {
    all.push_back(&r);
    if (auto key = group_key(r, group_by)) by_key[*key].push_back(&r);
  }
  ProsecutionMetrics m;
  m.total = count(all);
  for (const auto& [key, members] : by_key) m.groups.push_back({key, count(members)});
  return m;
}

// ---------------------------------------------------------------------------------------
// Victims

CountyRegion CountyRegion::alameda() {
  return CountyRegion{"Alameda",
                      {"Contra Costa", "San Joaquin", "Santa Clara", "San Mateo", "San Francisco", "Stanislaus"},
                      "CA"};
}

const char* to_string(ResidenceBucket b) {
  switch (b) {
    case ResidenceBucket::in_county: return "in_county";
    case ResidenceBucket::neighbouring_county: return "neighbouring_county";
    case ResidenceBucket::elsewhere_in_state: return "elsewhere_in_state";
    case ResidenceBucket::out_of_state: return "out_of_state";
    case ResidenceBucket::unknown: return "unknown";
  }
  return "unknown";
}

namespace {

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::string county_key(std::string_view county) {
  std::string k = lower_trimmed(county);
  constexpr std::string_view kSuffix = " county";
  if (k.size() > kSuffix.size() && k.ends_with(kSuffix)) k.resize(k.size() - kSuffix.size());
  return lower_trimmed(k);
}

// Two-letter code, lowercase; "california" is the one full name the data is known to use.
std::string state_key(std::string_view state) {
  std::string k = lower_trimmed(state);
  if (k == "california") return "ca";
  return k;
}

}  // namespace

ResidenceBucket residence_bucket(const CountyRegion& region, std::string_view county, std::string_view state) {
  const std::string c = county_key(county);
  const std::string region_state = state_key(region.state);
  const std::string s = state.empty() || lower_trimmed(state).empty() ? region_state : state_key(state);
  if (c.empty() && lower_trimmed(state).empty()) return ResidenceBucket::unknown;
  if (s != region_state) return ResidenceBucket::out_of_state;
  if (c.empty()) return ResidenceBucket::unknown;
  if (c == county_key(region.county)) return ResidenceBucket::in_county;
  for (const auto& n : region.neighbours) {
    if (c == county_key(n)) return ResidenceBucket::neighbouring_county;
  }
  return ResidenceBucket::elsewhere_in_state;
}

namespace {

std::chrono::sys_days twelve_months_after(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  const std::chrono::year_month_day next = ymd + std::chrono::years{1};
  if (next.ok()) return std::chrono::sys_days{next};
  return std::chrono::sys_days{std::chrono::year_month_day_last{next.year(), std::chrono::month_day_last{next.month()}}};
}

// Fixed categories first (zero counts kept), then the other values seen, ascending.
std::vector<CategoryCount> tally(const std::vector<std::string>& values, const std::vector<std::string>& fixed,
                                 const std::string& last_fixed = {}) {
  std::map<std::string, std::int64_t> seen;
  for (const auto& v : values) ++seen[v];
  std::vector<CategoryCount> out;
  for (const auto& f : fixed) {
    out.push_back({f, seen.count(f) ? seen[f] : 0});
    seen.erase(f);
  }
  if (!last_fixed.empty()) seen.erase(last_fixed);
  for (const auto& [k, n] : seen) out.push_back({k, n});
  if (!last_fixed.empty()) {
    std::int64_t n = 0;
    for (const auto& v : values) n += v == last_fixed ? 1 : 0;
    out.push_back({last_fixed, n});
  }
  return out;
}

}  // namespace

bool is_revictimized(const VictimFacts& v) {
  for (const auto concluded : v.prosecutions_concluded_on) {
    const auto limit = twelve_months_after(concluded);
    for (const auto referral : v.referrals_on) {
      if (referral > concluded && referral <= limit) return true;
    }
  }
  return false;
}

VictimCounts compute_victim_counts(std::span<const VictimFacts> rows, const CountyRegion& region) {
  VictimCounts c;
  c.victims_served = static_cast<std::int64_t>(rows.size());
  std::vector<std::string> genders, races, residences, minors, statuses, revictimized;
  const std::set<std::string> known_statuses = {"referred", "engaged", "completed", "declined"};
  for (const auto& v : rows) {
    genders.push_back(v.gender.empty() ? "unknown" : v.gender);
    races.push_back(v.race_ethnicity.empty() ? "unknown" : v.race_ethnicity);
    residences.emplace_back(to_string(residence_bucket(region, v.residence_county, v.residence_state)));
    minors.emplace_back(!v.minor_at_offense ? "unknown" : *v.minor_at_offense ? "minor" : "adult");
    for (const auto& s : v.service_item_statuses) statuses.push_back(known_statuses.count(s) ? s : "unknown");
    if (v.safety_net_reviewed) ++c.safety_net_youths_reviewed;
    if (!v.prosecutions_concluded_on.empty()) {
      ++c.revictimization_eligible;
      revictimized.emplace_back(is_revictimized(v) ? "revictimized" : "not_revictimized");
    }
  }
  c.by_gender = tally(genders, {"female", "male", "nonbinary"}, "unknown");
  // "unknown" stays at the end, after the recorded values.
  c.by_race_ethnicity = tally(races, {}, "unknown");
  c.by_residence = tally(residences, {"in_county", "neighbouring_county", "elsewhere_in_state", "out_of_state",
                                      "unknown"});
  c.by_minor_status = tally(minors, {"minor", "adult", "unknown"});
  c.service_plan_items = static_cast<std::int64_t>(statuses.size());
  c.service_plan_outcomes = tally(statuses, {"referred", "engaged", "completed", "declined", "unknown"});
  c.revictimization = tally(revictimized, {"revictimized", "not_revictimized"});
  return c;
}

// ---------------------------------------------------------------------------------------
// Small-cell suppression

std::string DisplayCell::text() const {
  switch (state) {
    case CellState::shown: return std::to_string(value);
    case CellState::small: return std::string(kSmallCellText);
    case CellState::complementary: return std::string(kComplementaryCellText);
  }
  return std::string(kComplementaryCellText);
}

namespace {

constexpr std::int64_t kSmallMax = 10;
// Interval propagation stops after this many passes over the lines even if still tightening
// (each pass tightens some bound by at least 1; real tables settle in a handful).
constexpr int kMaxPropagationPasses = 1000;

// A set of entries tied by lines: in each line, the members sum to the total.
struct Line {
  std::vector<std::size_t> members;
  std::size_t total = 0;
};

struct Grid {
  std::vector<std::int64_t> values;  // true values (or the shown ones, when checking a display)
  std::vector<CellState> states;
  std::vector<Line> lines;
};

struct Interval {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
};

std::int64_t add_sat(std::int64_t a, std::int64_t b) {
  if (a >= kUnboundedCount || b >= kUnboundedCount) return kUnboundedCount;
  return std::min(a + b, kUnboundedCount);
}

// What the display tells an attacker, tightened over the lines until stable.
std::vector<Interval> propagate(const Grid& g) {
  std::vector<Interval> b(g.values.size());
  for (std::size_t i = 0; i < b.size(); ++i) {
    switch (g.states[i]) {
      case CellState::shown: b[i] = {g.values[i], g.values[i]}; break;
      case CellState::small: b[i] = {1, kSmallMax}; break;
      case CellState::complementary: b[i] = {1, kUnboundedCount}; break;
    }
  }
  for (int pass = 0; pass < kMaxPropagationPasses; ++pass) {
    bool changed = false;
    auto tighten = [&](std::size_t i, std::int64_t lo, std::int64_t hi) {
      if (lo > b[i].lo) { b[i].lo = lo; changed = true; }
      if (hi < b[i].hi) { b[i].hi = hi; changed = true; }
    };
    for (const Line& line : g.lines) {
      std::int64_t sum_lo = 0;
      std::int64_t sum_hi = 0;
      for (auto m : line.members) {
        sum_lo = add_sat(sum_lo, b[m].lo);
        sum_hi = add_sat(sum_hi, b[m].hi);
      }
      tighten(line.total, sum_lo, sum_hi);
      for (auto m : line.members) {
        std::int64_t others_lo = 0;
        std::int64_t others_hi = 0;
        for (auto o : line.members) {
          if (o == m) continue;
          others_lo = add_sat(others_lo, b[o].lo);
          others_hi = add_sat(others_hi, b[o].hi);
        }
        const Interval t = b[line.total];
        const std::int64_t lo = others_hi >= kUnboundedCount ? b[m].lo : t.lo - others_hi;
        const std::int64_t hi = t.hi >= kUnboundedCount ? b[m].hi : t.hi - others_lo;
        tighten(m, lo, hi);
      }
    }
    if (!changed) break;
  }
  return b;
}

bool is_hidden(const Grid& g, std::size_t i) { return g.states[i] != CellState::shown; }

// The smallest non-zero shown member of the line, else its total if shown and non-zero.
std::optional<std::size_t> pick_to_hide(const Grid& g, const Line& line) {
  std::optional<std::size_t> best;
  for (auto m : line.members) {
    if (is_hidden(g, m) || g.values[m] == 0) continue;
    if (!best || g.values[m] < g.values[*best]) best = m;
  }
  if (!best && !is_hidden(g, line.total) && g.values[line.total] != 0) best = line.total;
  return best;
}

void suppress_grid(Grid& g) {
  for (std::size_t i = 0; i < g.values.size(); ++i) {
    assert(g.values[i] >= 0);
    if (g.values[i] >= 1 && g.values[i] <= kSmallMax) g.states[i] = CellState::small;
  }
  // Each round hides or relabels one entry, so this ends after at most 2 × entries rounds.
  for (;;) {
    bool changed = false;
    for (const Line& line : g.lines) {
      std::size_t hidden = is_hidden(g, line.total) ? 1 : 0;
      for (auto m : line.members) hidden += is_hidden(g, m) ? 1 : 0;
      if (hidden != 1) continue;
      if (auto pick = pick_to_hide(g, line)) {
        g.states[*pick] = CellState::complementary;
        changed = true;
      }
    }
    if (changed) continue;

    const std::vector<Interval> bounds = propagate(g);
    std::optional<std::size_t> derivable;
    for (std::size_t i = 0; i < bounds.size() && !derivable; ++i) {
      if (is_hidden(g, i) && bounds[i].lo == bounds[i].hi) derivable = i;
    }
    if (!derivable) return;
    std::vector<const Line*> lines;
    for (const Line& line : g.lines) {
      if (line.total == *derivable || std::find(line.members.begin(), line.members.end(), *derivable) !=
                                          line.members.end()) {
        lines.push_back(&line);
      }
    }
    std::optional<std::size_t> pick;
    for (const Line* line : lines) {
      auto p = pick_to_hide(g, *line);
      if (p && (!pick || g.values[*p] < g.values[*pick])) pick = p;
    }
    if (pick) {
      g.states[*pick] = CellState::complementary;
      continue;
    }
    // Nothing left to hide: lift an "at most 10" bound, a total's first.
    std::optional<std::size_t> relabel;
    for (const Line* line : lines) {
      if (g.states[line->total] == CellState::small) { relabel = line->total; break; }
    }
    for (const Line* line : lines) {
      for (auto m : line->members) {
        if (!relabel && g.states[m] == CellState::small) relabel = m;
      }
    }
    if (!relabel && g.states[*derivable] == CellState::small) relabel = *derivable;
    if (!relabel) return;  // the display states nothing more to lift; hidden_cell_bounds reports it
    g.states[*relabel] = CellState::complementary;
  }
}

DisplayCell cell_of(const Grid& g, std::size_t i) {
  if (g.states[i] == CellState::shown) return {CellState::shown, g.values[i]};
  return {g.states[i], 0};
}

// The table with its totals as an (R+1) × (C+1) grid, row-major.
Grid table_grid(std::size_t rows, std::size_t columns) {
  Grid g;
  const std::size_t width = columns + 1;
  g.values.assign((rows + 1) * width, 0);
  g.states.assign(g.values.size(), CellState::shown);
  for (std::size_t r = 0; r <= rows; ++r) {
    Line line;
    for (std::size_t c = 0; c < columns; ++c) line.members.push_back(r * width + c);
    line.total = r * width + columns;
    g.lines.push_back(std::move(line));
  }
  for (std::size_t c = 0; c <= columns; ++c) {
    Line line;
    for (std::size_t r = 0; r < rows; ++r) line.members.push_back(r * width + c);
    line.total = rows * width + c;
    g.lines.push_back(std::move(line));
  }
  return g;
}

// Entry 0 is the shared total, then every list's items in order.
Grid lists_grid(const std::vector<std::size_t>& sizes) {
  Grid g;
  g.values.push_back(0);
  for (auto n : sizes) {
    Line line;
    line.total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      line.members.push_back(g.values.size());
      g.values.push_back(0);
    }
    g.lines.push_back(std::move(line));
  }
  g.states.assign(g.values.size(), CellState::shown);
  return g;
}

void load_display(Grid& g, std::size_t i, const DisplayCell& c) {
  g.states[i] = c.state;
  g.values[i] = c.state == CellState::shown ? c.value : 0;
}

}  // namespace

Result<DisplayTable> suppress_table(const CountTable& table) {
  const std::size_t rows = table.cells.size();
  const std::size_t columns = table.column_labels.size();
  if (table.row_labels.size() != rows) return Error::invalid("row_labels", "one label per row of cells");
  for (const auto& row : table.cells) {
    if (row.size() != columns) return Error::invalid("cells", "every row has one cell per column label");
    for (auto v : row) {
      if (v < 0) return Error::invalid("cells", "counts are non-negative");
    }
  }
  Grid g = table_grid(rows, columns);
  const std::size_t width = columns + 1;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      const auto v = table.cells[r][c];
      g.values[r * width + c] = v;
      g.values[r * width + columns] += v;
      g.values[rows * width + c] += v;
      g.values[rows * width + columns] += v;
    }
  }
  suppress_grid(g);
  DisplayTable out{table.row_labels, table.column_labels, {}, {}, {}, {}};
  for (std::size_t r = 0; r < rows; ++r) {
    out.cells.emplace_back();
    for (std::size_t c = 0; c < columns; ++c) out.cells.back().push_back(cell_of(g, r * width + c));
    out.row_totals.push_back(cell_of(g, r * width + columns));
  }
  for (std::size_t c = 0; c < columns; ++c) out.column_totals.push_back(cell_of(g, rows * width + c));
  out.grand_total = cell_of(g, rows * width + columns);
  return out;
}

Result<DisplayBreakdowns> suppress_breakdowns(std::int64_t total, const std::vector<std::vector<CategoryCount>>& lists) {
  if (total < 0) return Error::invalid("counts", "counts are non-negative");
  std::vector<std::size_t> sizes;
  for (const auto& list : lists) {
    std::int64_t sum = 0;
    for (const auto& item : list) {
      if (item.count < 0) return Error::invalid("counts", "counts are non-negative");
      sum += item.count;
    }
    if (sum != total) return Error::invalid("counts", "every list sums to the total");
    sizes.push_back(list.size());
  }
  Grid g = lists_grid(sizes);
  g.values[0] = total;
  std::size_t next = 1;
  for (const auto& list : lists) {
    for (const auto& item : list) g.values[next++] = item.count;
  }
  suppress_grid(g);
  DisplayBreakdowns out{cell_of(g, 0), {}};
  next = 1;
  for (const auto& list : lists) {
    out.lists.emplace_back();
    for (const auto& item : list) out.lists.back().emplace_back(item.category, cell_of(g, next++));
  }
  return out;
}

Result<DisplayList> suppress_list(std::span<const CategoryCount> counts) {
  std::int64_t total = 0;
  for (const auto& c : counts) {
    if (c.count < 0) return Error::invalid("counts", "counts are non-negative");
    total += c.count;
  }
  auto b = suppress_breakdowns(total, {std::vector<CategoryCount>(counts.begin(), counts.end())});
  if (!b) return b.error();
  return DisplayList{b->total, std::move(b->lists.front())};
}

DisplayCell suppress_count(std::int64_t count) {
  assert(count >= 0);
  if (count >= 1 && count <= kSmallMax) return {CellState::small, 0};
  return {CellState::shown, count};
}

std::vector<HiddenCellBounds> hidden_cell_bounds(const DisplayTable& t) {
  const std::size_t rows = t.cells.size();
  const std::size_t columns = t.column_totals.size();
  assert(t.row_totals.size() == rows);
  Grid g = table_grid(rows, columns);
  const std::size_t width = columns + 1;
  for (std::size_t r = 0; r < rows; ++r) {
    assert(t.cells[r].size() == columns);
    for (std::size_t c = 0; c < columns; ++c) load_display(g, r * width + c, t.cells[r][c]);
    load_display(g, r * width + columns, t.row_totals[r]);
  }
  for (std::size_t c = 0; c < columns; ++c) load_display(g, rows * width + c, t.column_totals[c]);
  load_display(g, rows * width + columns, t.grand_total);
  const auto bounds = propagate(g);
  std::vector<HiddenCellBounds> out;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (is_hidden(g, i)) out.push_back({i / width, i % width, bounds[i].lo, bounds[i].hi});
  }
  return out;
}

std::vector<HiddenCellBounds> hidden_cell_bounds(const DisplayList& list) {
  Grid g = lists_grid({list.items.size()});
  load_display(g, 0, list.total);
  for (std::size_t i = 0; i < list.items.size(); ++i) load_display(g, i + 1, list.items[i].second);
  const auto bounds = propagate(g);
  std::vector<HiddenCellBounds> out;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    if (is_hidden(g, i + 1)) out.push_back({0, i, bounds[i + 1].lo, bounds[i + 1].hi});
  }
  if (is_hidden(g, 0)) out.push_back({0, list.items.size(), bounds[0].lo, bounds[0].hi});
  return out;
}

VictimMetricsDisplay suppress_victim_counts(const VictimCounts& counts) {
  auto breakdowns = suppress_breakdowns(
      counts.victims_served, {counts.by_gender, counts.by_race_ethnicity, counts.by_residence, counts.by_minor_status});
  assert(breakdowns);
  auto outcomes = suppress_list(counts.service_plan_outcomes);
  assert(outcomes);
  auto revictimization = suppress_list(counts.revictimization);
  assert(revictimization);
  VictimMetricsDisplay d;
  d.victims_served = breakdowns->total;
  d.by_gender = std::move(breakdowns->lists[0]);
  d.by_race_ethnicity = std::move(breakdowns->lists[1]);
  d.by_residence = std::move(breakdowns->lists[2]);
  d.by_minor_status = std::move(breakdowns->lists[3]);
  d.minors = suppress_count(0);
  for (const auto& [category, cell] : d.by_minor_status) {
    if (category == "minor") d.minors = cell;
  }
  d.service_plan_outcomes = std::move(*outcomes);
  d.safety_net_youths_reviewed = suppress_count(counts.safety_net_youths_reviewed);
  d.revictimization = std::move(*revictimization);
  return d;
}

}  // namespace heat

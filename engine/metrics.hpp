// The leadership dashboard's numbers, defined once: the metric definitions as versioned data
// (what /api/v1/metrics/definitions serves and the dashboard shows on hover), the reference
// computation of every metric over in-memory rows (db/ computes the same aggregates in SQL;
// these functions are what that SQL is tested against), and small-cell suppression for every
// count about victims. Pure: no I/O, no clock. Everything is a value; safe from any thread.
#pragma once

#include "engine/prosecution.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heat {

// ---------------------------------------------------------------------------------------
// Definitions

// Bumped whenever any definition's meaning changes (each definition also has its own version).
// Every metrics response carries it as `definitions_version`.
inline constexpr int kDefinitionsVersion = 1;

struct MetricDefinition {
  std::string id;          // stable key, also the JSON field: "conviction_rate"
  int version = 1;         // this definition's own version
  std::string title;       // "Conviction rate"
  std::string formula;     // plain language: "convicted ÷ concluded"
  std::string exclusions;  // what is not counted, and when the value is null
  std::string unit;        // "prosecutions", "ratio", "days", "victims", ...
  bool suppressed = false; // a count about victims: small-cell suppression applies
  friend bool operator==(const MetricDefinition&, const MetricDefinition&) = default;
};

// Every definition, in dashboard order. The ids: charged, pending, concluded, convicted,
// convicted_by_plea, convicted_by_verdict, acquitted, dismissed, declined, conviction_rate,
// median_days_to_disposition, p90_days_to_disposition, caseload_per_dda, prop35_charges_filed,
// victims_served, minors, victims_by_gender, victims_by_race_ethnicity, victims_by_residence,
// service_plan_outcomes, safety_net_youths_reviewed, revictimization.
[[nodiscard]] const std::vector<MetricDefinition>& metric_definitions();
// nullptr when no definition has this id; the pointer lives as long as the program.
[[nodiscard]] const MetricDefinition* find_metric_definition(std::string_view id);

// ---------------------------------------------------------------------------------------
// Prosecutions

// How a prosecution's current concluded stage was reached. Strings: "none", "plea",
// "verdict", "acquittal", "dismissal".
enum class ConcludedBy { none, plea, verdict, acquittal, dismissal };

[[nodiscard]] const char* to_string(ConcludedBy c);
[[nodiscard]] Result<ConcludedBy> parse_concluded_by(std::string_view s);  // field "concluded_by"

// One prosecution as the dashboard sees it: its current stage plus the dates it needs.
struct ProsecutionFacts {
  Stage stage = Stage::referred;
  std::optional<std::chrono::sys_days> charged_on;    // the first charging (complaint or indictment)
  std::optional<std::chrono::sys_days> concluded_on;  // the disposition that concluded it, if concluded now
  ConcludedBy concluded_by = ConcludedBy::none;       // meaningful when concluded now
  std::string unit;
  std::string dda_id;            // the lead DDA; may be empty
  std::string statute_category;  // the catalog category of the lead charge; may be empty
  int prop35_charge_count = 0;   // counts filed under a statute Prop 35 enacted or amended
};

// Stage classification, exactly as DESIGN.md defines it (by the current stage):
// charged = not Referred or Declined; concluded = Convicted, Sentenced, Acquitted or Dismissed;
// convicted = Convicted or Sentenced; pending = charged and not concluded (so a mistrial back
// to Pretrial, or a dismissal refiled to Charged, is pending again).
[[nodiscard]] bool counts_as_charged(Stage s);
[[nodiscard]] bool counts_as_concluded(Stage s);
[[nodiscard]] bool counts_as_convicted(Stage s);
[[nodiscard]] bool counts_as_pending(Stage s);

struct ProsecutionCounts {
  std::int64_t charged = 0;
  std::int64_t pending = 0;
  std::int64_t concluded = 0;
  std::int64_t convicted = 0;
  std::int64_t convicted_by_plea = 0;     // convicted, and concluded_by == plea
  std::int64_t convicted_by_verdict = 0;  // convicted, and concluded_by == verdict
  std::int64_t acquitted = 0;
  std::int64_t dismissed = 0;
  std::int64_t declined = 0;
  std::int64_t prop35_charges_filed = 0;  // sum of prop35_charge_count over charged prosecutions
  std::optional<double> conviction_rate;  // convicted ÷ concluded; nullopt when concluded == 0
  // Days from charged_on to concluded_on over concluded prosecutions with both dates (and
  // concluded_on not before charged_on), as PostgreSQL's percentile_cont(0.5) and (0.9):
  // linear interpolation between order statistics. nullopt when there is no such prosecution.
  std::optional<double> median_days_to_disposition;
  std::optional<double> p90_days_to_disposition;
  // pending ÷ the number of distinct non-empty dda_id among pending prosecutions;
  // nullopt when that number is 0.
  std::optional<double> caseload_per_dda;
  friend bool operator==(const ProsecutionCounts&, const ProsecutionCounts&) = default;
};

// Strings: "none", "year", "quarter", "unit", "dda", "statute_category".
enum class MetricGroupBy { none, year, quarter, unit, dda, statute_category };

[[nodiscard]] const char* to_string(MetricGroupBy g);
[[nodiscard]] Result<MetricGroupBy> parse_metric_group_by(std::string_view s);  // field "group_by"

struct ProsecutionGroup {
  std::string key;  // "2026", "2026-Q3", the unit, the dda_id or the statute category
  ProsecutionCounts counts;
  friend bool operator==(const ProsecutionGroup&, const ProsecutionGroup&) = default;
};

struct ProsecutionMetrics {
  ProsecutionCounts total;
  std::vector<ProsecutionGroup> groups;  // ascending by key; empty for MetricGroupBy::none
  friend bool operator==(const ProsecutionMetrics&, const ProsecutionMetrics&) = default;
};

// "2026" and "2026-Q3" for a date in July 2026.
[[nodiscard]] std::string year_label(std::chrono::sys_days d);
[[nodiscard]] std::string quarter_label(std::chrono::sys_days d);

// Totals over all rows, and one group per key present. Year and quarter group by charged_on;
// rows without it (Referred, Declined) count in the totals but in no year/quarter group, so
// `declined` is always 0 inside those groups. Unit, dda and statute_category group by the
// field's text as is (an empty dda_id is its own group, key ""). Filtering by period is the
// caller's (the SQL's WHERE).
[[nodiscard]] ProsecutionMetrics compute_prosecution_metrics(std::span<const ProsecutionFacts> rows,
                                                             MetricGroupBy group_by);

// percentile_cont over `values` (any order), p in [0, 1]; nullopt when empty.
[[nodiscard]] std::optional<double> percentile_cont(std::vector<std::int64_t> values, double p);

// ---------------------------------------------------------------------------------------
// Victims

// The unit's home county and its neighbours, for the residence buckets. Names compare
// case-insensitively, ignoring surrounding spaces and a trailing " County".
struct CountyRegion {
  std::string county;                   // "Alameda"
  std::vector<std::string> neighbours;  // "Contra Costa", ...
  std::string state = "CA";             // two-letter code; "California" also matches "CA"
  // Alameda County and its neighbours: Contra Costa, San Joaquin, Santa Clara, San Mateo,
  // San Francisco, Stanislaus.
  [[nodiscard]] static CountyRegion alameda();
};

// Strings: "in_county", "neighbouring_county", "elsewhere_in_state", "out_of_state", "unknown".
enum class ResidenceBucket { in_county, neighbouring_county, elsewhere_in_state, out_of_state, unknown };

[[nodiscard]] const char* to_string(ResidenceBucket b);

// unknown when both are empty, or the county is empty and the state is the region's. An empty
// state with a county given is read as the region's state.
[[nodiscard]] ResidenceBucket residence_bucket(const CountyRegion& region, std::string_view county,
                                               std::string_view state);

// One victim recorded in the period, as the dashboard sees them.
struct VictimFacts {
  std::string gender;           // "female" | "male" | "nonbinary" | "unknown"; empty = "unknown"
  std::string race_ethnicity;   // as recorded; empty = "unknown"
  std::string residence_county;
  std::string residence_state;
  std::optional<bool> minor_at_offense;  // nullopt when the date of birth is not known
  // Statuses of the victim's service-plan items: "referred" | "engaged" | "completed" |
  // "declined" (anything else counts as "unknown").
  std::vector<std::string> service_item_statuses;
  bool safety_net_reviewed = false;  // at least one Safety Net (MDT) review in the period
  // For re-victimization: when each prosecution the victim is linked to was concluded, and
  // the referral date of every case the victim is linked to.
  std::vector<std::chrono::sys_days> prosecutions_concluded_on;
  std::vector<std::chrono::sys_days> referrals_on;
};

// True when some referral falls after some conclusion and no later than 12 calendar months
// after it (a conclusion on the 29th of February reaches the 28th a year later).
[[nodiscard]] bool is_revictimized(const VictimFacts& v);

struct CategoryCount {
  std::string category;
  std::int64_t count = 0;
  friend bool operator==(const CategoryCount&, const CategoryCount&) = default;
};

// Raw victim counts: for tests and for the suppression below only, never for display. Each
// by_* list covers every victim once (its counts sum to victims_served) and lists its fixed
// categories first (in the order below), then any other recorded values in ascending order.
struct VictimCounts {
  std::int64_t victims_served = 0;
  std::vector<CategoryCount> by_gender;          // female, male, nonbinary, others, unknown
  std::vector<CategoryCount> by_race_ethnicity;  // recorded values ascending, then unknown
  std::vector<CategoryCount> by_residence;       // the five ResidenceBucket strings in order
  std::vector<CategoryCount> by_minor_status;    // minor, adult, unknown
  // Service-plan items by status (referred, engaged, completed, declined, unknown); sums to
  // service_plan_items.
  std::int64_t service_plan_items = 0;
  std::vector<CategoryCount> service_plan_outcomes;
  std::int64_t safety_net_youths_reviewed = 0;
  // Victims with at least one concluded prosecution, split into revictimized / not.
  std::int64_t revictimization_eligible = 0;
  std::vector<CategoryCount> revictimization;  // revictimized, not_revictimized
  friend bool operator==(const VictimCounts&, const VictimCounts&) = default;
};

[[nodiscard]] VictimCounts compute_victim_counts(std::span<const VictimFacts> rows, const CountyRegion& region);

// ---------------------------------------------------------------------------------------
// Small-cell suppression

// A displayed count. `shown` carries its value; `small` is a count from 1 to 10, displayed as
// "<11"; `complementary` is a non-zero count hidden so that no small count can be recomputed
// from the others, displayed as "suppressed" (it is usually above 10, so "<11" would be false).
// Zero is always shown.
enum class CellState { shown, small, complementary };

inline constexpr std::string_view kSmallCellText = "<11";
inline constexpr std::string_view kComplementaryCellText = "suppressed";

struct DisplayCell {
  CellState state = CellState::shown;
  std::int64_t value = 0;  // the count when shown; 0 otherwise (the hidden value is not kept)
  [[nodiscard]] bool hidden() const { return state != CellState::shown; }
  // The count's decimal text, "<11" or "suppressed".
  [[nodiscard]] std::string text() const;
  friend bool operator==(const DisplayCell&, const DisplayCell&) = default;
};

// Rows × columns of non-negative counts; every row has column_labels.size() cells.
struct CountTable {
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  std::vector<std::vector<std::int64_t>> cells;
};

struct DisplayTable {
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  std::vector<std::vector<DisplayCell>> cells;
  std::vector<DisplayCell> row_totals;     // one per row
  std::vector<DisplayCell> column_totals;  // one per column (the totals line)
  DisplayCell grand_total;
  friend bool operator==(const DisplayTable&, const DisplayTable&) = default;
};

// The suppression rule, on the table with its totals (a row total closes each row, the
// totals line closes each column, the grand total closes both the totals line and the row
// totals):
//  1. every entry from 1 to 10 — cells and totals alike — is `small`;
//  2. in any line (row, column, totals line or totals column) where exactly one entry is
//     hidden, hide one more: the smallest non-zero shown cell of the line, else its total;
//  3. while the interval check below finds a hidden entry whose value is derivable, hide one
//     more entry of one of its lines (the smallest non-zero shown one); when a line has none
//     left, relabel one of its `small` entries (the total first) as `complementary`, which
//     lifts the "at most 10" bound an attacker would use (e.g. a row of ten 1s whose total
//     10 would otherwise pin every cell to 1).
// Repeats until stable. invalid_argument (field "cells") for a negative count or a row whose
// length differs from column_labels; (field "row_labels") when the label count differs.
[[nodiscard]] Result<DisplayTable> suppress_table(const CountTable& table);

// Several one-dimensional breakdowns of the same population sharing one total (victims by
// gender, by race/ethnicity, ...): each list's counts must sum to `total`. Suppressed
// jointly, so the shared total is shown or hidden everywhere alike.
struct DisplayBreakdowns {
  DisplayCell total;
  std::vector<std::vector<std::pair<std::string, DisplayCell>>> lists;
  friend bool operator==(const DisplayBreakdowns&, const DisplayBreakdowns&) = default;
};

// invalid_argument (field "counts") for a negative count or a list not summing to total.
[[nodiscard]] Result<DisplayBreakdowns> suppress_breakdowns(std::int64_t total,
                                                            const std::vector<std::vector<CategoryCount>>& lists);

// One list of category counts plus its total (their sum).
struct DisplayList {
  DisplayCell total;
  std::vector<std::pair<std::string, DisplayCell>> items;
  friend bool operator==(const DisplayList&, const DisplayList&) = default;
};

// invalid_argument (field "counts") for a negative count.
[[nodiscard]] Result<DisplayList> suppress_list(std::span<const CategoryCount> counts);

// A lone count related to nothing else on display: 1..10 is `small`.
[[nodiscard]] DisplayCell suppress_count(std::int64_t count);

// What the public can learn: for each hidden entry, the interval of values consistent with
// the displayed entries, every line's sum, and the bounds the display states (`small` in
// 1..10, `complementary` at least 1, since zero is shown). Found by propagating intervals
// over the lines until nothing tightens (bounded pass count). That is sound (the true value
// is always inside) but not complete: it can miss a value pinned down only by combining
// several lines at once, or by knowing how complementary cells are chosen (usually > 10).
struct HiddenCellBounds {
  std::size_t row = 0;  // row index; == rows for the totals line (or 0 for a list's total)
  std::size_t column = 0;  // column index; == columns for the row totals
  std::int64_t low = 0;
  std::int64_t high = 0;  // kUnboundedCount when nothing bounds it from above
  [[nodiscard]] bool derivable() const { return low == high; }
  friend bool operator==(const HiddenCellBounds&, const HiddenCellBounds&) = default;
};

inline constexpr std::int64_t kUnboundedCount = std::numeric_limits<std::int64_t>::max() / 4;

// One entry per hidden entry, row-major over the table with its totals.
[[nodiscard]] std::vector<HiddenCellBounds> hidden_cell_bounds(const DisplayTable& table);
// For a list: row 0, column = item index, or column = items.size() for the total.
[[nodiscard]] std::vector<HiddenCellBounds> hidden_cell_bounds(const DisplayList& list);

// The victims panel, every count suppressed. The headline counts are the matching entries of
// the breakdowns (victims_served is their shared total; minors is the "minor" entry).
struct VictimMetricsDisplay {
  DisplayCell victims_served;
  DisplayCell minors;
  std::vector<std::pair<std::string, DisplayCell>> by_gender;
  std::vector<std::pair<std::string, DisplayCell>> by_race_ethnicity;
  std::vector<std::pair<std::string, DisplayCell>> by_residence;
  std::vector<std::pair<std::string, DisplayCell>> by_minor_status;
  DisplayList service_plan_outcomes;
  DisplayCell safety_net_youths_reviewed;
  DisplayList revictimization;  // total = victims with a concluded prosecution
  friend bool operator==(const VictimMetricsDisplay&, const VictimMetricsDisplay&) = default;
};

// Precondition: counts as compute_victim_counts makes them (each by_* list sums to
// victims_served); a broken one is a bug and asserts.
[[nodiscard]] VictimMetricsDisplay suppress_victim_counts(const VictimCounts& counts);

}  // namespace heat

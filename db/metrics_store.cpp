#include "db/metrics_store.hpp"

#include "db/errors.hpp"
#include "db/json_text.hpp"
#include "engine/cases.hpp"
#include "engine/victims.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

namespace heat::db {
namespace {

using std::chrono::sys_days;

constexpr const char* kPendingStages = "('Charged','Arraigned','HeldToAnswer','Pretrial','Trial')";
constexpr const char* kConcludedStages = "('Convicted','Sentenced','Acquitted','Dismissed')";

sys_days quarter_start(sys_days d) {
  const std::chrono::year_month_day ymd{d};
  const unsigned m = (static_cast<unsigned>(ymd.month()) - 1) / 3 * 3 + 1;
  return sys_days{ymd.year() / std::chrono::month{m} / 1};
}

sys_days next_quarter(sys_days q) {
  const std::chrono::year_month_day ymd{q};
  return sys_days{std::chrono::year_month_day{ymd.year() / ymd.month() / 1} + std::chrono::months{3}};
}

// The date range a query reads: whole quarters [qa, qb) from the summaries, and the edges of
// the period outside them from the facts. Dates are formatted by us (never caller text), so
// they are written into the SQL as literals: the planner then sees the actual ranges.
struct Plan {
  std::optional<std::pair<std::string, std::string>> quarters;  // [qa, qb)
  std::vector<std::pair<std::string, std::string>> edges;        // [a, b] inclusive
};

std::string lit(sys_days d) { return "DATE '" + format_date(d) + "'"; }

Plan plan_for(const MetricsQuery& q) {
  Plan p;
  if (!q.from && !q.to) {
    p.quarters = {"DATE '-infinity'", "DATE 'infinity'"};
    return p;
  }
  std::optional<sys_days> qa, qb;  // nullopt = open
  if (q.from) qa = quarter_start(*q.from) == *q.from ? *q.from : next_quarter(quarter_start(*q.from));
  if (q.to) qb = quarter_start(*q.to + std::chrono::days{1});
  if (qa && qb && *qa >= *qb) {
    p.edges.push_back({lit(*q.from), lit(*q.to)});
    return p;
  }
  p.quarters = {qa ? lit(*qa) : "DATE '-infinity'", qb ? lit(*qb) : "DATE 'infinity'"};
  if (q.from && *qa > *q.from) p.edges.push_back({lit(*q.from), lit(*qa - std::chrono::days{1})});
  if (q.to && *qb <= *q.to) p.edges.push_back({lit(*qb), lit(*q.to)});
  return p;
}

// The group key as text: a date for year and quarter (labelled in C++), null for rows without
// a charging date there.
std::string group_expr(MetricGroupBy g) {
  switch (g) {
    case MetricGroupBy::none: return "''::text";
    // Dates and byte-wise text group and sort faster than collated text.
    case MetricGroupBy::year: return "CASE WHEN dated THEN date_trunc('year', quarter)::date END";
    case MetricGroupBy::quarter: return "CASE WHEN dated THEN quarter END";
    case MetricGroupBy::unit: return "unit COLLATE \"C\"";
    case MetricGroupBy::dda: return "dda_id COLLATE \"C\"";
    case MetricGroupBy::statute_category: return "statute_category COLLATE \"C\"";
  }
  return "''::text";
}

// The summary tables a grouping reads (the narrowest that has its key), V0008.
struct Tables {
  const char* counts;
  const char* pending;
  const char* days;
};

Tables tables_for(MetricGroupBy g, bool by_unit) {
  switch (g) {
    case MetricGroupBy::dda: return {"metric_counts_dda", "metric_pending_dda", "metric_days_dda"};
    case MetricGroupBy::statute_category:
      return {"metric_counts_category", "metric_pending_dda_category", "metric_days_category"};
    case MetricGroupBy::unit: return {"metric_counts", "metric_pending_dda", "metric_days_unit"};
    default: return {"metric_counts", "metric_pending_dda", by_unit ? "metric_days_unit" : "metric_days"};
  }
}

// The columns each source projects; a summary table without one gives '' (never grouped by).
std::string column_or_empty(const char* table, const char* column) {
  const std::string t = table;
  const std::string c = column;
  const bool has = (c == "unit" && t != "metric_days") || (c == "dda_id" && t.find("dda") != std::string::npos) ||
                   (c == "statute_category" && t.find("category") != std::string::npos);
  return has ? c : "''::text AS " + c;
}

std::string union_of(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& s : parts) out += (out.empty() ? "" : " UNION ALL ") + s;
  return out;
}

constexpr const char* kUnitFilter = " AND unit = (SELECT u FROM prm)";

// Rows of `table` for whole quarters, and the facts at the edges, as (quarter, dated, unit,
// dda_id, statute_category, <extra>): the union every query below aggregates.
std::string source(const Plan& p, bool by_unit, const char* table, const std::string& dated,
                   const std::string& extra_summary, const std::string& extra_facts, const std::string& facts_where) {
  std::vector<std::string> parts;
  const std::string unit = by_unit ? kUnitFilter : "";
  if (p.quarters)
    parts.push_back("SELECT quarter, " + dated + " AS dated, " + column_or_empty(table, "unit") + ", " +
                    column_or_empty(table, "dda_id") + ", " + column_or_empty(table, "statute_category") + ", " +
                    extra_summary + " FROM " + table + " WHERE n > 0 AND quarter >= " + p.quarters->first +
                    " AND quarter < " + p.quarters->second + unit);
  for (const auto& [a, b] : p.edges)
    parts.push_back("SELECT date_trunc('quarter', period_on)::date AS quarter, charged_on IS NOT NULL AS dated, unit, dda_id,"
                    " statute_category, " + extra_facts + " FROM metric_prosecution_facts f WHERE period_on >= " + a +
                    " AND period_on <= " + b + facts_where + unit);
  return union_of(parts);
}

// The unit, bound once (a named parameter may appear only once in a statement).
std::string prm(bool by_unit) { return by_unit ? "WITH prm AS (SELECT CAST(:unit AS text) AS u) " : ""; }

std::string counts_sql(const Plan& p, bool by_unit, MetricGroupBy g) {
  const std::string pending = kPendingStages, concluded = kConcludedStages;
  const Tables t = tables_for(g, by_unit);
  // Totals and groups in one pass (for group_by none the one group repeats the total; the
  // caller ignores it).
  return prm(by_unit) + "SELECT GROUPING(g), g::text,"
         " COALESCE(sum(n) FILTER (WHERE stage NOT IN ('Referred','Declined')), 0)::bigint,"
         " COALESCE(sum(n) FILTER (WHERE stage IN " + pending + "), 0)::bigint,"
         " COALESCE(sum(n) FILTER (WHERE stage IN " + concluded + "), 0)::bigint,"
         " COALESCE(sum(n) FILTER (WHERE stage IN ('Convicted','Sentenced')), 0)::bigint,"
         " COALESCE(sum(n) FILTER (WHERE stage IN ('Convicted','Sentenced') AND concluded_by = 'plea'), 0)::bigint,"
         " COALESCE(sum(n) FILTER (WHERE stage IN ('Convicted','Sentenced') AND concluded_by = 'verdict'), 0)::bigint,"
         " COALESCE(sum(n) FILTER (WHERE stage = 'Acquitted'), 0)::bigint,"
         " COALESCE(sum(n) FILTER (WHERE stage = 'Dismissed'), 0)::bigint,"
         " COALESCE(sum(n) FILTER (WHERE stage = 'Declined'), 0)::bigint,"
         " COALESCE(sum(prop35) FILTER (WHERE stage NOT IN ('Referred','Declined')), 0)::bigint"
         " FROM (SELECT " + group_expr(g) + " AS g, stage, concluded_by, n, prop35 FROM (" +
         source(p, by_unit, t.counts, "dated", "stage, concluded_by, n, prop35",
                "stage, concluded_by, 1::bigint AS n, prop35::bigint AS prop35", "") +
         ") src) s GROUP BY GROUPING SETS ((), (g)) HAVING GROUPING(g) = 1 OR (g IS NOT NULL AND sum(n) > 0)";
}

// Distinct lead DDAs of pending prosecutions over all units, for the whole period and per
// quarter, from V0013's presence tables: the per-quarter counts as kept, the period's DDAs as
// those whose pending quarters overlap it (one row per DDA), and partial quarters at the edges
// from the facts. Same rows as pending_ddas_sql's (GROUPING, key, count).
std::string pending_ddas_presence_sql(const Plan& p, MetricGroupBy g) {
  const std::string pending_facts = std::string(" AND stage IN ") + kPendingStages + " AND dda_id <> ''";
  std::vector<std::string> groups, members;
  if (p.quarters) {
    const auto& [qa, qb] = *p.quarters;
    groups.push_back("SELECT quarter, ddas FROM metric_pending_ddas WHERE ddas > 0 AND quarter >= " + qa +
                     " AND quarter < " + qb);
    members.push_back("SELECT dda_id FROM metric_pending_dda_quarters WHERE quarters && daterange(" + qa + ", " + qb +
                      ")");
  }
  for (const auto& [a, b] : p.edges) {
    const std::string from =
        " FROM metric_prosecution_facts WHERE period_on >= " + a + " AND period_on <= " + b + pending_facts;
    groups.push_back("SELECT date_trunc('quarter', period_on)::date, count(DISTINCT dda_id)" + from +
                     " AND charged_on IS NOT NULL GROUP BY 1");
    members.push_back("SELECT dda_id" + from);
  }
  if (members.empty()) return "SELECT 1, NULL::text, 0::bigint";
  std::string sql = "SELECT 1, NULL::text, (SELECT count(DISTINCT dda_id) FROM (" + union_of(members) + ") m)";
  if (g == MetricGroupBy::quarter) sql += " UNION ALL SELECT 0, g::text, n FROM (" + union_of(groups) + ") s(g, n)";
  return sql;
}

// Distinct lead DDAs of pending prosecutions, per group (caseload per DDA).
std::string pending_ddas_sql(const Plan& p, bool by_unit, MetricGroupBy g) {
  if (!by_unit && (g == MetricGroupBy::none || g == MetricGroupBy::quarter)) return pending_ddas_presence_sql(p, g);
  const Tables t = tables_for(g, by_unit);
  return prm(by_unit) + "SELECT GROUPING(g), g::text, count(DISTINCT dda_id) FILTER (WHERE dda_id <> '') FROM (SELECT " +
         group_expr(g) + " AS g, dda_id FROM (" +
         source(p, by_unit, t.pending, "dated", "n", "1::bigint AS n",
                std::string(" AND stage IN ") + kPendingStages) +
         ") src) s GROUP BY GROUPING SETS ((), (g))";
}

// One histogram per group, unordered (every row with days has a charging date, so each is in exactly one
// group; the total is their merge, made by the caller).
std::string days_sql(const Plan& p, bool by_unit, MetricGroupBy g) {
  const Tables t = tables_for(g, by_unit);
  return prm(by_unit) + "SELECT g::text, string_agg(days || ':' || n, ',') FROM (SELECT " + group_expr(g) +
         " AS g, days, n FROM (" +
         source(p, by_unit, t.days, "true", "days, n", "concluded_on - charged_on AS days, 1::bigint AS n",
                " AND metric_has_days(f)") +
         ") src) s WHERE g IS NOT NULL GROUP BY g";
}

// percentile_cont over a histogram "days:n,days:n" (ascending days), exactly as the engine's
// reference computes it over the expanded values.
using Bins = std::vector<std::pair<std::int64_t, std::int64_t>>;  // (days, count), ascending days

Bins parse_bins(const std::string& hist) {
  Bins bins;
  std::size_t pos = 0;
  while (pos < hist.size()) {
    std::size_t comma = hist.find(',', pos);
    if (comma == std::string::npos) comma = hist.size();
    const std::string item = hist.substr(pos, comma - pos);
    const std::size_t colon = item.find(':');
    bins.emplace_back(std::stoll(item.substr(0, colon)), std::stoll(item.substr(colon + 1)));
    pos = comma + 1;
  }
  return bins;
}

// percentile_cont(0.5) and (0.9) over a histogram, as the engine's reference computes them over
// the expanded values. Equal days may repeat (adjacent).
std::pair<std::optional<double>, std::optional<double>> percentiles(const Bins& bins) {
  std::int64_t total = 0;
  for (const auto& b : bins) total += b.second;
  if (total == 0) return {};
  auto at = [&](std::int64_t rank) {  // the value at 0-based rank
    std::int64_t seen = 0;
    for (const auto& [v, n] : bins) {
      seen += n;
      if (rank < seen) return v;
    }
    return bins.back().first;
  };
  auto pct = [&](double p) {
    const double position = p * static_cast<double>(total - 1);
    const auto below = static_cast<std::int64_t>(std::floor(position));
    const auto above = static_cast<std::int64_t>(std::ceil(position));
    const double fraction = position - static_cast<double>(below);
    const auto lo = static_cast<double>(at(below));
    const auto hi = static_cast<double>(at(above));
    return lo + fraction * (hi - lo);
  };
  return {pct(0.5), pct(0.9)};
}

std::string text_or_empty(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::size_t pos = 0;
  while (true) {
    std::size_t comma = s.find(',', pos);
    out.push_back(s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::vector<sys_days> dates_of(const std::string& csv) {
  std::vector<sys_days> out;
  for (const auto& s : split_csv(csv))
    if (auto d = parse_date(s, "date")) out.push_back(*d);
  return out;
}

}  // namespace

Result<ProsecutionMetricsReport> PgMetricsStore::prosecution_metrics(const MetricsQuery& q) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  soci::session& sql = **lease;
  const Plan plan = plan_for(q);
  const bool by_unit = q.unit.has_value();
  std::string unit = q.unit.value_or("");
  ProsecutionMetricsReport report;
  try {
    // One snapshot for both queries.
    soci::transaction tx(sql);
    sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";
    auto each_row = [&](const std::string& text, const auto& fn) {
      if (by_unit) {
        soci::rowset<soci::row> rs = (sql.prepare << text, soci::use(unit, "unit"));
        for (const auto& r : rs) fn(r);
      } else {
        soci::rowset<soci::row> rs = (sql.prepare << text);
        for (const auto& r : rs) fn(r);
      }
    };
    std::map<std::string, ProsecutionCounts> groups;
    ProsecutionCounts total;
    auto read_counts = [&](const soci::row& r, ProsecutionCounts& c) {
      c.charged = r.get<long long>(2);
      c.pending = r.get<long long>(3);
      c.concluded = r.get<long long>(4);
      c.convicted = r.get<long long>(5);
      c.convicted_by_plea = r.get<long long>(6);
      c.convicted_by_verdict = r.get<long long>(7);
      c.acquitted = r.get<long long>(8);
      c.dismissed = r.get<long long>(9);
      c.declined = r.get<long long>(10);
      c.prop35_charges_filed = r.get<long long>(11);
      if (c.concluded > 0) c.conviction_rate = static_cast<double>(c.convicted) / static_cast<double>(c.concluded);
    };
    // Year and quarter keys come as the first day of the year or quarter.
    auto key_of = [&](const soci::row& r, std::size_t column = 1) {
      std::string key = r.get<std::string>(column);
      if (q.group_by == MetricGroupBy::year || q.group_by == MetricGroupBy::quarter) {
        auto d = parse_date(key, "quarter");
        if (d) key = q.group_by == MetricGroupBy::year ? year_label(*d) : quarter_label(*d);
      }
      return key;
    };
    std::map<std::string, long long> pending_ddas;
    long long total_pending_ddas = 0;
    {
      each_row(counts_sql(plan, by_unit, q.group_by), [&](const soci::row& r) {
        if (r.get<int>(0) == 1) {
          read_counts(r, total);
        } else if (q.group_by != MetricGroupBy::none) {
          read_counts(r, groups[key_of(r)]);
        }
      });
      each_row(pending_ddas_sql(plan, by_unit, q.group_by), [&](const soci::row& r) {
        if (r.get<int>(0) == 1) {
          total_pending_ddas = r.get<long long>(2);
        } else if (q.group_by != MetricGroupBy::none && r.get_indicator(1) != soci::i_null) {
          pending_ddas[key_of(r)] = r.get<long long>(2);
        }
      });
      auto caseload = [](ProsecutionCounts& c, long long ddas) {
        if (ddas > 0) c.caseload_per_dda = static_cast<double>(c.pending) / static_cast<double>(ddas);
      };
      caseload(total, total_pending_ddas);
      for (auto& [key, c] : groups) {
        auto it = pending_ddas.find(key);
        if (it != pending_ddas.end()) caseload(c, it->second);
      }
    }
    {
      Bins all;
      each_row(days_sql(plan, by_unit, q.group_by), [&](const soci::row& r) {
        Bins bins = parse_bins(r.get<std::string>(1));
        std::sort(bins.begin(), bins.end());
        all.insert(all.end(), bins.begin(), bins.end());
        if (q.group_by == MetricGroupBy::none) return;
        auto& c = groups[key_of(r, 0)];
        std::tie(c.median_days_to_disposition, c.p90_days_to_disposition) = percentiles(bins);
      });
      std::sort(all.begin(), all.end());
      std::tie(total.median_days_to_disposition, total.p90_days_to_disposition) = percentiles(all);
    }
    report.metrics.total = total;
    for (auto& [key, c] : groups) report.metrics.groups.push_back({key, c});
    if (q.group_by == MetricGroupBy::dda && !groups.empty()) {
      std::vector<std::string> keys;
      for (const auto& [key, c] : groups)
        if (!key.empty()) keys.push_back(key);
      const std::string ids = pg_array(keys);
      soci::rowset<soci::row> rs = (sql.prepare << "SELECT id::text, display_name FROM users"
                                                   " WHERE id = ANY(CAST(:ids AS uuid[]))",
                                    soci::use(ids, "ids"));
      for (const auto& r : rs) report.labels[r.get<std::string>(0)] = r.get<std::string>(1);
    }
    tx.commit();
  } catch (...) {
    return current_exception_to_error();
  }
  return report;
}

Result<VictimCounts> PgMetricsStore::victim_counts(const MetricsQuery& q) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  soci::session& sql = **lease;
  const std::string from = q.from ? lit(*q.from) : "DATE '-infinity'";
  const std::string to = q.to ? lit(*q.to) : "DATE 'infinity'";
  const std::string local_created = "(v.created_at AT TIME ZONE 'America/Los_Angeles')::date";
  std::string text =
      "SELECT v.gender, COALESCE(v.race_ethnicity, ''), COALESCE(v.residence_county, ''),"
      " COALESCE(v.residence_state, ''), v.dob_sealed,"
      " (SELECT min(ch.offense_date)::text FROM charges ch JOIN victim_links l ON l.prosecution_id = ch.prosecution_id"
      "  WHERE l.victim_id = v.id),"
      " COALESCE((SELECT string_agg(s.status, ',') FROM service_plan_items s WHERE s.victim_id = v.id), ''),"
      " (EXISTS (SELECT 1 FROM mdt_reviews r WHERE r.victim_id = v.id AND r.meeting_date >= " + from +
      "  AND r.meeting_date <= " + to + "))::int,"
      " COALESCE((SELECT string_agg(f.concluded_on::text, ',') FROM victim_links l JOIN metric_prosecution_facts f"
      "  ON f.prosecution_id = l.prosecution_id WHERE l.victim_id = v.id AND f.concluded_on IS NOT NULL AND f.stage IN " +
      std::string(kConcludedStages) + "), ''),"
      " COALESCE((SELECT string_agg(c.referral_date::text, ',') FROM victim_links l JOIN prosecutions p"
      "  ON p.id = l.prosecution_id JOIN cases c ON c.id = p.case_id WHERE l.victim_id = v.id), '')"
      " FROM victims v WHERE " + local_created + " >= " + from + " AND " + local_created + " <= " + to +
      " AND (NOT EXISTS (SELECT 1 FROM victim_links l WHERE l.victim_id = v.id)"
      "  OR EXISTS (SELECT 1 FROM victim_links l WHERE l.victim_id = v.id AND l.role = 'named_victim'))";
  std::string unit = q.unit.value_or("");
  if (q.unit) text += " AND v.unit = :unit";
  std::vector<VictimFacts> facts;
  try {
    auto each = [&](const soci::row& r) {
      VictimFacts f;
      f.gender = r.get<std::string>(0);
      f.race_ethnicity = r.get<std::string>(1);
      f.residence_county = r.get<std::string>(2);
      f.residence_state = r.get<std::string>(3);
      const std::string dob_sealed = text_or_empty(r, 4);
      const std::string offense = text_or_empty(r, 5);
      // Minor status: the date of birth is opened here and never leaves the store.
      if (!dob_sealed.empty()) {
        std::optional<sys_days> offense_date;
        if (!offense.empty())
          if (auto d = parse_date(offense, "offense_date")) offense_date = *d;
        if (auto dob = cipher_.open(dob_sealed))
          if (auto d = parse_date(*dob, "dob")) f.minor_at_offense = minor_at_offense(*d, offense_date);
      }
      f.service_item_statuses = split_csv(r.get<std::string>(6));
      f.safety_net_reviewed = r.get<int>(7) != 0;
      f.prosecutions_concluded_on = dates_of(r.get<std::string>(8));
      f.referrals_on = dates_of(r.get<std::string>(9));
      facts.push_back(std::move(f));
    };
    if (q.unit) {
      soci::rowset<soci::row> rs = (sql.prepare << text, soci::use(unit, "unit"));
      for (const auto& r : rs) each(r);
    } else {
      soci::rowset<soci::row> rs = (sql.prepare << text);
      for (const auto& r : rs) each(r);
    }
  } catch (...) {
    return current_exception_to_error();
  }
  return compute_victim_counts(facts, region_);
}

Status PgMetricsStore::rebuild() {
  return in_transaction(pool_, [](soci::session& sql) -> Status {
    sql << "SELECT metric_rebuild()";
    return {};
  });
}

}  // namespace heat::db

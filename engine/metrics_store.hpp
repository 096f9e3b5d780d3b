// The port the dashboard reads its aggregates through (implemented in db/metrics_store.hpp,
// where the database computes them). Pure interface: no I/O here.
#pragma once

#include "engine/metrics.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace heat {

// A period (both ends inclusive, either may be open) and a scope.
struct MetricsQuery {
  std::optional<std::chrono::sys_days> from;
  std::optional<std::chrono::sys_days> to;
  std::optional<std::string> unit;  // only this unit's records (a supervisor's scope); nullopt = all
  MetricGroupBy group_by = MetricGroupBy::none;
};

struct ProsecutionMetricsReport {
  ProsecutionMetrics metrics;  // as compute_prosecution_metrics over the period's prosecutions
  // A display label per group key where the key is an id (group_by=dda: the DDA's display name).
  std::map<std::string, std::string> labels;
};

class MetricsStore {
 public:
  virtual ~MetricsStore() = default;
  // Prosecutions whose period date (the first charging, or for never-charged referrals the
  // case's referral date) is within the period.
  [[nodiscard]] virtual Result<ProsecutionMetricsReport> prosecution_metrics(const MetricsQuery& q) = 0;
  // Victims recorded (created) within the period; raw counts, for suppression by the caller.
  // A victim linked only as a witness is not counted. group_by is ignored.
  [[nodiscard]] virtual Result<VictimCounts> victim_counts(const MetricsQuery& q) = 0;
};

}  // namespace heat

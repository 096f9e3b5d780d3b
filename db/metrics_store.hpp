// The dashboard's aggregates from PostgreSQL (engine/metrics_store.hpp). Prosecution metrics
// are read from the summary tables that V0008's triggers keep current in every writing
// transaction (whole quarters), plus the per-prosecution facts of a partial quarter at the
// edges of a period; percentiles come exactly from the days-to-disposition histogram. Victim
// counts come from the victims tables (small), with minor status derived from the sealed date
// of birth opened here and never returned. Thread-safe: each call borrows its own session.
#pragma once

#include "db/pool.hpp"
#include "engine/field_cipher.hpp"
#include "engine/metrics_store.hpp"

namespace heat::db {

class PgMetricsStore final : public MetricsStore {
 public:
  PgMetricsStore(Pool& pool, const FieldCipher& cipher, CountyRegion region = CountyRegion::alameda())
      : pool_(pool), cipher_(cipher), region_(std::move(region)) {}

  [[nodiscard]] Result<ProsecutionMetricsReport> prosecution_metrics(const MetricsQuery& q) override;
  [[nodiscard]] Result<VictimCounts> victim_counts(const MetricsQuery& q) override;

  // Recomputes every aggregate from the base tables (metric_rebuild()), in one transaction.
  [[nodiscard]] Status rebuild();

 private:
  Pool& pool_;
  const FieldCipher& cipher_;
  CountyRegion region_;
};

}  // namespace heat::db

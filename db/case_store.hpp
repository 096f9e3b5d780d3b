// Cases, persons, prosecutions, charges and the prosecution transition log in PostgreSQL
// (engine/cases.hpp's CaseStore). Every write is one transaction holding the row lock of the
// record it changes (the prosecution for events and counts, the case for case changes) and
// appends its audit entry and stored Idempotency-Key response in that same transaction.
// Thread-safe: each call borrows its own pooled session.
#pragma once

#include "db/pool.hpp"
#include "engine/cases.hpp"

namespace heat::db {

class PgCaseStore final : public CaseStore {
 public:
  explicit PgCaseStore(Pool& pool) : pool_(pool) {}

  [[nodiscard]] Result<Case> create_case(const NewCase& c, const AuditEntry& audit,
                                         const Idempotent<Case>* idem) override;
  [[nodiscard]] Result<std::optional<Case>> get_case(const std::string& id) override;
  [[nodiscard]] Result<std::vector<Case>> list_cases(const CaseFilter& filter) override;
  [[nodiscard]] Result<Case> patch_case(const std::string& id, std::optional<int> expected_version,
                                        const CasePatch& patch, const Authorizer& authorize,
                                        const AuditEntry& audit) override;
  [[nodiscard]] Result<ReassignResult> reassign(const ReassignRequest& r, const Authorizer& authorize,
                                                const AuditEntry& audit,
                                                const Idempotent<ReassignResult>* idem) override;
  [[nodiscard]] Result<ProsecutionRecord> create_prosecution(const NewProsecution& p, const Authorizer& authorize,
                                                             const AuditEntry& audit,
                                                             const Idempotent<ProsecutionRecord>* idem) override;
  [[nodiscard]] Result<std::optional<ProsecutionRecord>> get_prosecution(const std::string& id) override;
  [[nodiscard]] Result<std::optional<std::string>> prosecution_of_charge(const std::string& charge_id) override;
  [[nodiscard]] Result<ProsecutionRecord> add_charge(const std::string& prosecution_id, const NewCharge& charge,
                                                     TimePoint occurred_at, const Authorizer& authorize,
                                                     const AuditEntry& audit, std::string& new_charge_id,
                                                     const Idempotent<ProsecutionRecord>* idem) override;
  [[nodiscard]] Result<ProsecutionRecord> patch_charge(const std::string& charge_id,
                                                       std::optional<int> expected_version, const ChargePatch& patch,
                                                       TimePoint occurred_at, const Authorizer& authorize,
                                                       const AuditEntry& audit) override;
  [[nodiscard]] Result<ProsecutionRecord> apply_event(const std::string& prosecution_id,
                                                      std::optional<int> expected_version,
                                                      const EventDecider& decide, const Authorizer& authorize,
                                                      const AuditEntry& audit,
                                                      const Idempotent<ProsecutionRecord>* idem) override;
  [[nodiscard]] Result<EventTimeCorrection> correct_event_time(const std::string& prosecution_id, int seq,
                                                               TimePoint occurred_at, const std::string& reason,
                                                               std::optional<int> expected_version,
                                                               const Authorizer& authorize,
                                                               const AuditEntry& audit) override;
  [[nodiscard]] Result<std::vector<HistoryEntry>> history(const std::string& prosecution_id) override;
  [[nodiscard]] Result<std::optional<IdempotencyRecord>> find_idempotent(const std::string& user_id,
                                                                          const std::string& key) override;

 private:
  Pool& pool_;
};

}  // namespace heat::db

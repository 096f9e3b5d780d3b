// The hash-chained audit log in PostgreSQL. append_in() writes an entry inside the caller's
// transaction (so the entry commits or rolls back with the change it records); the chain's
// order is taken with a transaction-level advisory lock.
#pragma once

#include "db/pool.hpp"
#include "engine/identity.hpp"

namespace heat::db {

// Appends within the session's open transaction. Throws soci errors (callers are inside
// in_transaction, which turns them into values).
void append_audit(soci::session& sql, const AuditEntry& entry);

class PgAuditLog final : public AuditLog {
 public:
  explicit PgAuditLog(Pool& pool) : pool_(pool) {}
  [[nodiscard]] Status append(const AuditEntry& entry) override;
  [[nodiscard]] Result<std::vector<AuditRecord>> list(const AuditFilter& filter) override;
  [[nodiscard]] Result<AuditVerification> verify() override;

 private:
  Pool& pool_;
};

}  // namespace heat::db

// Evidence items, the hash-chained custody log and disclosures in PostgreSQL
// (engine/evidence.hpp's EvidenceStore), and the victims' identity values the redaction check
// compares against (VictimIdentitySource). Every write is one transaction holding the row
// lock of the item (custody, corrections) or the case (new items, disclosures), and appends
// its audit entry in that transaction. Thread-safe: each call borrows its own pooled session.
#pragma once

#include "db/pool.hpp"
#include "engine/evidence.hpp"

namespace heat::db {

class PgEvidenceStore final : public EvidenceStore {
 public:
  explicit PgEvidenceStore(Pool& pool) : pool_(pool) {}

  [[nodiscard]] Result<EvidenceItem> create_item(const NewEvidenceItem& item, const Authorizer& authorize,
                                                 const AuditEntry& audit, const Idempotent<EvidenceItem>* idem) override;
  [[nodiscard]] Result<std::optional<EvidenceItem>> get_item(const std::string& id) override;
  [[nodiscard]] Result<std::vector<EvidenceItem>> items_of_case(const std::string& case_id) override;
  [[nodiscard]] Result<EvidenceItem> patch_item(const std::string& id, std::optional<int> expected_version,
                                                const EvidencePatch& patch, const Authorizer& authorize,
                                                const AuditEntry& audit) override;
  [[nodiscard]] Result<CustodyAppended> append_custody(const std::string& item_id, const NewCustodyEvent& event,
                                                      const EvidenceStatusDecider& decide,
                                                      const Authorizer& authorize, const AuditEntry& audit,
                                                      const Idempotent<CustodyAppended>* idem) override;
  [[nodiscard]] Result<std::vector<CustodyEvent>> custody(const std::string& item_id) override;
  [[nodiscard]] Result<ChainVerification> verify(const std::string& item_id) override;
  [[nodiscard]] Result<std::vector<std::pair<std::string, ChainVerification>>> verify_all() override;
  [[nodiscard]] Result<Disclosure> record_disclosure(const NewDisclosure& d, const Authorizer& authorize,
                                                     const AuditEntry& audit, const Idempotent<Disclosure>* idem) override;
  [[nodiscard]] Result<std::vector<Disclosure>> disclosures(const DisclosureFilter& filter) override;

 private:
  Pool& pool_;
};

}  // namespace heat::db

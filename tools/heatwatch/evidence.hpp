// Wiring of the evidence work (issue 8) that serve needs: where the redaction check finds
// the linked victims' identity values.
#pragma once

#include "db/pool.hpp"
#include "engine/field_cipher.hpp"
#include "engine/evidence.hpp"

#include <memory>

namespace heat::cli {

// The redaction check's identity values: the linked victims' sealed identities, opened with
// `cipher` (which must outlive the source).
[[nodiscard]] std::unique_ptr<VictimIdentitySource> make_victim_identity_source(db::Pool& pool,
                                                                               const FieldCipher& cipher);

// Demo data for one case: a phone extraction and an online ad, each with a short chain
// (collected, to the lab, back), and with `disclose` a disclosure of the first to defense
// counsel (which meets an open PC 1054.7 deadline of the case's only prosecution). Writes
// through the store like the API, audited as `audit`'s actor. Returns the items created.
[[nodiscard]] Result<int> load_demo_evidence(EvidenceStore& store, const std::string& case_id, TimePoint start,
                                             const AuditEntry& audit, bool disclose);

}  // namespace heat::cli

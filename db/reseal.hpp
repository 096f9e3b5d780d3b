// Key rotation for victims' sealed identity data: after a new key is put first in the key
// ring (HEATWATCH_ENCRYPTION_KEY_FILE), `heatwatch reseal` re-encrypts every value sealed
// with an older key, so the old key can later be retired.
#pragma once

#include "db/pool.hpp"
#include "engine/field_cipher.hpp"
#include "engine/identity.hpp"

#include <functional>

namespace heat::db {

struct ResealReport {
  int victims = 0;  // victims with at least one value re-sealed
  int values = 0;   // sealed values re-sealed
};

// Re-seals, with the cipher's current key, every victim value sealed with another key of the
// ring; `batch` victims per transaction (rows claimed with SKIP LOCKED, so it can run beside
// the server), each batch audited. `progress(done, total)` after each batch. domain_rule when
// a value names a key that is not in the ring (nothing of that batch is written).
[[nodiscard]] Result<ResealReport> reseal_victim_identities(Pool& pool, const FieldCipher& cipher, int batch,
                                                            const AuditEntry& audit,
                                                            const std::function<void(int, int)>& progress);

// Seals users' TOTP secrets with the current key: plain ones (stored before secrets were
// sealed) and those of an older key. One transaction, audited. Returns how many.
[[nodiscard]] Result<int> reseal_totp_secrets(Pool& pool, const FieldCipher& cipher, const AuditEntry& audit);

}  // namespace heat::db

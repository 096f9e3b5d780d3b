// Wiring of the evidence work (issue 8) that serve needs: where the redaction check finds
// the linked victims' identity values.
#pragma once

#include "db/pool.hpp"
#include "engine/evidence.hpp"

#include <memory>

namespace heat::cli {

// db::PgVictimIdentitySource. When HEATWATCH_TEST_VICTIM_IDENTITIES names a JSON file
// ({"<case id>": [{"field": "legal_name", "value": "..."}, ...]}), its values are added —
// for tests and training only (re-read on every check; logged loudly at start).
[[nodiscard]] std::unique_ptr<VictimIdentitySource> make_victim_identity_source(db::Pool& pool);

}  // namespace heat::cli

// The migration runner: applies db/migrations/V*.sql (embedded into the binary at build time)
// in order, each in its own transaction, recording name and SHA-256 checksum in
// schema_migrations. A changed, already applied migration is an error. Concurrent runs are
// serialized with a session-level advisory lock.
#pragma once

#include "engine/result.hpp"

#include <string>
#include <vector>

namespace soci {
class session;
}

namespace heat::db {

struct MigrationSource {
  std::string name;  // "V0001__init.sql"
  std::string sql;
};

// Every migration under db/migrations, in file-name order (generated source).
const std::vector<MigrationSource>& embedded_migrations();

struct MigrationReport {
  std::vector<std::string> applied;  // names applied by this run
  std::size_t already_applied = 0;
};

// Applies what is missing. Errors: invalid_argument for a malformed file name,
// domain_rule when an applied migration's checksum changed, unavailable when the database
// cannot be reached.
[[nodiscard]] Result<MigrationReport> migrate(soci::session& session,
                                              const std::vector<MigrationSource>& migrations);

}  // namespace heat::db

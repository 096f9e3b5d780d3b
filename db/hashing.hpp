// SHA-256 for the database layer (migration checksums, the audit chain).
#pragma once

#include <string>
#include <string_view>

namespace heat::db {

// Lowercase hex SHA-256 of the bytes.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

}  // namespace heat::db

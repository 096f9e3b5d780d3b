// JSON arrays of strings as the stores exchange them with PostgreSQL: read from
// `array_to_json(...)::text` / jsonb columns, written as text for `CAST(:x AS jsonb)` or
// `ARRAY(SELECT jsonb_array_elements_text(...))`.
#pragma once

#include <string>
#include <vector>

namespace heat::db {

// The strings of a JSON array; anything else (null, not an array, not JSON) gives none, and
// non-string elements are skipped.
[[nodiscard]] std::vector<std::string> string_array(const std::string& json_text);

// A JSON array of the given strings.
[[nodiscard]] std::string json_array_text(const std::vector<std::string>& values);

}  // namespace heat::db

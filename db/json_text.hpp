// Lists of strings as the stores exchange them with PostgreSQL as text: JSON arrays read from
// `array_to_json(...)::text` / jsonb columns or written for `CAST(:x AS jsonb)` and
// `ARRAY(SELECT jsonb_array_elements_text(...))`; array literals bound as one parameter.
#pragma once

#include <string>
#include <vector>

namespace heat::db {

// The strings of a JSON array; anything else (null, not an array, not JSON) gives none, and
// non-string elements are skipped.
[[nodiscard]] std::vector<std::string> string_array(const std::string& json_text);

// A JSON array of the given strings.
[[nodiscard]] std::string json_array_text(const std::vector<std::string>& values);

// A PostgreSQL array literal of the given strings ({"a","b"}), each quoted, to bind as one
// parameter: `= ANY(CAST(:ids AS uuid[]))`.
[[nodiscard]] std::string pg_array(const std::vector<std::string>& values);

}  // namespace heat::db

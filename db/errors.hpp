// The database edge: turns SOCI / libpq exceptions into error values by SQLSTATE class, so
// callers react to what happened (retry a serialization failure, report a duplicate, answer
// 503 when the server is gone) instead of catching driver exceptions.
#pragma once

#include "engine/result.hpp"

#include <exception>
#include <string>

namespace heat::db {

// Maps the exception currently being handled (call inside a catch block) to an Error:
// 23505 unique_violation -> already_exists; 40001 / 40P01 -> aborted; class 08, 57P01-57P03
// and lost connections -> unavailable; 23xxx other integrity violations -> domain_rule;
// 22xxx data exceptions -> invalid_argument; anything else -> internal.
[[nodiscard]] Error current_exception_to_error();

// Maps a SQLSTATE (five characters) to an error code, as above.
[[nodiscard]] ErrorCode error_code_for_sqlstate(const std::string& sqlstate);

}  // namespace heat::db

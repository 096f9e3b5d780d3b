#include "db/errors.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

namespace heat::db {

ErrorCode error_code_for_sqlstate(const std::string& s) {
  if (s == "23505") return ErrorCode::already_exists;
  if (s == "40001" || s == "40P01") return ErrorCode::aborted;
  if (s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03") return ErrorCode::unavailable;
  if (s.rfind("23", 0) == 0) return ErrorCode::domain_rule;
  if (s.rfind("22", 0) == 0) return ErrorCode::invalid_argument;
  return ErrorCode::internal;
}

Error current_exception_to_error() {
  try {
    throw;
  } catch (const soci::postgresql_soci_error& e) {
    const std::string state = e.sqlstate();
    ErrorCode code = error_code_for_sqlstate(state);
    if (e.get_error_category() == soci::soci_error::connection_error) code = ErrorCode::unavailable;
    if (code == ErrorCode::internal) spdlog::error("database error {}: {}", state, e.get_error_message());
    return Error::of(code, code == ErrorCode::internal ? "database error" : e.get_error_message());
  } catch (const soci::soci_error& e) {
    if (e.get_error_category() == soci::soci_error::connection_error)
      return Error::of(ErrorCode::unavailable, "database unavailable");
    spdlog::error("database error: {}", e.get_error_message());
    return Error::of(ErrorCode::internal, "database error");
  } catch (const std::exception& e) {
    spdlog::error("unexpected error at the database edge: {}", e.what());
    return Error::of(ErrorCode::internal, "internal error");
  }
}

}  // namespace heat::db

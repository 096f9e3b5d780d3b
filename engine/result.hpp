// Errors are values until the edge: every expected failure (bad input, not found, a refused
// transition, a stale version) is an Error, returned in a Result<T>. The api/ layer maps
// ErrorCode to an HTTP status in one table (api/problem.cpp).
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <utility>
#include <vector>

namespace heat {

// Chosen by what the caller should do next (after absl::StatusCode).
enum class ErrorCode {
  invalid_argument,     // fix the input (HTTP 400)
  unauthenticated,      // sign in again (401)
  permission_denied,    // not allowed, and the record's existence is no secret (403)
  not_found,            // absent or not visible to this caller (404)
  conflict,             // a workflow event not allowed now (409, with allowed_events)
  precondition_failed,  // stale version / If-Match (412)
  payload_too_large,    // (413)
  unsupported_media,    // (415)
  domain_rule,          // well-formed but breaks a rule of the domain (422)
  rate_limited,         // (429)
  already_exists,       // unique key taken (409)
  aborted,              // serialization failure: retry the whole read-modify-write
  unavailable,          // database or dependency down: retry the call later (503)
  internal,             // a bug or an unexpected failure (500)
};

struct FieldError {
  std::string field;
  std::string message;
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::vector<FieldError> fields;           // for invalid_argument
  std::vector<std::string> allowed_events;  // for conflict

  static Error invalid(std::string field, std::string message) {
    Error e{ErrorCode::invalid_argument, "invalid input", {}, {}};
    e.fields.push_back({std::move(field), std::move(message)});
    return e;
  }
  static Error of(ErrorCode code, std::string message) { return Error{code, std::move(message), {}, {}}; }
};

// Throws on value() of an error: only reached by a bug, never by an expected outcome.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

using Status = boost::system::result<void, Error>;

const char* to_string(ErrorCode code);

}  // namespace heat

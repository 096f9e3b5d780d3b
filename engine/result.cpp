#include "engine/result.hpp"

#include <stdexcept>

namespace heat {

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::logic_error(std::string("unchecked error result: ") + to_string(e.code) + ": " + e.message);
}

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::permission_denied: return "permission_denied";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::precondition_failed: return "precondition_failed";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::unsupported_media: return "unsupported_media";
    case ErrorCode::domain_rule: return "domain_rule";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::already_exists: return "already_exists";
    case ErrorCode::aborted: return "aborted";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

}  // namespace heat

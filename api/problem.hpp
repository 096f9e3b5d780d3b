// RFC 9457 problem documents, and the one table from ErrorCode to HTTP status.
#pragma once

#include "api/http.hpp"
#include "engine/result.hpp"

namespace heat::api {

[[nodiscard]] int http_status_for(ErrorCode code);

// A problem+json response for an error value: type, title, status, detail, and `errors`
// for field errors, `allowed_events` for refused workflow events.
[[nodiscard]] Response problem(const Error& error);

// A problem+json response built from a status and a detail.
[[nodiscard]] Response problem(int status, std::string detail);

}  // namespace heat::api

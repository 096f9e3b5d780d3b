#include "api/problem.hpp"

#include <boost/json.hpp>

namespace heat::api {
namespace {

const char* title_for(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

Response finish(int status, boost::json::object body) {
  body["type"] = "about:blank";
  body["title"] = title_for(status);
  body["status"] = status;
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(body);
  if (status == 503 || status == 429) r.with_header("Retry-After", "1");
  return r;
}

}  // namespace

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return 400;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::permission_denied: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::already_exists: return 409;
    case ErrorCode::precondition_failed: return 412;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::unsupported_media: return 415;
    case ErrorCode::domain_rule: return 422;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::aborted: return 503;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::internal: return 500;
  }
  return 500;
}

Response problem(const Error& error) {
  const int status = http_status_for(error.code);
  boost::json::object body;
  // Internal details stay in the server log, never in a response.
  body["detail"] = status == 500 ? "internal error" : error.message;
  if (!error.fields.empty()) {
    boost::json::array errors;
    for (const auto& f : error.fields) errors.push_back({{"field", f.field}, {"message", f.message}});
    body["errors"] = std::move(errors);
  }
  if (error.code == ErrorCode::conflict) {
    boost::json::array allowed;
    for (const auto& e : error.allowed_events) allowed.push_back(boost::json::string(e));
    body["allowed_events"] = std::move(allowed);
  }
  return finish(status, std::move(body));
}

Response problem(int status, std::string detail) {
  boost::json::object body;
  body["detail"] = std::move(detail);
  return finish(status, std::move(body));
}

}  // namespace heat::api

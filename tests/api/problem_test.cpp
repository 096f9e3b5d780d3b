#include "api/problem.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace heat::api {
namespace {

TEST(Problem, StatusTableCoversEveryCode) {
  const std::pair<ErrorCode, int> table[] = {
      {ErrorCode::invalid_argument, 400}, {ErrorCode::unauthenticated, 401},  {ErrorCode::permission_denied, 403},
      {ErrorCode::not_found, 404},        {ErrorCode::conflict, 409},         {ErrorCode::already_exists, 409},
      {ErrorCode::precondition_failed, 412}, {ErrorCode::payload_too_large, 413}, {ErrorCode::unsupported_media, 415},
      {ErrorCode::domain_rule, 422},      {ErrorCode::rate_limited, 429},     {ErrorCode::aborted, 503},
      {ErrorCode::unavailable, 503},      {ErrorCode::internal, 500},
  };
  for (auto [code, status] : table) EXPECT_EQ(http_status_for(code), status) << to_string(code);
}

TEST(Problem, ValidationErrorListsFields) {
  auto r = problem(Error::invalid("da_number", "required"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 400);
  EXPECT_EQ(body.at("title").as_string(), "Bad Request");
  EXPECT_TRUE(body.contains("type"));
  EXPECT_EQ(body.at("errors").as_array().at(0).as_object().at("field").as_string(), "da_number");
}

TEST(Problem, ConflictListsAllowedEvents) {
  Error e = Error::of(ErrorCode::conflict, "not allowed in Referred");
  e.allowed_events = {"decline", "file_complaint"};
  auto body = boost::json::parse(problem(e).body).as_object();
  EXPECT_EQ(body.at("allowed_events").as_array().size(), 2u);
  EXPECT_EQ(body.at("allowed_events").as_array().at(1).as_string(), "file_complaint");
}

TEST(Problem, InternalDetailsNeverLeak) {
  auto r = problem(Error::of(ErrorCode::internal, "relation users does not exist at /secret/path"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST(Problem, OverloadCarriesRetryAfter) {
  auto r = problem(503, "busy");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
}

}  // namespace
}  // namespace heat::api

#include "api/json_body.hpp"

#include <gtest/gtest.h>

namespace heat::api {
namespace {

Request json_request(std::string body, std::string type = "application/json; charset=utf-8") {
  Request r;
  r.method = "POST";
  r.headers["content-type"] = std::move(type);
  r.body = std::move(body);
  return r;
}

TEST(JsonBody, AcceptsKnownFields) {
  auto r = parse_json_body(json_request(R"({"name":"x","dob":"2001-01-01"})"), {"name", "dob"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("name").as_string(), "x");
}

TEST(JsonBody, WrongContentTypeIs415) {
  auto r = parse_json_body(json_request("{}", "text/plain"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unsupported_media);
  Request none;
  none.body = "{}";
  EXPECT_EQ(parse_json_body(none, {}).error().code, ErrorCode::unsupported_media);
}

TEST(JsonBody, MalformedJsonIs400) {
  auto r = parse_json_body(json_request(R"({"name":)"), {"name"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(JsonBody, InvalidUtf8Is400) {
  auto r = parse_json_body(json_request("{\"name\":\"\xff\xfe\"}"), {"name"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(JsonBody, NonObjectIs400) {
  EXPECT_EQ(parse_json_body(json_request("[1,2]"), {}).error().code, ErrorCode::invalid_argument);
}

TEST(JsonBody, UnknownFieldsAreNamed) {
  auto r = parse_json_body(json_request(R"({"name":"x","role":"admin"})"), {"name"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "role");
}

}  // namespace
}  // namespace heat::api

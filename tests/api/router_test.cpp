#include "api/router.hpp"

#include <gtest/gtest.h>

namespace heat::api {
namespace {

Router make_router() {
  Router r;
  auto h = [](const Request&) { return Response{}; };
  r.add({.method = "GET", .pattern = "/api/v1/cases/{id}", .handler = h});
  r.add({.method = "PATCH", .pattern = "/api/v1/cases/{id}", .handler = h});
  r.add({.method = "POST", .pattern = "/api/v1/cases/reassign", .handler = h});
  r.add({.method = "GET", .pattern = "/healthz", .handler = h});
  return r;
}

TEST(Router, MatchesPlaceholdersAndCapturesThem) {
  auto r = make_router();
  auto m = r.match("GET", "/api/v1/cases/abc");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).route->pattern, "/api/v1/cases/{id}");
  EXPECT_EQ(std::get<RouteMatch>(m).params.at("id"), "abc");
  EXPECT_EQ(std::get<RouteMatch>(m).route->name, "GET /api/v1/cases/{id}");
}

TEST(Router, LiteralSegmentBeatsPlaceholder) {
  auto r = make_router();
  auto m = r.match("POST", "/api/v1/cases/reassign");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).route->pattern, "/api/v1/cases/reassign");
}

TEST(Router, UnknownPathIsNoRoute) {
  auto r = make_router();
  EXPECT_TRUE(std::holds_alternative<NoRoute>(r.match("GET", "/nope")));
  EXPECT_TRUE(std::holds_alternative<NoRoute>(r.match("GET", "/api/v1/cases/a/b")));
  EXPECT_TRUE(std::holds_alternative<NoRoute>(r.match("GET", "/api/v1/cases")));
}

TEST(Router, WrongMethodListsAllowedOnes) {
  auto r = make_router();
  auto m = r.match("DELETE", "/api/v1/cases/x");
  ASSERT_TRUE(std::holds_alternative<MethodNotAllowed>(m));
  EXPECT_EQ(std::get<MethodNotAllowed>(m).allowed, (std::vector<std::string>{"GET", "PATCH"}));
}

}  // namespace
}  // namespace heat::api

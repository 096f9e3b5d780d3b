// Every route the application registers has a decision in the access policy's route table:
// a new route without one fails here.
#include "api/app.hpp"
#include "engine/access_policy.hpp"

#include <gtest/gtest.h>

namespace heat::api {
namespace {

TEST(Routes, EveryRegisteredRouteHasAPolicyDecision) {
  Router router;
  Metrics metrics;
  AppServices services;  // handlers are not called; registration needs no services
  struct NoProbe : HealthProbe {
    Status check() override { return {}; }
  } probe;
  services.health = &probe;
  services.metrics = &metrics;
  build_routes(router, services);
  ASSERT_FALSE(router.routes().empty());
  for (const auto& route : router.routes()) {
    bool found = false;
    for (const auto& spec : route_table())
      found = found || (spec.method == route.method && spec.path == route.pattern);
    EXPECT_TRUE(found) << route.method << " " << route.pattern << " has no entry in engine/access_policy.cpp";
  }
}

}  // namespace
}  // namespace heat::api

// api/openapi.yaml describes every route the server registers, with its method.
#include "api/app.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace heat::api {
namespace {

std::string read_openapi() {
  std::ifstream in(std::string(HEATWATCH_SOURCE_DIR) + "/api/openapi.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(OpenApi, DescribesEveryRegisteredRoute) {
  const std::string doc = read_openapi();
  ASSERT_NE(doc.find("openapi: 3.1.0"), std::string::npos);
  Router router;
  Metrics metrics;
  struct NoProbe : HealthProbe {
    Status check() override { return {}; }
  } probe;
  AppServices services;
  services.health = &probe;
  services.metrics = &metrics;
  build_routes(router, services);
  for (const auto& route : router.routes()) {
    const std::string key = "\n  " + route.pattern + ":\n";
    const auto start = doc.find(key);
    ASSERT_NE(start, std::string::npos) << route.pattern << " is not in api/openapi.yaml";
    const auto end = std::min(doc.find("\n  /", start + key.size() - 1), doc.find("\ncomponents:", start));
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::string block = doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_NE(block.find("\n    " + method + ":"), std::string::npos)
        << route.method << " " << route.pattern << " is not in api/openapi.yaml";
  }
}

}  // namespace
}  // namespace heat::api

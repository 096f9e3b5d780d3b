#include "api/metrics.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace heat::api {
namespace {

// Every non-comment line of the exposition is `name{labels} value`.
void expect_valid_exposition(const std::string& text) {
  static const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfa]+$)");
  static const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::istringstream in(text);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    if (line.rfind('#', 0) == 0) {
      EXPECT_TRUE(std::regex_match(line, comment)) << line;
    } else {
      EXPECT_TRUE(std::regex_match(line, sample)) << line;
      ++samples;
    }
  }
  EXPECT_GT(samples, 0);
}

TEST(Metrics, CountsByRouteAndStatusAndRendersValidText) {
  Metrics m;
  m.record_request("GET /healthz", "GET", 200, std::chrono::microseconds(300));
  m.record_request("GET /healthz", "GET", 200, std::chrono::milliseconds(3));
  m.record_request("unmatched", "GET", 404, std::chrono::microseconds(100));
  m.add_gauge("heatwatch_db_pool_in_use", "in use", [] { return 3.0; });
  const std::string text = m.render();
  expect_valid_exposition(text);
  EXPECT_NE(text.find(R"(heatwatch_http_requests_total{route="GET /healthz",method="GET",status="200"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(heatwatch_http_request_duration_seconds_bucket{route="GET /healthz",le="0.001"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find("heatwatch_db_pool_in_use 3"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.record_request("a\"b\\c", "GET", 200, std::chrono::microseconds(1));
  EXPECT_NE(m.render().find(R"(route="a\"b\\c")"), std::string::npos);
}

}  // namespace
}  // namespace heat::api

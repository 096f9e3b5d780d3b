// Prometheus metrics for GET /metrics: request counts by route, method and status, request
// latency histograms by route, and gauges read at scrape time (pool in use, queue depth).
// Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace heat::api {

class Metrics {
 public:
  void record_request(const std::string& route, const std::string& method, int status,
                      std::chrono::nanoseconds latency);
  // A gauge whose value is read when /metrics is scraped.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  // The text exposition format, version 0.0.4.
  [[nodiscard]] std::string render() const;

 private:
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<unsigned long long, kBuckets.size()> buckets{};
    unsigned long long count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, unsigned long long> requests_;
  std::map<std::string, Histogram> latency_;
  std::vector<Gauge> gauges_;
};

}  // namespace heat::api

#include "api/metrics.hpp"

#include <sstream>

namespace heat::api {
namespace {

// Label values escape backslash, double quote and newline.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::record_request(const std::string& route, const std::string& method, int status,
                             std::chrono::nanoseconds latency) {
  const double seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  Histogram& h = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP heatwatch_http_requests_total HTTP requests by route, method and status.\n"
      << "# TYPE heatwatch_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out << "heatwatch_http_requests_total{route=\"" << label(route) << "\",method=\"" << label(method)
        << "\",status=\"" << status << "\"} " << n << "\n";
  }
  out << "# HELP heatwatch_http_request_duration_seconds HTTP request latency by route.\n"
      << "# TYPE heatwatch_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string r = label(route);
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out << "heatwatch_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"" << kBuckets[i] << "\"} "
          << h.buckets[i] << "\n";
    out << "heatwatch_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} " << h.count << "\n"
        << "heatwatch_http_request_duration_seconds_sum{route=\"" << r << "\"} " << h.sum << "\n"
        << "heatwatch_http_request_duration_seconds_count{route=\"" << r << "\"} " << h.count << "\n";
  }
  for (const auto& g : gauges_) {
    out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " gauge\n"
        << g.name << " " << g.read() << "\n";
  }
  return out.str();
}

}  // namespace heat::api

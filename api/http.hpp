// Plain request and response values that handlers see. No Beast types: handlers and their
// tests stay cheap to compile and independent of the transport (api/server.cpp converts).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heat::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, "/api/v1/cases?limit=5"
  std::string path;    // decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> path_params;         // from "{name}" segments
  std::map<std::string, std::string> headers;             // lower-case names
  std::string body;
  std::string remote_address;

  // Header value by lower-case name.
  [[nodiscard]] const std::string* header(std::string_view lower_name) const {
    auto it = headers.find(std::string(lower_name));
    return it == headers.end() ? nullptr : &it->second;
  }
  // First query parameter of that name.
  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const {
    for (const auto& [k, v] : query)
      if (k == name) return v;
    return std::nullopt;
  }
  [[nodiscard]] const std::string& param(const std::string& name) const { return path_params.at(name); }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace heat::api

// The one explicit routing table. Patterns are literal segments and "{name}" placeholders;
// matching is exact per segment. Unknown path -> 404, known path with another method -> 405
// with the allowed methods.
#pragma once

#include "api/http.hpp"

#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace heat::api {

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/cases/{id}"
  std::string name;     // metrics label; defaults to "METHOD pattern"
  Handler handler;
  // Runs on the bounded worker pool (it may block on the database); false runs it on the
  // I/O thread (cheap, non-blocking handlers such as /healthz).
  bool blocking = true;
  std::size_t body_limit = 1 << 20;
};

struct RouteMatch {
  const Route* route;
  std::map<std::string, std::string> params;
};
struct NoRoute {};
struct MethodNotAllowed {
  std::vector<std::string> allowed;
};
using MatchResult = std::variant<RouteMatch, NoRoute, MethodNotAllowed>;

class Router {
 public:
  // Adds a route; the table is fixed once the server starts (not thread-safe to modify then).
  void add(Route route);
  [[nodiscard]] MatchResult match(std::string_view method, std::string_view path) const;
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;
};

}  // namespace heat::api

#include "api/router.hpp"

namespace heat::api {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_placeholder(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

}  // namespace

void Router::add(Route route) {
  if (route.name.empty()) route.name = route.method + " " + route.pattern;
  segments_.push_back(split_path(route.pattern));
  routes_.push_back(std::move(route));
}

MatchResult Router::match(std::string_view method, std::string_view path) const {
  const auto parts = split_path(path);
  MethodNotAllowed other;
  // Literal segments win over placeholders: "/cases/reassign" before "/cases/{id}".
  const RouteMatch* best = nullptr;
  RouteMatch candidate;
  int best_literals = -1;
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const auto& segs = segments_[r];
    if (segs.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      if (is_placeholder(segs[i])) {
        if (parts[i].empty()) ok = false;
        params[segs[i].substr(1, segs[i].size() - 2)] = parts[i];
      } else if (segs[i] == parts[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    if (routes_[r].method != method) {
      other.allowed.push_back(routes_[r].method);
      continue;
    }
    if (literals > best_literals) {
      best_literals = literals;
      candidate = RouteMatch{&routes_[r], std::move(params)};
      best = &candidate;
    }
  }
  if (best != nullptr) return candidate;
  if (!other.allowed.empty()) return other;
  return NoRoute{};
}

}  // namespace heat::api

#include "api/guard.hpp"

#include "api/problem.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace heat::api {

Response refuse(AppServices& services, const auth::Caller& caller, const Request& request, Action action,
                const Decision& decision, const std::string& entity, const std::string& entity_id) {
  AuditEntry a = auth::audit_entry(services.clock->now(), &caller, "authz.denied", entity, entity_id, "denied",
                                   request.remote_address);
  a.details = boost::json::serialize(boost::json::object{{"action", std::string(to_string(action))},
                                                         {"route", request.method + " " + request.path},
                                                         {"reason", std::string(decision.reason)}});
  if (auto s = services.audit->append(a); !s) return problem(s.error());
  return problem(decision.error());
}

Handler guarded(AppServices& services, Action action, GuardedHandler handler, bool allow_cookie) {
  return [&services, action, handler = std::move(handler), allow_cookie](const Request& request) {
    auto caller = services.auth->authenticate(request, allow_cookie);
    if (!caller) {
      auto r = problem(caller.error());
      if (caller.error().code == ErrorCode::unauthenticated) r.with_header("WWW-Authenticate", "Bearer");
      return r;
    }
    if (Decision d = role_gate(caller->principal(), action); !d.allowed())
      return refuse(services, *caller, request, action, d);
    return handler(*caller, request);
  };
}

Result<Page> page_of(const Request& request) {
  Page page;
  if (auto limit = request.query_param("limit")) {
    try {
      std::size_t used = 0;
      page.limit = std::stoi(*limit, &used);
      if (used != limit->size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return Error::invalid("limit", "must be a whole number from 1 to 500");
    }
    if (page.limit < 1 || page.limit > 500) return Error::invalid("limit", "must be a whole number from 1 to 500");
  }
  if (auto cursor = request.query_param("cursor")) page.cursor = *cursor;
  return page;
}

AuditEntry audit_of(AppServices& services, const auth::Caller& caller, const Request& request,
                    const std::string& action) {
  return auth::audit_entry(services.clock->now(), &caller, action, "", "", "success", request.remote_address);
}

Authorizer Authz::fn() const {
  return [p = principal, a = action, refused = refused](const RecordContext& ctx) -> Status {
    Decision d = decide(p, a, &ctx);
    if (d.allowed()) return {};
    *refused = d;
    return d.error();
  };
}

Response write_error(AppServices& services, const auth::Caller& caller, const Request& request, const Authz& authz,
                     const Error& error, const std::string& entity, const std::string& id) {
  if (*authz.refused) return refuse(services, caller, request, authz.action, **authz.refused, entity, id);
  return problem(error);
}

Response with_etag(Response response, int version) {
  response.with_header("ETag", "\"" + std::to_string(version) + "\"");
  return response;
}

Result<std::optional<int>> if_match(const Request& request) {
  const std::string* h = request.header("if-match");
  if (h == nullptr) return std::optional<int>();
  std::string v = *h;
  v.erase(0, v.find_first_not_of(' '));
  v.erase(v.find_last_not_of(' ') + 1);
  if (v == "*") return std::optional<int>();
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isdigit(ch); }))
    return Error::of(ErrorCode::precondition_failed, "If-Match does not name a version of this resource");
  return std::optional<int>(std::stoi(v));
}

}  // namespace heat::api

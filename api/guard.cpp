#include "api/guard.hpp"

#include "api/problem.hpp"

#include <boost/json.hpp>

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

}  // namespace heat::api

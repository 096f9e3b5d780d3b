// Authentication and authorization around handlers: every protected route is wrapped by
// guarded(), which signs the caller in (401), applies the role gate of the access policy
// (403, audited) and only then calls the handler with the caller.
#pragma once

#include "api/app.hpp"
#include "engine/access_policy.hpp"

#include <functional>
#include <memory>
#include <optional>

namespace heat::api {

using GuardedHandler = std::function<Response(const auth::Caller&, const Request&)>;

// allow_cookie: the session cookie is accepted (HTML pages); JSON routes need a Bearer token.
[[nodiscard]] Handler guarded(AppServices& services, Action action, GuardedHandler handler, bool allow_cookie = false);

// Records an authorization refusal in the audit log and answers it (403 or 404).
[[nodiscard]] Response refuse(AppServices& services, const auth::Caller& caller, const Request& request,
                              Action action, const Decision& decision, const std::string& entity = "",
                              const std::string& entity_id = "");

// Pagination parameters of a list route: limit (default 50, 1..500) and an opaque cursor.
struct Page {
  int limit = 50;
  std::string cursor;
};
[[nodiscard]] Result<Page> page_of(const Request& request);

// The audit entry of a write or sensitive read by `caller`, stamped with the app's clock.
[[nodiscard]] AuditEntry audit_of(AppServices& services, const auth::Caller& caller, const Request& request,
                                  const std::string& action);

// Runs the policy inside a store's transaction and remembers a refusal, so the handler can
// audit it (refuse()) once the transaction has rolled back.
struct Authz {
  Principal principal;
  Action action;
  std::shared_ptr<std::optional<Decision>> refused = std::make_shared<std::optional<Decision>>();

  Authz(Principal p, Action a) : principal(std::move(p)), action(a) {}
  [[nodiscard]] Authorizer fn() const;
};

// An error of a store write: an audited refusal, or the error as a problem document.
[[nodiscard]] Response write_error(AppServices& services, const auth::Caller& caller, const Request& request,
                                   const Authz& authz, const Error& error, const std::string& entity,
                                   const std::string& id);

// ETag "N" for version N of a resource.
[[nodiscard]] Response with_etag(Response response, int version);

// If-Match: "N", W/"N" or N; "*" and absence check nothing (nullopt). Anything else cannot
// match: precondition_failed.
[[nodiscard]] Result<std::optional<int>> if_match(const Request& request);

}  // namespace heat::api

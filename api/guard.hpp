// Authentication and authorization around handlers: every protected route is wrapped by
// guarded(), which signs the caller in (401), applies the role gate of the access policy
// (403, audited) and only then calls the handler with the caller.
#pragma once

#include "api/app.hpp"
#include "engine/access_policy.hpp"

#include <functional>

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

}  // namespace heat::api

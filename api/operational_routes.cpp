#include "api/operational_routes.hpp"

#include "api/problem.hpp"

namespace heat::api {

void add_operational_routes(Router& router, Metrics& metrics, HealthProbe& database) {
  router.add({.method = "GET",
              .pattern = "/healthz",
              .handler = [](const Request&) { return Response{200, "application/json", R"({"status":"ok"})", {}}; },
              .blocking = false});
  router.add({.method = "GET", .pattern = "/readyz", .handler = [&database](const Request&) {
                if (auto s = database.check(); !s) {
                  Error e = s.error();
                  e.code = ErrorCode::unavailable;
                  e.message = "database unavailable";
                  return problem(e);
                }
                return Response{200, "application/json", R"({"status":"ready","database":"ok"})", {}};
              }});
  router.add({.method = "GET",
              .pattern = "/metrics",
              .handler =
                  [&metrics](const Request&) {
                    return Response{200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), {}};
                  },
              .blocking = false});
}

}  // namespace heat::api

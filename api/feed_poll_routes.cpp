// Polling a court feed now (issue 7): the feed's https:// URL is fetched with its validators
// and a changed calendar imported through the one import path, on this request's worker.
// A failed fetch or import is reported (status "failed", the error, the backoff) and
// recorded on the feed; it changes no hearing.
#include "api/feed_poll_routes.hpp"

#include "api/fields.hpp"
#include "api/guard.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"

#include <boost/json.hpp>

namespace heat::api {
namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<TimePoint>& t) {
  return t ? json::value(format_utc_micros(*t)) : json::value(nullptr);
}
json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

Response poll(AppServices& s, const auth::Caller& c, const Request& r) {
  if (!r.body.empty()) {
    auto body = parse_json_body(r, {});
    if (!body) return problem(body.error());
  }
  const std::string& id = r.param("id");
  auto feed = s.court_events->get_feed(id);
  if (!feed) return problem(feed.error());
  if (!*feed) return problem(404, "no such feed");
  const RecordContext context = (*feed)->context();
  if (Decision d = decide(c.principal(), Action::feed_poll, &context); !d.allowed())
    return refuse(s, c, r, Action::feed_poll, d, "feed", id);
  if (s.feed_polling == nullptr) return problem(Error::of(ErrorCode::unavailable, "feed polling is not configured"));
  auto report = s.feed_polling->poll_now(**feed, auth::audit_entry(s.clock->now(), &c, "feed.poll", "feed", id,
                                                                    "success", r.remote_address));
  if (!report) return problem(report.error());
  json::object out = poll_state_json(report->state);
  out["feed_id"] = id;
  out["import"] = report->import ? json::parse(to_json_text(*report->import)) : json::value(nullptr);
  return json_response(200, out);
}

}  // namespace

json::object poll_state_json(const FeedPollState& st) {
  return {{"status", st.last_status ? json::value(to_string(*st.last_status)) : json::value(nullptr)},
          {"last_polled_at", time_or_null(st.last_polled_at)},
          {"next_poll_at", time_or_null(st.next_poll_at)},
          {"last_error", text_or_null(st.last_error)},
          {"consecutive_failures", st.consecutive_failures},
          {"interval_seconds", st.poll_interval_seconds},
          {"last_import_id", text_or_null(st.last_import_id)}};
}

void add_feed_poll_routes(Router& router, AppServices& services) {
  AppServices& s = services;
  router.add({.method = "POST",
              .pattern = "/api/v1/feeds/{id}/poll",
              .handler = guarded(s, Action::feed_poll,
                                 [&s](const auth::Caller& c, const Request& r) { return poll(s, c, r); })});
}

}  // namespace heat::api

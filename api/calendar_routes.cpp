// Calendar subscriptions (issue 7, export): a revocable .ics URL per subscription, and the
// public GET of that URL, which calendar clients (Outlook, Google, phones) poll without a
// session. The URL's token is the only credential: 256 random bits, stored as SHA-256 only;
// a revoked or unknown token, or an owner who may no longer subscribe, is a plain 404.
#include "adapters/ical_writer.hpp"
#include "api/auth/crypto.hpp"
#include "api/guard.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"
#include "engine/calendar_subscriptions.hpp"

#include <boost/json.hpp>

namespace heat::api {
namespace {

namespace json = boost::json;

// Calendar clients poll every 15 minutes to a few hours; a client may keep its copy this
// long. "private": the URL is a credential, so no shared cache may keep the response.
constexpr const char* kCalendarCacheControl = "private, max-age=900";
// The most hearings one calendar carries (a year back, everything ahead).
constexpr int kMaxCalendarHearings = 5000;

std::string base_url(const AppServices& s, const Request& r) {
  if (!s.public_base_url.empty()) {
    std::string base = s.public_base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
  }
  const std::string* host = r.header("host");
  return std::string(s.tls ? "https://" : "http://") + (host != nullptr && !host->empty() ? *host : "localhost");
}

AuditEntry entry(AppServices& s, const auth::Caller& c, const Request& r, const char* action) {
  return auth::audit_entry(s.clock->now(), &c, action, "calendar_subscription", "", "success", r.remote_address);
}

Response create(AppServices& s, const auth::Caller& c, const Request& r) {
  // The body may be empty; if there is one, it is an object without fields.
  if (!r.body.empty()) {
    auto body = parse_json_body(r, {});
    if (!body) return problem(body.error());
  }
  auto token = auth::random_token();
  if (!token) return problem(token.error());
  auto sub = s.calendar_subscriptions->create(c.user.id, auth::sha256_hex(*token), s.clock->now(),
                                              entry(s, c, r, "calendar_subscription.create"));
  if (!sub) return problem(sub.error());
  const std::string url = base_url(s, r) + "/calendar/" + *token + ".ics";
  auto res = json_response(201, json::object{{"id", sub->id}, {"url", url}});
  res.with_header("Location", "/api/v1/calendar-subscriptions/" + sub->id);
  return res;  // no-store (the server's default): the body holds the secret URL
}

Response revoke(AppServices& s, const auth::Caller& c, const Request& r) {
  const std::string& id = r.param("id");
  auto sub = s.calendar_subscriptions->get(id);
  if (!sub) return problem(sub.error());
  if (!*sub) return problem(404, "no such calendar subscription");
  RecordContext context;
  context.owner_user_id = (*sub)->user_id;
  if (Decision d = decide(c.principal(), Action::calendar_unsubscribe, &context); !d.allowed())
    return refuse(s, c, r, Action::calendar_unsubscribe, d, "calendar_subscription", id);
  if ((*sub)->revoked_at) return problem(404, "no such calendar subscription");
  if (auto done = s.calendar_subscriptions->revoke(id, s.clock->now(), entry(s, c, r, "calendar_subscription.revoke"));
      !done)
    return problem(done.error());
  return Response{204, "application/json", "", {}};
}

Response feed(AppServices& s, const Request& r) {
  std::string token = r.param("token");
  if (token.size() > 4 && token.compare(token.size() - 4, 4, ".ics") == 0) token.resize(token.size() - 4);
  if (token.empty() || token.size() > 128) return problem(404, "no such calendar");
  auto subscriber = s.calendar_subscriptions->find_active(auth::sha256_hex(token));
  if (!subscriber) return problem(subscriber.error());
  if (!*subscriber) return problem(404, "no such calendar");
  const CalendarScope scope = calendar_scope((*subscriber)->owner);
  if (scope == CalendarScope::none) return problem(404, "no such calendar");
  const TimePoint now = s.clock->now();
  auto hearings = s.calendar_subscriptions->hearings_for((*subscriber)->owner, scope, now, kMaxCalendarHearings);
  if (!hearings) return problem(hearings.error());
  auto ics = adapters::write_calendar(*hearings, now);
  if (!ics) return problem(ics.error());
  const std::string etag = "\"" + auth::sha256_hex(*ics).substr(0, 32) + "\"";
  if (const std::string* match = r.header("if-none-match"); match != nullptr) {
    // A list of tags, or "*"; weak tags compare by their opaque part (RFC 9110 13.1.2).
    std::string_view m = *match;
    bool hit = m.find('*') != std::string_view::npos;
    for (std::size_t pos = 0; !hit && (pos = m.find(etag, pos)) != std::string_view::npos; pos += etag.size()) hit = true;
    if (hit) {
      Response not_modified{304, "text/calendar; charset=utf-8", "", {}};
      not_modified.with_header("ETag", etag).with_header("Cache-Control", kCalendarCacheControl);
      return not_modified;
    }
  }
  Response res{200, "text/calendar; charset=utf-8", std::move(*ics), {}};
  res.with_header("ETag", etag)
      .with_header("Cache-Control", kCalendarCacheControl)
      .with_header("Content-Disposition", "inline; filename=\"hearings.ics\"")
      .with_header("Referrer-Policy", "no-referrer")
      .with_header("X-Robots-Tag", "noindex, nofollow");
  return res;
}

}  // namespace

void add_calendar_routes(Router& router, AppServices& services) {
  AppServices& s = services;
  router.add({.method = "POST",
              .pattern = "/api/v1/calendar-subscriptions",
              .handler = guarded(s, Action::calendar_subscribe,
                                 [&s](const auth::Caller& c, const Request& r) { return create(s, c, r); })});
  router.add({.method = "DELETE",
              .pattern = "/api/v1/calendar-subscriptions/{id}",
              .handler = guarded(s, Action::calendar_unsubscribe,
                                 [&s](const auth::Caller& c, const Request& r) { return revoke(s, c, r); })});
  // Public: the token in the path is the credential (engine/access_policy.cpp: calendar_feed_read).
  router.add({.method = "GET", .pattern = "/calendar/{token}", .handler = [&s](const Request& r) { return feed(s, r); }});
}

}  // namespace heat::api

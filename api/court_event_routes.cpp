// Court events and court calendar feeds (API.md "Deadlines and court calendar", issue 7):
// the hearings list and manual entry, feeds, file imports, the unmatched queue and hand
// matches. Handlers decode and validate first, ask the access policy with the record's
// context (refusals are audited), and call the CourtEventStore or the feed importer; every
// write is one transaction with its audit entry.
#include "adapters/feed_import.hpp"
#include "api/fields.hpp"
#include "api/feed_poll_routes.hpp"
#include "api/guard.hpp"
#include "api/idempotency.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"
#include "engine/cases.hpp"
#include "engine/court_events.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <memory>

namespace heat::api {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------
// JSON

json::value time_or_null(const std::optional<TimePoint>& t) {
  return t ? json::value(format_utc_micros(*t)) : json::value(nullptr);
}

json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::object event_json(const CourtEvent& e) {
  json::array history;
  for (const auto& h : e.history)
    history.push_back(json::object{{"change", to_string(h.change)},
                                   {"sequence", h.sequence},
                                   {"at", format_utc_micros(h.at)},
                                   {"old_starts_at", time_or_null(h.old_starts_at)},
                                   {"new_starts_at", time_or_null(h.new_starts_at)},
                                   {"reason", h.reason},
                                   {"by", text_or_null(h.by)}});
  return {{"id", e.id},
          {"case_id", e.case_id},
          {"prosecution_id", text_or_null(e.prosecution_id)},
          {"kind", to_string(e.kind)},
          {"starts_at", format_utc_micros(e.starts_at)},
          {"ends_at", time_or_null(e.ends_at)},
          {"all_day", e.all_day},
          {"department", text_or_null(e.department)},
          {"judge", text_or_null(e.judge)},
          {"status", to_string(e.status)},
          {"result", text_or_null(e.result)},
          {"cancel_reason", text_or_null(e.cancel_reason)},
          {"cancelled_at", time_or_null(e.cancelled_at)},
          {"source", e.source},
          {"feed_id", text_or_null(e.feed_id)},
          {"docket", text_or_null(e.docket)},
          {"original_starts_at", format_utc_micros(e.original_starts_at)},
          {"sequence", e.sequence},
          {"updated_at", format_utc_micros(e.updated_at)},
          {"version", e.version},
          {"history", std::move(history)}};
}

json::object feed_json(const Feed& f) {
  boost::system::error_code ec;
  json::value mapping = json::parse(f.mapping_json, ec);
  if (ec) mapping = json::object();
  return {{"id", f.id},
          {"name", f.name},
          {"kind", to_string(f.kind)},
          {"unit", f.unit},
          {"url", text_or_null(f.url)},
          {"mapping", mapping},
          {"mode", to_string(f.mode)},
          {"created_at", format_utc_micros(f.created_at)},
          {"version", f.version}};
}

json::value report_json(const ImportReport& r) { return json::parse(to_json_text(r)); }

json::object unmatched_json(const UnmatchedRecord& u) {
  return {{"id", u.id},
          {"feed_id", u.feed_id},
          {"docket", text_or_null(u.docket)},
          {"normalized_docket", text_or_null(u.normalized_docket)},
          {"kind", to_string(u.record.kind)},
          {"kind_text", text_or_null(u.record.kind_text)},
          {"starts_at", format_utc_micros(u.record.starts_at)},
          {"department", text_or_null(u.record.department)},
          {"status", u.record.cancelled ? "cancelled" : "scheduled"},
          {"uid", text_or_null(u.record.uid)},
          {"line", u.record.line ? json::value(static_cast<std::uint64_t>(*u.record.line)) : json::value(nullptr)},
          {"first_seen", format_utc_micros(u.first_seen)},
          {"last_seen", format_utc_micros(u.last_seen)}};
}

// ---------------------------------------------------------------------------------------
// Helpers

// "2026-03-02T09:30:00-08:00", or a date: the start of that day in the court's time zone.
Result<TimePoint> time_param(const std::string& text, const std::string& field) {
  if (text.size() == 10) {
    auto day = parse_date(text, field);
    if (!day) return day.error();
    auto start = CourtCalendar::local_date(TimePoint(*day));  // validates the range
    if (!start) return start.error();
    // Court-local midnight: the day at 00:00 in America/Los_Angeles is 08:00Z or 07:00Z.
    for (int h : {8, 7}) {
      const TimePoint t = TimePoint(*day) + std::chrono::hours(h);
      auto local = CourtCalendar::local_date(t);
      auto before = CourtCalendar::local_date(t - std::chrono::seconds(1));
      if (local && before && *local == *day && *before != *day) return t;
    }
    return TimePoint(*day) + std::chrono::hours(8);
  }
  return parse_rfc3339(text, field);
}

// Loads a feed and asks the policy; absence and refusals are the response.
Result<Feed> visible_feed(AppServices& s, const auth::Caller& c, const Request& r, Action action, Response& out) {
  auto found = s.court_events->get_feed(r.param("id"));
  if (!found) {
    out = problem(found.error());
    return found.error();
  }
  if (!*found) {
    out = problem(404, "no such feed");
    return Error::of(ErrorCode::not_found, "no such feed");
  }
  const RecordContext ctx = (*found)->context();
  if (Decision d = decide(c.principal(), action, &ctx); !d.allowed()) {
    out = refuse(s, c, r, action, d, "feed", r.param("id"));
    return d.error();
  }
  return std::move(**found);
}

// ---------------------------------------------------------------------------------------
// Court events

Response list_events(AppServices& s, const auth::Caller& c, const Request& r) {
  auto page = page_of(r);
  if (!page) return problem(page.error());
  CourtEventFilter f;
  f.limit = page->limit + 1;
  FieldErrors errors;
  if (auto from = r.query_param("from"); from && !from->empty()) f.from = errors.take(time_param(*from, "from"));
  if (auto to = r.query_param("to"); to && !to->empty()) f.to = errors.take(time_param(*to, "to"));
  if (auto st = r.query_param("status"); st && !st->empty()) f.status = errors.take(parse_court_event_status(*st));
  if (!page->cursor.empty()) {
    const auto sep = page->cursor.find('_');
    bool ok = sep != std::string::npos && is_uuid(page->cursor.substr(sep + 1));
    if (ok) {
      try {
        std::size_t used = 0;
        const long long us = std::stoll(page->cursor.substr(0, sep), &used);
        ok = used == sep;
        f.after_starts_at = TimePoint(std::chrono::microseconds(us));
        f.after_id = page->cursor.substr(sep + 1);
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) errors.take(Result<int>(Error::invalid("cursor", "not a cursor from this list")));
  }
  const std::string case_id = r.query_param("case_id").value_or("");
  if (!case_id.empty() && !is_uuid(case_id)) errors.take(Result<int>(Error::invalid("case_id", "must be a UUID")));
  if (!errors.ok()) return problem(errors.error());
  if (!case_id.empty()) {
    // Narrowed to one case: the case's context decides (404 when it is not the caller's).
    auto ctx = s.court_events->case_context(case_id);
    if (!ctx) return problem(ctx.error());
    if (!*ctx) return problem(404, "no such case");
    if (Decision d = decide(c.principal(), Action::court_event_list, &**ctx); !d.allowed())
      return refuse(s, c, r, Action::court_event_list, d, "case", case_id);
    f.scope = ListScope::all;
    f.case_id = case_id;
  } else {
    f.scope = list_scope(c.principal(), Action::court_event_list);
    if (f.scope == ListScope::none)
      return refuse(s, c, r, Action::court_event_list, role_gate(c.principal(), Action::court_event_list));
    f.scope_unit = c.user.unit;
    f.scope_user_id = c.user.id;
  }
  auto rows = s.court_events->list(f);
  if (!rows) return problem(rows.error());
  const bool more = static_cast<int>(rows->size()) > page->limit;
  if (more) rows->pop_back();
  json::array items;
  for (const auto& e : *rows) items.push_back(event_json(e));
  json::value next = nullptr;
  if (more && !rows->empty())
    next = std::to_string(rows->back().starts_at.time_since_epoch().count()) + "_" + rows->back().id;
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

Response create_event(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"case_id", "prosecution_id", "kind", "starts_at", "ends_at", "department", "judge"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewCourtEvent e;
  e.case_id = errors.take(required_string(*body, "case_id", 36));
  if (!e.case_id.empty() && !is_uuid(e.case_id)) errors.take(Result<int>(Error::invalid("case_id", "must be a UUID")));
  e.prosecution_id = errors.take(optional_string(*body, "prosecution_id", 36)).value_or("");
  if (!e.prosecution_id.empty() && !is_uuid(e.prosecution_id))
    errors.take(Result<int>(Error::invalid("prosecution_id", "must be a UUID")));
  const std::string kind = errors.take(required_string(*body, "kind", 40));
  if (!kind.empty()) e.kind = errors.take(parse_court_event_kind(kind));
  const std::string starts = errors.take(required_string(*body, "starts_at", 40));
  if (!starts.empty()) e.starts_at = errors.take(parse_rfc3339(starts, "starts_at"));
  if (auto ends = errors.take(optional_string(*body, "ends_at", 40)); ends) e.ends_at = errors.take(parse_rfc3339(*ends, "ends_at"));
  e.department = errors.take(optional_string(*body, "department", 200)).value_or("");
  e.judge = errors.take(optional_string(*body, "judge", 200)).value_or("");
  if (errors.ok() && e.ends_at && *e.ends_at < e.starts_at)
    errors.take(Result<int>(Error::invalid("ends_at", "must not be before starts_at")));
  if (errors.ok() && !CourtCalendar::local_date(e.starts_at))
    errors.take(Result<int>(Error::invalid("starts_at", "outside the court calendar's range")));
  if (!errors.ok()) return problem(errors.error());
  Authz authz(c.principal(), Action::court_event_create);
  const AuditEntry audit = audit_of(s, c, r, "court_event.create");
  return idempotent<CourtEvent>(
      s, c, r, [](const CourtEvent& made) { return StoredResponse{201, json::serialize(event_json(made))}; },
      [&](const Idempotent<CourtEvent>* idem) { return s.court_events->create_manual(e, authz.fn(), audit, idem); },
      [&](const Error& err) { return write_error(s, c, r, authz, err, "case", e.case_id); });
}

// ---------------------------------------------------------------------------------------
// Feeds

Response create_feed(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"name", "kind", "url", "mapping", "mode", "unit"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewFeed f;
  f.name = errors.take(required_string(*body, "name", 200));
  const std::string kind = errors.take(required_string(*body, "kind", 10));
  if (!kind.empty()) f.kind = errors.take(parse_feed_kind(kind));
  f.url = errors.take(optional_string(*body, "url", 2000)).value_or("");
  if (!f.url.empty() && f.url.rfind("https://", 0) != 0)
    errors.take(Result<int>(Error::invalid("url", "must be an https:// URL")));
  if (auto mode = errors.take(optional_string(*body, "mode", 20)); mode) f.mode = errors.take(parse_import_mode(*mode));
  f.unit = errors.take(optional_string(*body, "unit", 20)).value_or(c.user.unit);
  if (f.unit.empty()) errors.take(Result<int>(Error::invalid("unit", "is required for a user without a unit")));
  if (const auto* m = body->if_contains("mapping"); m != nullptr && !m->is_null()) {
    f.mapping_json = json::serialize(*m);
    if (auto checked = adapters::mapping_from_json(f.mapping_json); !checked) errors.take(Result<int>(checked.error()));
  }
  if (!errors.ok()) return problem(errors.error());
  // A DDA or supervisor runs feeds for their own unit; admins for any.
  if (c.user.role != Role::admin && f.unit != c.user.unit) {
    Decision d;
    d.outcome = Outcome::deny_forbidden;
    d.reason = "proposed_unit: not the caller's unit";
    return refuse(s, c, r, Action::feed_create, d, "feed", "");
  }
  const AuditEntry audit = audit_of(s, c, r, "feed.create");
  return idempotent<Feed>(
      s, c, r, [](const Feed& made) { return stored(201, feed_json(made)); },
      [&](const Idempotent<Feed>* idem) { return s.court_events->create_feed(f, audit, idem); },
      [](const Error& e) {
        if (e.code == ErrorCode::already_exists && e.message != kIdempotencyKeyTaken)
          return problem(Error{ErrorCode::already_exists, "a feed with this name exists", {{"name", "is taken"}}, {}});
        return problem(e);
      });
}

Response list_feeds(AppServices& s, const auth::Caller& c, const Request& r) {
  auto page = page_of(r);
  if (!page) return problem(page.error());
  FeedFilter f;
  f.limit = page->limit + 1;
  f.after_name = page->cursor;
  switch (list_scope(c.principal(), Action::feed_list)) {
    case ListScope::all: break;
    case ListScope::unit:
      f.unit = c.user.unit;
      if (f.unit.empty()) return json_response(200, json::object{{"items", json::array()}, {"next_cursor", nullptr}});
      break;
    default: return refuse(s, c, r, Action::feed_list, role_gate(c.principal(), Action::feed_list));
  }
  auto rows = s.court_events->list_feeds(f);
  if (!rows) return problem(rows.error());
  const bool more = static_cast<int>(rows->size()) > page->limit;
  if (more) rows->pop_back();
  json::array items;
  for (const auto& feed : *rows) items.push_back(feed_json(feed));
  json::value next = nullptr;
  if (more && !rows->empty()) next = rows->back().name;
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

Response get_feed(AppServices& s, const auth::Caller& c, const Request& r) {
  Response out;
  auto feed = visible_feed(s, c, r, Action::feed_read, out);
  if (!feed) return out;
  json::object body = feed_json(*feed);
  // The polling state (api/feed_poll_routes.cpp): last status and error, backoff, next poll.
  if (s.feed_polling != nullptr) {
    auto polling = s.feed_polling->state(feed->id);
    if (!polling) return problem(polling.error());
    if (*polling) body["polling"] = poll_state_json(**polling);
  }
  return with_etag(json_response(200, body), feed->version);
}

// The media type without parameters, lower-case.
std::string media_type(const Request& r) {
  const std::string* h = r.header("content-type");
  if (h == nullptr) return "";
  std::string t = h->substr(0, h->find(';'));
  t.erase(0, t.find_first_not_of(" \t"));
  t.erase(t.find_last_not_of(" \t") + 1);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return t;
}

Response import_file(AppServices& s, const auth::Caller& c, const Request& r) {
  Response out;
  auto feed = visible_feed(s, c, r, Action::feed_import, out);
  if (!feed) return out;
  const std::string type = media_type(r);
  const std::string expected = feed->kind == FeedKind::ical ? "text/calendar" : "text/csv";
  if (type != "text/calendar" && type != "text/csv")
    return problem(Error::of(ErrorCode::unsupported_media, "the file must be text/calendar or text/csv"));
  if (type != expected)
    return problem(Error::of(ErrorCode::unsupported_media, "this feed takes " + expected + " files"));
  adapters::ImportOptions options;
  options.origin = ImportOrigin::upload;
  if (auto mode = r.query_param("mode"); mode && !mode->empty()) {
    auto m = parse_import_mode(*mode);
    if (!m) return problem(m.error());
    options.mode = *m;
  }
  if (r.body.empty()) return problem(Error::invalid("body", "the file is empty"));
  adapters::FeedImporter importer(*s.court_events);
  auto report = importer.import_file(*feed, r.body, options, audit_of(s, c, r, "feed.import"));
  if (!report) {
    Error e = report.error();
    if (e.code == ErrorCode::invalid_argument && e.fields.empty()) e.fields.push_back({"body", e.message});
    return problem(e);
  }
  return json_response(200, report_json(*report));
}

Response list_unmatched(AppServices& s, const auth::Caller& c, const Request& r) {
  auto page = page_of(r);
  if (!page) return problem(page.error());
  if (!page->cursor.empty() && !is_uuid(page->cursor)) return problem(Error::invalid("cursor", "not a cursor from this list"));
  Response out;
  auto feed = visible_feed(s, c, r, Action::feed_unmatched, out);
  if (!feed) return out;
  auto rows = s.court_events->unmatched(feed->id, page->limit + 1, page->cursor);
  if (!rows) return problem(rows.error());
  const bool more = static_cast<int>(rows->size()) > page->limit;
  if (more) rows->pop_back();
  json::array items;
  for (const auto& u : *rows) items.push_back(unmatched_json(u));
  json::value next = nullptr;
  if (more && !rows->empty()) next = rows->back().id;
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

Response match(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"case_id"});
  if (!body) return problem(body.error());
  auto case_id = required_string(*body, "case_id", 36);
  if (!case_id) return problem(case_id.error());
  if (!is_uuid(*case_id)) return problem(Error::invalid("case_id", "must be a UUID"));
  // The queue must be the caller's to see; the match itself is case work (the case decides).
  Response out;
  auto feed = visible_feed(s, c, r, Action::feed_unmatched, out);
  if (!feed) return out;
  Authz authz(c.principal(), Action::feed_match);
  auto report = s.court_events->match(feed->id, r.param("rid"), *case_id, authz.fn(), audit_of(s, c, r, "feed.match"));
  if (!report) return write_error(s, c, r, authz, report.error(), "case", *case_id);
  json::object o = report_json(*report).as_object();
  o["case_id"] = *case_id;
  return json_response(200, o);
}

}  // namespace

void add_court_event_routes(Router& router, AppServices& s) {
  router.add({.method = "GET", .pattern = "/api/v1/court-events",
              .handler = guarded(s, Action::court_event_list,
                                 [&s](const auth::Caller& c, const Request& r) { return list_events(s, c, r); })});
  router.add({.method = "POST", .pattern = "/api/v1/court-events",
              .handler = guarded(s, Action::court_event_create,
                                 [&s](const auth::Caller& c, const Request& r) { return create_event(s, c, r); })});
  router.add({.method = "POST", .pattern = "/api/v1/feeds",
              .handler = guarded(s, Action::feed_create,
                                 [&s](const auth::Caller& c, const Request& r) { return create_feed(s, c, r); })});
  router.add({.method = "GET", .pattern = "/api/v1/feeds",
              .handler = guarded(s, Action::feed_list,
                                 [&s](const auth::Caller& c, const Request& r) { return list_feeds(s, c, r); })});
  router.add({.method = "GET", .pattern = "/api/v1/feeds/{id}",
              .handler = guarded(s, Action::feed_read,
                                 [&s](const auth::Caller& c, const Request& r) { return get_feed(s, c, r); })});
  router.add({.method = "POST", .pattern = "/api/v1/feeds/{id}/import",
              .handler = guarded(s, Action::feed_import,
                                 [&s](const auth::Caller& c, const Request& r) { return import_file(s, c, r); }),
              .body_limit = adapters::kMaxFeedBytes});
  router.add({.method = "GET", .pattern = "/api/v1/feeds/{id}/unmatched",
              .handler = guarded(s, Action::feed_unmatched,
                                 [&s](const auth::Caller& c, const Request& r) { return list_unmatched(s, c, r); })});
  router.add({.method = "POST", .pattern = "/api/v1/feeds/{id}/unmatched/{rid}/match",
              .handler = guarded(s, Action::feed_match,
                                 [&s](const auth::Caller& c, const Request& r) { return match(s, c, r); })});
}

}  // namespace heat::api

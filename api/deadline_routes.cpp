// Deadlines and the court calendar: a prosecution's deadlines, the DDA worklist, waivers,
// court-day arithmetic and court closures (issue 5).
#include "api/fields.hpp"
#include "api/guard.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"
#include "engine/cases.hpp"
#include "engine/deadlines.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace heat::api {
namespace {

namespace json = boost::json;
using std::chrono::sys_days;

json::object deadline_json(const DeadlineRecord& r) {
  const Deadline& d = r.deadline;
  json::object o{{"id", d.id},
                 {"prosecution_id", r.prosecution_id},
                 {"rule", d.rule_id},
                 {"citation", r.citation},
                 {"trigger", d.trigger},
                 {"trigger_date", format_date(d.trigger_date)},
                 {"count_unit", r.count_unit},
                 {"status", to_string(d.status)},
                 {"note", d.note}};
  // Hour-counted rules are due at an instant; day-counted ones on a date.
  o["due"] = d.due_at ? json::value(format_utc_micros(*d.due_at)) : json::value(format_date(d.due_date));
  if (d.trigger_at) o["trigger_at"] = format_utc_micros(*d.trigger_at);
  if (d.met_on_time) o["met_on_time"] = *d.met_on_time;
  if (d.resolved_on) o["resolved_on"] = format_date(*d.resolved_on);
  return o;
}

Response list_json(const std::vector<DeadlineRecord>& rows, int limit) {
  json::array items;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) items.push_back(deadline_json(rows[i]));
  json::value next = nullptr;
  if (static_cast<int>(rows.size()) > limit) {
    const auto& last = rows[static_cast<std::size_t>(limit) - 1].deadline;
    next = format_date(last.due_date) + "_" + last.id;
  }
  return json_response(200, json::object{{"items", items}, {"next_cursor", next}});
}

Response prosecution_deadlines(AppServices& s, const auth::Caller& c, const Request& r) {
  auto p = s.cases->get_prosecution(r.param("id"));
  if (!p) return problem(p.error());
  if (!*p) return problem(404, "no such prosecution");
  if (Decision d = decide(c.principal(), Action::prosecution_deadlines, &(*p)->access); !d.allowed())
    return refuse(s, c, r, Action::prosecution_deadlines, d, "prosecution", r.param("id"));
  auto rows = s.deadlines->for_prosecution(r.param("id"));
  if (!rows) return problem(rows.error());
  return list_json(*rows, 500);
}

Response worklist(AppServices& s, const auth::Caller& c, const Request& r) {
  auto page = page_of(r);
  if (!page) return problem(page.error());
  DeadlineFilter f;
  f.limit = page->limit + 1;
  if (auto a = r.query_param("assigned_to")) {
    f.assigned_to = *a == "me" ? c.user.id : *a;
    if (!is_uuid(f.assigned_to)) return problem(Error::invalid("assigned_to", "me or a user id"));
  }
  if (auto st = r.query_param("status")) {
    auto status = parse_deadline_status(*st);
    if (!status) return problem(status.error());
    f.status = *status;
  }
  if (auto b = r.query_param("due_before")) {
    auto d = parse_date(*b, "due_before");
    if (!d) return problem(d.error());
    f.due_before = *d;
  }
  if (!page->cursor.empty()) {
    const auto sep = page->cursor.find('_');
    auto d = sep == std::string::npos ? Result<sys_days>(Error::invalid("cursor", "not a cursor from this list"))
                                      : parse_date(page->cursor.substr(0, sep), "cursor");
    if (!d) return problem(Error::invalid("cursor", "not a cursor from this list"));
    f.after_due = *d;
    f.after_id = page->cursor.substr(sep + 1);
  }
  // Supervisors see their unit; DDAs their unit too (they cover each other's calendars).
  switch (list_scope(c.principal(), Action::deadline_list)) {
    case ListScope::all: break;
    case ListScope::unit: f.unit = c.user.unit; break;
    default: return problem(403, "not allowed");
  }
  auto rows = s.deadlines->list(f);
  if (!rows) return problem(rows.error());
  return list_json(*rows, page->limit);
}

Response waive(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"reason"});
  if (!body) return problem(body.error());
  auto reason = required_string(*body, "reason", 1000);
  if (!reason) return problem(reason.error());
  auto done = s.deadlines->waive(
      r.param("id"), *reason,
      [&](const RecordContext& ctx) -> Status {
        Decision d = decide(c.principal(), Action::deadline_waive, &ctx);
        if (d.allowed()) return {};
        (void)refuse(s, c, r, Action::deadline_waive, d, "deadline", r.param("id"));
        return d.error();
      },
      audit_of(s, c, r, "deadline.waive"));
  if (!done) return problem(done.error());
  return json_response(200, deadline_json(*done));
}

// A lifecycle event's time entered wrong: the correction is logged beside the event (which
// stays as it was entered), and every deadline hanging on it is recomputed with a note.
Response correct_event_time(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"occurred_at", "reason"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  const auto occurred = errors.take(required_string(*body, "occurred_at", 40));
  TimePoint occurred_at{};
  if (!occurred.empty()) occurred_at = errors.take(parse_rfc3339(occurred, "occurred_at"));
  const auto reason = errors.take(required_string(*body, "reason", 1000));
  const std::string& seq_text = r.param("seq");
  int seq = 0;
  if (seq_text.empty() || seq_text.size() > 9 ||
      !std::all_of(seq_text.begin(), seq_text.end(), [](unsigned char ch) { return std::isdigit(ch); }))
    errors.take(Result<int>(Error::invalid("seq", "the seq of an entry of the prosecution's history")));
  else
    seq = std::stoi(seq_text);
  if (!errors.ok()) return problem(errors.error());
  auto expected = if_match(r);
  if (!expected) return problem(expected.error());
  const std::string& id = r.param("id");
  auto p = s.cases->get_prosecution(id);
  if (!p) return problem(p.error());
  if (!*p) return problem(404, "no such prosecution");
  if (Decision d = decide(c.principal(), Action::prosecution_event, &(*p)->access); !d.allowed())
    return refuse(s, c, r, Action::prosecution_event, d, "prosecution", id);
  auto done = s.cases->correct_event_time(
      id, seq, occurred_at, reason, *expected,
      [&](const RecordContext& ctx) -> Status {
        Decision d = decide(c.principal(), Action::prosecution_event, &ctx);
        if (d.allowed()) return {};
        (void)refuse(s, c, r, Action::prosecution_event, d, "prosecution", id);
        return d.error();
      },
      audit_of(s, c, r, "prosecution.correct_event_time"));
  if (!done) return problem(done.error());
  auto all = s.deadlines->for_prosecution(id);
  if (!all) return problem(all.error());
  json::array recomputed;
  for (const auto& rec : *all)
    if (std::find(done->recomputed_deadline_ids.begin(), done->recomputed_deadline_ids.end(), rec.deadline.id) !=
        done->recomputed_deadline_ids.end())
      recomputed.push_back(deadline_json(rec));
  return with_etag(json_response(200, json::object{{"seq", done->seq},
                                                   {"event", done->event},
                                                   {"previous_occurred_at", format_utc_micros(done->previous_occurred_at)},
                                                   {"occurred_at", format_utc_micros(done->occurred_at)},
                                                   {"reason", done->reason},
                                                   {"deadlines_recomputed", std::move(recomputed)},
                                                   {"version", done->version}}),
                   done->version);
}

Result<CourtCalendar> calendar(AppServices& s) {
  auto closures = s.deadlines->closures();
  if (!closures) return closures.error();
  return CourtCalendar::with_closures(*closures);
}

Response court_days(AppServices& s, const Request& r) {
  auto from = parse_date(r.query_param("from").value_or(""), "from");
  auto to = parse_date(r.query_param("to").value_or(""), "to");
  if (!from) return problem(from.error());
  if (!to) return problem(to.error());
  if (*to < *from || (*to - *from).count() > 3660) return problem(Error::invalid("to", "from <= to, at most 10 years"));
  auto cal = calendar(s);
  if (!cal) return problem(cal.error());
  json::array days, closures;
  for (sys_days d = *from; d <= *to; d += std::chrono::days(1))
    if (cal->is_court_day(d)) days.push_back(json::string(format_date(d)));
  for (int y = static_cast<int>(std::chrono::year_month_day(*from).year());
       y <= static_cast<int>(std::chrono::year_month_day(*to).year()); ++y)
    for (const auto& h : cal->holidays(std::chrono::year(y)))
      if (h.date >= *from && h.date <= *to) closures.push_back(json::object{{"date", format_date(h.date)}, {"reason", h.name}});
  return json_response(200, json::object{{"court_days", days}, {"closures", closures}});
}

Response court_days_add(AppServices& s, const Request& r) {
  auto date = parse_date(r.query_param("date").value_or(""), "date");
  if (!date) return problem(date.error());
  long n = 0;
  try {
    std::size_t used = 0;
    const std::string text = r.query_param("days").value_or("");
    n = std::stol(text, &used);
    if (used != text.size() || n < -100000 || n > 100000) throw std::out_of_range("days");
  } catch (const std::exception&) {
    return problem(Error::invalid("days", "a whole number of court days (negative counts back)"));
  }
  auto cal = calendar(s);
  if (!cal) return problem(cal.error());
  auto result = cal->add_court_days(*date, n);
  if (!result) return problem(result.error());
  return json_response(200, json::object{{"date", format_date(*result)}});
}

Response closure(AppServices& s, const auth::Caller& c, const Request& r, bool add) {
  auto body = parse_json_body(r, {"date", "reason"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  auto date_text = errors.take(required_string(*body, "date", 10));
  auto reason = errors.take(add ? required_string(*body, "reason", 500) : Result<std::string>(std::string()));
  if (!errors.ok()) return problem(errors.error());
  auto date = parse_date(date_text, "date");
  if (!date) return problem(date.error());
  auto changed = add ? s.deadlines->add_closure({*date, reason}, audit_of(s, c, r, "court_closure.add"))
                     : s.deadlines->remove_closure(*date, audit_of(s, c, r, "court_closure.remove"));
  if (!changed) {
    if (changed.error().code == ErrorCode::already_exists)
      return problem(Error::of(ErrorCode::already_exists, "the court is already closed that day"));
    return problem(changed.error());
  }
  return json_response(add ? 201 : 200, json::object{{"date", format_date(*date)},
                                                     {"reason", reason},
                                                     {"deadlines_recomputed", *changed}});
}

}  // namespace

void add_deadline_routes(Router& router, AppServices& s) {
  router.add({.method = "GET", .pattern = "/api/v1/prosecutions/{id}/deadlines",
              .handler = guarded(s, Action::prosecution_deadlines, [&s](const auth::Caller& c, const Request& r) {
                return prosecution_deadlines(s, c, r);
              })});
  router.add({.method = "POST", .pattern = "/api/v1/prosecutions/{id}/history/{seq}/correction",
              .handler = guarded(s, Action::prosecution_event, [&s](const auth::Caller& c, const Request& r) {
                return correct_event_time(s, c, r);
              })});
  router.add({.method = "GET", .pattern = "/api/v1/deadlines",
              .handler = guarded(s, Action::deadline_list, [&s](const auth::Caller& c, const Request& r) {
                return worklist(s, c, r);
              })});
  router.add({.method = "POST", .pattern = "/api/v1/deadlines/{id}/waive",
              .handler = guarded(s, Action::deadline_waive, [&s](const auth::Caller& c, const Request& r) {
                return waive(s, c, r);
              })});
  router.add({.method = "GET", .pattern = "/api/v1/court-days",
              .handler = guarded(s, Action::court_days_read, [&s](const auth::Caller&, const Request& r) {
                return court_days(s, r);
              })});
  router.add({.method = "GET", .pattern = "/api/v1/court-days/add",
              .handler = guarded(s, Action::court_days_read, [&s](const auth::Caller&, const Request& r) {
                return court_days_add(s, r);
              })});
  router.add({.method = "POST", .pattern = "/api/v1/court-closures",
              .handler = guarded(s, Action::court_closure_write, [&s](const auth::Caller& c, const Request& r) {
                return closure(s, c, r, true);
              })});
  router.add({.method = "DELETE", .pattern = "/api/v1/court-closures",
              .handler = guarded(s, Action::court_closure_write, [&s](const auth::Caller& c, const Request& r) {
                return closure(s, c, r, false);
              })});
}

}  // namespace heat::api

// The leadership dashboard (issue 9): the metrics routes (JSON, or CSV on Accept: text/csv),
// the definitions, the sign-in page and the dashboard page with its static files.
#include "api/guard.hpp"
#include "api/json_body.hpp"
#include "api/pages.hpp"
#include "api/problem.hpp"
#include "engine/cases.hpp"
#include "engine/metrics.hpp"
#include "engine/metrics_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

namespace heat::api {
namespace {

namespace json = boost::json;

// The pages load only their own scripts and styles: no inline script, no other origin.
constexpr const char* kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

bool wants_csv(const Request& r) {
  const std::string* accept = r.header("accept");
  return accept != nullptr && accept->find("text/csv") != std::string::npos;
}

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\r\n";
}

Response csv_response(std::string body, const std::string& as_of, const char* name) {
  Response r{200, "text/csv; charset=utf-8", std::move(body), {}};
  r.with_header("X-Definitions-Version", std::to_string(kDefinitionsVersion));
  r.with_header("X-As-Of", as_of);
  r.with_header("Content-Disposition", std::string("attachment; filename=\"") + name + ".csv\"");
  return r;
}

// The period and scope of a metrics request. Errors name the parameter.
Result<MetricsQuery> query_of(const Request& r, const auth::Caller& c, Action action, bool group_by_allowed) {
  MetricsQuery q;
  Error error{ErrorCode::invalid_argument, "invalid query parameters", {}, {}};
  for (const auto& [k, v] : r.query) {
    if (k != "from" && k != "to" && !(group_by_allowed && k == "group_by"))
      error.fields.push_back({k, "unknown parameter"});
  }
  if (auto from = r.query_param("from")) {
    auto d = parse_date(*from, "from");
    if (d) q.from = *d;
    else error.fields.push_back({"from", "must be a date YYYY-MM-DD"});
  }
  if (auto to = r.query_param("to")) {
    auto d = parse_date(*to, "to");
    if (d) q.to = *d;
    else error.fields.push_back({"to", "must be a date YYYY-MM-DD"});
  }
  if (q.from && q.to && *q.from > *q.to) error.fields.push_back({"to", "must not be before from"});
  if (group_by_allowed) {
    if (auto g = r.query_param("group_by")) {
      auto parsed = parse_metric_group_by(*g);
      if (parsed) q.group_by = *parsed;
      else error.fields.push_back({"group_by", "must be one of year, quarter, unit, dda, statute_category"});
    }
  }
  if (!error.fields.empty()) return error;
  if (list_scope(c.principal(), action) == ListScope::unit) q.unit = c.user.unit;
  return q;
}

json::value number_or_null(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

std::string text_of(const std::optional<double>& v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  return buf;
}

const char* const kCountFields[] = {"charged",   "pending",   "concluded", "convicted", "convicted_by_plea",
                                    "convicted_by_verdict", "acquitted", "dismissed", "declined",
                                    "prop35_charges_filed"};

std::vector<std::int64_t> count_values(const ProsecutionCounts& c) {
  return {c.charged, c.pending, c.concluded, c.convicted, c.convicted_by_plea, c.convicted_by_verdict,
          c.acquitted, c.dismissed, c.declined, c.prop35_charges_filed};
}

void put_counts(json::object& o, const ProsecutionCounts& c) {
  const auto values = count_values(c);
  for (std::size_t i = 0; i < values.size(); ++i) o[kCountFields[i]] = values[i];
  o["conviction_rate"] = number_or_null(c.conviction_rate);
  o["median_days_to_disposition"] = number_or_null(c.median_days_to_disposition);
  o["p90_days_to_disposition"] = number_or_null(c.p90_days_to_disposition);
  o["caseload_per_dda"] = number_or_null(c.caseload_per_dda);
}

json::object period_json(const MetricsQuery& q) {
  json::object o;
  o["from"] = q.from ? json::value(format_date(*q.from)) : json::value(nullptr);
  o["to"] = q.to ? json::value(format_date(*q.to)) : json::value(nullptr);
  o["unit"] = q.unit ? json::value(*q.unit) : json::value(nullptr);
  return o;
}

json::object prosecutions_json(const MetricsQuery& q, const ProsecutionMetricsReport& report, const std::string& as_of) {
  json::object o;
  put_counts(o, report.metrics.total);
  json::array groups;
  for (const auto& g : report.metrics.groups) {
    json::object item{{"key", g.key}};
    auto label = report.labels.find(g.key);
    item["label"] = label != report.labels.end() ? label->second : (g.key.empty() ? std::string("(none)") : g.key);
    put_counts(item, g.counts);
    groups.push_back(std::move(item));
  }
  o["group_by"] = to_string(q.group_by);
  o["groups"] = std::move(groups);
  o["period"] = period_json(q);
  o["definitions_version"] = kDefinitionsVersion;
  o["as_of"] = as_of;
  return o;
}

std::string prosecutions_csv(const ProsecutionMetricsReport& report) {
  std::vector<std::string> header{"key", "label"};
  for (const char* f : kCountFields) header.emplace_back(f);
  for (const char* f : {"conviction_rate", "median_days_to_disposition", "p90_days_to_disposition", "caseload_per_dda"})
    header.emplace_back(f);
  std::string out = csv_line(header);
  auto row = [&](const std::string& key, const std::string& label, const ProsecutionCounts& c) {
    std::vector<std::string> fields{key, label};
    for (auto v : count_values(c)) fields.push_back(std::to_string(v));
    for (const auto& v : {c.conviction_rate, c.median_days_to_disposition, c.p90_days_to_disposition, c.caseload_per_dda})
      fields.push_back(text_of(v));
    out += csv_line(fields);
  };
  row("total", "All", report.metrics.total);
  for (const auto& g : report.metrics.groups) {
    auto label = report.labels.find(g.key);
    row(g.key, label != report.labels.end() ? label->second : g.key, g.counts);
  }
  return out;
}

json::value cell_json(const DisplayCell& c) {
  return c.state == CellState::shown ? json::value(c.value) : json::value(c.text());
}

json::array items_json(const std::vector<std::pair<std::string, DisplayCell>>& items) {
  json::array a;
  for (const auto& [category, cell] : items) a.push_back(json::object{{"category", category}, {"count", cell_json(cell)}});
  return a;
}

json::object list_json(const DisplayList& l) {
  return json::object{{"total", cell_json(l.total)}, {"items", items_json(l.items)}};
}

json::object victims_json(const MetricsQuery& q, const VictimMetricsDisplay& d, const std::string& as_of) {
  json::object o;
  o["victims_served"] = cell_json(d.victims_served);
  o["minors"] = cell_json(d.minors);
  o["by_gender"] = items_json(d.by_gender);
  o["by_race_ethnicity"] = items_json(d.by_race_ethnicity);
  o["by_residence"] = items_json(d.by_residence);
  o["by_minor_status"] = items_json(d.by_minor_status);
  o["service_plan_outcomes"] = list_json(d.service_plan_outcomes);
  o["safety_net_youths_reviewed"] = cell_json(d.safety_net_youths_reviewed);
  o["revictimization"] = list_json(d.revictimization);
  o["period"] = period_json(q);
  o["definitions_version"] = kDefinitionsVersion;
  o["as_of"] = as_of;
  return o;
}

std::string victims_csv(const VictimMetricsDisplay& d) {
  std::string out = csv_line({"table", "category", "count"});
  out += csv_line({"victims_served", "all", d.victims_served.text()});
  out += csv_line({"minors", "minor", d.minors.text()});
  auto items = [&](const char* table, const std::vector<std::pair<std::string, DisplayCell>>& list) {
    for (const auto& [category, cell] : list) out += csv_line({table, category, cell.text()});
  };
  items("by_gender", d.by_gender);
  items("by_race_ethnicity", d.by_race_ethnicity);
  items("by_residence", d.by_residence);
  items("by_minor_status", d.by_minor_status);
  out += csv_line({"service_plan_outcomes", "total", d.service_plan_outcomes.total.text()});
  items("service_plan_outcomes", d.service_plan_outcomes.items);
  out += csv_line({"safety_net_youths_reviewed", "all", d.safety_net_youths_reviewed.text()});
  out += csv_line({"revictimization", "total", d.revictimization.total.text()});
  items("revictimization", d.revictimization.items);
  return out;
}

json::object definitions_json(const std::string& as_of) {
  json::array defs;
  for (const auto& d : metric_definitions())
    defs.push_back(json::object{{"id", d.id},
                                {"version", d.version},
                                {"title", d.title},
                                {"formula", d.formula},
                                {"exclusions", d.exclusions},
                                {"unit", d.unit},
                                {"suppressed", d.suppressed}});
  return json::object{{"definitions", std::move(defs)}, {"definitions_version", kDefinitionsVersion}, {"as_of", as_of}};
}

std::string definitions_csv() {
  std::string out = csv_line({"id", "version", "title", "formula", "exclusions", "unit", "suppressed"});
  for (const auto& d : metric_definitions())
    out += csv_line({d.id, std::to_string(d.version), d.title, d.formula, d.exclusions, d.unit,
                     d.suppressed ? "true" : "false"});
  return out;
}

Response prosecutions(AppServices& s, const auth::Caller& c, const Request& r) {
  auto q = query_of(r, c, Action::metrics_read, true);
  if (!q) return problem(q.error());
  const std::string as_of = format_utc_micros(s.clock->now());
  auto report = s.metrics_store->prosecution_metrics(*q);
  if (!report) return problem(report.error());
  if (wants_csv(r)) return csv_response(prosecutions_csv(*report), as_of, "prosecutions");
  return json_response(200, prosecutions_json(*q, *report, as_of));
}

Response victims(AppServices& s, const auth::Caller& c, const Request& r) {
  auto q = query_of(r, c, Action::victim_metrics_read, false);
  if (!q) return problem(q.error());
  const std::string as_of = format_utc_micros(s.clock->now());
  auto counts = s.metrics_store->victim_counts(*q);
  if (!counts) return problem(counts.error());
  const VictimMetricsDisplay display = suppress_victim_counts(*counts);
  if (wants_csv(r)) return csv_response(victims_csv(display), as_of, "victims");
  return json_response(200, victims_json(*q, display, as_of));
}

Response page(const EmbeddedPage& p) {
  Response r{200, std::string(p.content_type), std::string(p.body), {}};
  r.with_header("Content-Security-Policy", kPageCsp);
  r.with_header("Cache-Control", "no-store");
  r.with_header("Referrer-Policy", "no-referrer");
  r.with_header("X-Frame-Options", "DENY");
  return r;
}

Response missing_page(std::string_view name) { return problem(404, "no such page: " + std::string(name)); }

// JSON inside <script type="application/json">: "<" is escaped so no "</script>" can close it.
std::string embeddable(const json::value& v) {
  const std::string text = json::serialize(v);
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '<') out += "\\u003c";
    else if (ch == '>') out += "\\u003e";
    else if (ch == '&') out += "\\u0026";
    else out += ch;
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

// GET /dashboard: cookie or Bearer; a browser with no (valid) session goes to the sign-in page.
Response dashboard(AppServices& s, const Request& r) {
  auto caller = s.auth->authenticate(r, true);
  if (!caller) {
    // A browser navigating (Accept: text/html) without a session is sent to sign in; an API
    // client without a token gets 401 like on every protected route.
    const std::string* accept = r.header("accept");
    const bool browser = accept != nullptr && accept->find("text/html") != std::string::npos;
    if (caller.error().code != ErrorCode::unauthenticated || r.header("authorization") != nullptr || !browser) {
      auto p = problem(caller.error());
      if (caller.error().code == ErrorCode::unauthenticated) p.with_header("WWW-Authenticate", "Bearer");
      return p;
    }
    Response redirect{303, "text/plain; charset=utf-8", "see /login\n", {}};
    redirect.with_header("Location", "/login?next=%2Fdashboard");
    redirect.with_header("Cache-Control", "no-store");
    return redirect;
  }
  if (Decision d = role_gate(caller->principal(), Action::dashboard_view); !d.allowed())
    return refuse(s, *caller, r, Action::dashboard_view, d);
  const EmbeddedPage* html = embedded_page("dashboard.html");
  if (html == nullptr) return missing_page("dashboard.html");

  MetricsQuery q;
  if (list_scope(caller->principal(), Action::dashboard_view) == ListScope::unit) q.unit = caller->user.unit;
  const std::string as_of = format_utc_micros(s.clock->now());
  json::object data;
  for (auto g : {MetricGroupBy::quarter, MetricGroupBy::unit, MetricGroupBy::dda, MetricGroupBy::statute_category}) {
    q.group_by = g;
    auto report = s.metrics_store->prosecution_metrics(q);
    if (!report) return problem(report.error());
    data[std::string("by_") + to_string(g)] = prosecutions_json(q, *report, as_of);
  }
  q.group_by = MetricGroupBy::none;
  auto counts = s.metrics_store->victim_counts(q);
  if (!counts) return problem(counts.error());
  data["victims"] = victims_json(q, suppress_victim_counts(*counts), as_of);
  data["definitions"] = definitions_json(as_of);
  data["as_of"] = as_of;
  data["user"] = json::object{{"display_name", caller->user.display_name},
                              {"role", std::string(to_string(caller->user.role))},
                              {"unit", caller->user.unit}};

  std::string body(html->body);
  const std::string marker = "{{DATA}}";
  if (auto pos = body.find(marker); pos != std::string::npos) body.replace(pos, marker.size(), embeddable(data));
  const std::string who = "{{USER}}";
  if (auto pos = body.find(who); pos != std::string::npos) body.replace(pos, who.size(), html_escape(caller->user.display_name));
  Response resp = page(*html);
  resp.body = std::move(body);
  return resp;
}

}  // namespace

void add_metrics_routes(Router& router, AppServices& s) {
  router.add({.method = "GET", .pattern = "/api/v1/metrics/prosecutions",
              .handler = guarded(s, Action::metrics_read, [&s](const auth::Caller& c, const Request& r) {
                return prosecutions(s, c, r);
              })});
  router.add({.method = "GET", .pattern = "/api/v1/metrics/victims",
              .handler = guarded(s, Action::victim_metrics_read, [&s](const auth::Caller& c, const Request& r) {
                return victims(s, c, r);
              })});
  router.add({.method = "GET", .pattern = "/api/v1/metrics/definitions",
              .handler = guarded(s, Action::metrics_definitions_read, [&s](const auth::Caller&, const Request& r) {
                const std::string as_of = format_utc_micros(s.clock->now());
                if (wants_csv(r)) return csv_response(definitions_csv(), as_of, "definitions");
                return json_response(200, definitions_json(as_of));
              })});
  router.add({.method = "GET", .pattern = "/login", .handler = [](const Request&) {
                const EmbeddedPage* p = embedded_page("login.html");
                return p ? page(*p) : missing_page("login.html");
              }, .blocking = false});
  router.add({.method = "GET", .pattern = "/dashboard", .handler = [&s](const Request& r) { return dashboard(s, r); }});
  // The pages' scripts, styles and Chart.js: public, like the sign-in page.
  router.add({.method = "GET", .pattern = "/static/{name}", .handler = [](const Request& r) {
                const std::string& name = r.param("name");
                if (name.ends_with(".html")) return missing_page(name);
                const EmbeddedPage* p = embedded_page(name);
                if (p == nullptr) return missing_page(name);
                Response resp = page(*p);
                resp.headers.erase(std::remove_if(resp.headers.begin(), resp.headers.end(),
                                                  [](const auto& h) { return h.first == "Cache-Control"; }),
                                   resp.headers.end());
                resp.with_header("Cache-Control", "public, max-age=300");
                return resp;
              }, .blocking = false});
}

}  // namespace heat::api

// Cases, prosecutions, lifecycle events, history, charges and statutes (API.md, "Cases and
// prosecutions" and "Charges and statutes"). Handlers decode and validate first (nothing is
// written for a rejected request), ask the access policy with the record's context (refusals
// are audited through refuse()), and call the CaseStore; the store re-checks the policy under
// the row lock, compares If-Match there, and audits the write in its transaction.
// Single-resource responses carry an ETag (the version, quoted); POSTs honour Idempotency-Key.
#include "api/idempotency.hpp"
#include "api/auth/crypto.hpp"
#include "api/fields.hpp"
#include "api/guard.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"
#include "engine/cases.hpp"
#include "engine/court_calendar.hpp"
#include "engine/statutes.hpp"
#include "workflows/prosecution_events.hpp"
#include "workflows/prosecution_lifecycle.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <memory>

namespace heat::api {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxListItems = 100;

// ---------------------------------------------------------------------------------------
// JSON of records

json::value date_or_null(const std::optional<std::chrono::sys_days>& d) {
  return d ? json::value(format_date(*d)) : json::value(nullptr);
}

json::array string_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object case_json(const Case& c) {
  json::object o{{"id", c.id},
                 {"da_number", c.da_number},
                 {"title", c.title},
                 {"unit", c.unit},
                 {"referring_agency", c.referring_agency},
                 {"referral_date", format_date(c.referral_date)},
                 {"lead_dda_id", c.lead_dda_id.empty() ? json::value(nullptr) : json::value(c.lead_dda_id)},
                 {"dockets", string_array(c.dockets)},
                 {"assigned_dda_ids", string_array(c.assigned_dda_ids)},
                 {"version", c.version},
                 {"created_at", format_utc_micros(c.created_at)}};
  return o;
}

json::object person_json(const Person& p) {
  return {{"id", p.id}, {"name", p.name}, {"dob", date_or_null(p.dob)}, {"aliases", string_array(p.aliases)}};
}

json::object statute_facts(const std::string& code) {
  json::object o;
  const Statute* s = StatuteCatalog::builtin().find(code);
  o["serious_felony"] = s != nullptr && is_serious_felony(*s);
  o["registration"] = s != nullptr ? to_string(registration_duty(*s)) : "none";
  o["statute_title"] = s != nullptr ? json::value(s->title) : json::value(nullptr);
  o["prop35"] = s != nullptr && s->prop35;
  return o;
}

json::object charge_json(const Charge& c, const std::string& prosecution_id) {
  json::object o = json::parse(charge_to_json_text(c)).as_object();
  o["prosecution_id"] = prosecution_id;
  for (auto& kv : statute_facts(c.statute)) o[kv.key()] = kv.value();
  return o;
}

json::object prosecution_json(const ProsecutionRecord& p) {
  json::array charges;
  for (const auto& c : p.snapshot.charges) charges.push_back(charge_json(c, p.id));
  return {{"id", p.id},
          {"case_id", p.case_id},
          {"person", person_json(p.person)},
          {"stage", to_string(p.snapshot.stage)},
          {"custody", to_string(p.snapshot.custody)},
          {"warrant", to_string(p.snapshot.warrant)},
          {"indicted", p.snapshot.indicted},
          {"time_waived", p.snapshot.time_waived},
          {"trial_date", date_or_null(p.snapshot.trial_date)},
          {"next_appearance", date_or_null(p.snapshot.next_appearance)},
          {"charges", std::move(charges)},
          {"allowed_events", string_array(lifecycle::allowed_events(p.snapshot))},
          {"version", p.version}};
}

// ---------------------------------------------------------------------------------------
// Request helpers

// Field readers beyond fields.hpp.
Result<std::optional<std::chrono::sys_days>> optional_date(const json::object& body, const char* name) {
  auto text = optional_string(body, name, 10);
  if (!text) return text.error();
  if (!*text) return std::optional<std::chrono::sys_days>();
  auto d = parse_date(**text, name);
  if (!d) return d.error();
  return std::optional<std::chrono::sys_days>(*d);
}

Result<std::chrono::sys_days> required_date(const json::object& body, const char* name) {
  auto d = optional_date(body, name);
  if (!d) return d.error();
  if (!*d) return Error::invalid(name, "is required");
  return **d;
}

Result<std::optional<std::string>> optional_uuid(const json::object& body, const char* name) {
  auto text = optional_string(body, name, 36);
  if (!text) return text.error();
  if (*text && !is_uuid(**text)) return Error::invalid(name, "must be a UUID");
  return text;
}

Result<std::string> required_uuid(const json::object& body, const char* name) {
  auto id = optional_uuid(body, name);
  if (!id) return id.error();
  if (!*id) return Error::invalid(name, "is required");
  return **id;
}

// An array of strings, each 1..max_length code points (present: value; absent/null: nullopt).
Result<std::optional<std::vector<std::string>>> optional_strings(const json::object& body, const char* name,
                                                                 std::size_t max_length, bool uuids = false) {
  auto it = body.find(name);
  if (it == body.end() || it->value().is_null()) return std::optional<std::vector<std::string>>();
  if (!it->value().is_array()) return Error::invalid(name, "must be an array of strings");
  const auto& a = it->value().as_array();
  if (a.size() > kMaxListItems)
    return Error::invalid(name, "must have at most " + std::to_string(kMaxListItems) + " items");
  std::vector<std::string> out;
  for (const auto& v : a) {
    json::object one{{"v", v}};
    auto s = required_string(one, "v", max_length);
    if (!s) return Error::invalid(name, "items must be non-empty strings of at most " + std::to_string(max_length) +
                                            " characters");
    if (uuids && !is_uuid(*s)) return Error::invalid(name, "items must be UUIDs");
    out.push_back(std::move(*s));
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<bool>> optional_bool(const json::object& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->value().is_null()) return std::optional<bool>();
  if (!it->value().is_bool()) return Error::invalid(name, "must be true or false");
  return std::optional<bool>(it->value().as_bool());
}

Result<std::optional<int>> optional_int(const json::object& body, const char* name, int lo, int hi) {
  auto it = body.find(name);
  if (it == body.end() || it->value().is_null()) return std::optional<int>();
  const std::string range = "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  if (!it->value().is_int64() && !it->value().is_uint64()) return Error::invalid(name, range);
  const long long v = it->value().is_int64() ? it->value().as_int64() : static_cast<long long>(it->value().as_uint64());
  if (v < lo || v > hi) return Error::invalid(name, range);
  return std::optional<int>(static_cast<int>(v));
}

// A sentence: any JSON object or string, stored as its canonical serialization.
Result<std::string> sentence_text(const json::value& v, const std::string& field) {
  if (!v.is_object() && !v.is_string()) return Error::invalid(field, "must be an object or a string");
  std::string text = json::serialize(v);
  if (text.size() > 4000) return Error::invalid(field, "must be at most 4000 bytes of JSON");
  return text;
}

// ---------------------------------------------------------------------------------------
// Cases

Response create_case(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"da_number", "title", "unit", "referring_agency", "referral_date", "lead_dda_id",
                                  "dockets"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewCase nc;
  nc.da_number = errors.take(required_string(*body, "da_number", 40));
  nc.title = errors.take(required_string(*body, "title", 200));
  nc.unit = errors.take(required_string(*body, "unit", 20));
  nc.referring_agency = errors.take(required_string(*body, "referring_agency", 200));
  nc.referral_date = errors.take(required_date(*body, "referral_date"));
  auto lead = errors.take(optional_uuid(*body, "lead_dda_id"));
  nc.dockets = errors.take(optional_strings(*body, "dockets", 40)).value_or(std::vector<std::string>{});
  for (const auto& d : nc.dockets)
    if (normalize_docket(d).empty()) errors.take(Result<int>(Error::invalid("dockets", "a docket needs letters or digits")));
  if (!errors.ok()) return problem(errors.error());
  RecordContext proposed;
  proposed.unit = nc.unit;
  if (Decision d = decide(c.principal(), Action::case_create, &proposed); !d.allowed())
    return refuse(s, c, r, Action::case_create, d, "case", "");
  nc.lead_dda_id = lead ? *lead : (c.user.role == Role::dda ? c.user.id : std::string());
  const AuditEntry audit = audit_of(s, c, r, "case.create");
  return idempotent<Case>(
      s, c, r, [](const Case& made) { return stored(201, case_json(made)); },
      [&](const Idempotent<Case>* idem) { return s.cases->create_case(nc, audit, idem); },
      [](const Error& e) {
        if (e.code == ErrorCode::already_exists)
          return problem(Error{ErrorCode::already_exists, "a case with this DA number exists",
                               {{"da_number", "is taken"}}, {}});
        return problem(e);
      });
}

Response list_cases(AppServices& s, const auth::Caller& c, const Request& r) {
  auto page = page_of(r);
  if (!page) return problem(page.error());
  if (list_scope(c.principal(), Action::case_list) != ListScope::unit)
    return refuse(s, c, r, Action::case_list, role_gate(c.principal(), Action::case_list));
  CaseFilter f;
  f.scope_unit = c.user.unit;
  f.scope_user_id = c.user.id;
  f.limit = page->limit + 1;
  f.after_da_number = page->cursor;
  FieldErrors errors;
  if (auto a = r.query_param("assigned_to"); a && !a->empty()) {
    if (*a == "me")
      f.assigned_to = c.user.id;
    else if (is_uuid(*a))
      f.assigned_to = *a;
    else
      errors.take(Result<int>(Error::invalid("assigned_to", "must be \"me\" or a user id")));
  }
  if (auto st = r.query_param("stage"); st && !st->empty()) {
    auto stage = parse_stage(*st);
    if (stage)
      f.stage = *stage;
    else
      errors.take(Result<int>(stage.error()));
  }
  if (auto q = r.query_param("q")) {
    if (q->size() > 100) errors.take(Result<int>(Error::invalid("q", "must be at most 100 characters")));
    f.q = *q;
  }
  if (page->cursor.size() > 40) errors.take(Result<int>(Error::invalid("cursor", "not a cursor from this list")));
  if (!errors.ok()) return problem(errors.error());
  auto cases = s.cases->list_cases(f);
  if (!cases) return problem(cases.error());
  const bool more = static_cast<int>(cases->size()) > page->limit;
  if (more) cases->pop_back();
  json::array items;
  for (const auto& one : *cases) {
    json::object o = case_json(one);
    json::array defendants;
    for (const auto& d : one.defendants)
      defendants.push_back(json::object{{"prosecution_id", d.prosecution_id},
                                        {"person_id", d.person_id},
                                        {"name", d.name},
                                        {"stage", to_string(d.stage)}});
    o["defendants"] = std::move(defendants);
    items.push_back(std::move(o));
  }
  json::value next = nullptr;
  if (more && !cases->empty()) next = cases->back().da_number;
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

// Loads a case and asks the policy; a refusal (or absence) is the response.
Result<Case> visible_case(AppServices& s, const auth::Caller& c, const Request& r, Action action,
                          Response& refusal) {
  const std::string& id = r.param("id");
  auto found = s.cases->get_case(id);
  if (!found) {
    refusal = problem(found.error());
    return found.error();
  }
  if (!*found) {
    refusal = problem(404, "not found");
    return Error::of(ErrorCode::not_found, "not found");
  }
  const RecordContext ctx = (*found)->context();
  if (Decision d = decide(c.principal(), action, &ctx); !d.allowed()) {
    refusal = refuse(s, c, r, action, d, "case", id);
    return d.error();
  }
  return std::move(**found);
}

Response get_case(AppServices& s, const auth::Caller& c, const Request& r) {
  Response refusal;
  auto found = visible_case(s, c, r, Action::case_read, refusal);
  if (!found) return refusal;
  return with_etag(json_response(200, case_json(*found)), found->version);
}

Response patch_case(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"title", "referring_agency", "referral_date", "lead_dda_id", "dockets",
                                  "assigned_dda_ids"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  CasePatch patch;
  patch.title = errors.take(optional_string(*body, "title", 200));
  patch.referring_agency = errors.take(optional_string(*body, "referring_agency", 200));
  patch.referral_date = errors.take(optional_date(*body, "referral_date"));
  patch.lead_dda_id = errors.take(optional_uuid(*body, "lead_dda_id"));
  patch.dockets = errors.take(optional_strings(*body, "dockets", 40));
  patch.assigned_dda_ids = errors.take(optional_strings(*body, "assigned_dda_ids", 36, true));
  if (patch.title && patch.title->empty()) errors.take(Result<int>(Error::invalid("title", "must not be empty")));
  if (patch.referring_agency && patch.referring_agency->empty())
    errors.take(Result<int>(Error::invalid("referring_agency", "must not be empty")));
  if (patch.dockets)
    for (const auto& d : *patch.dockets)
      if (normalize_docket(d).empty())
        errors.take(Result<int>(Error::invalid("dockets", "a docket needs letters or digits")));
  auto expected = if_match(r);
  if (!errors.ok()) return problem(errors.error());
  Response refusal;
  auto found = visible_case(s, c, r, Action::case_update, refusal);
  if (!found) return refusal;
  if (!expected) return problem(expected.error());
  Authz authz(c.principal(), Action::case_update);
  auto updated = s.cases->patch_case(found->id, *expected, patch, authz.fn(), audit_of(s, c, r, "case.update"));
  if (!updated) return write_error(s, c, r, authz, updated.error(), "case", found->id);
  return with_etag(json_response(200, case_json(*updated)), updated->version);
}

Response reassign(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"from_dda_id", "to_dda_id", "case_ids"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  ReassignRequest req;
  req.from_dda_id = errors.take(required_uuid(*body, "from_dda_id"));
  req.to_dda_id = errors.take(required_uuid(*body, "to_dda_id"));
  req.case_ids = errors.take(optional_strings(*body, "case_ids", 36, true)).value_or(std::vector<std::string>{});
  if (errors.ok() && req.from_dda_id == req.to_dda_id)
    errors.take(Result<int>(Error::invalid("to_dda_id", "must differ from from_dda_id")));
  if (!errors.ok()) return problem(errors.error());
  Authz authz(c.principal(), Action::case_reassign);
  const AuditEntry audit = audit_of(s, c, r, "case.reassign");
  return idempotent<ReassignResult>(
      s, c, r,
      [](const ReassignResult& moved) {
        return stored(200, json::object{{"moved", moved.case_ids.size()}, {"case_ids", string_array(moved.case_ids)}});
      },
      [&](const Idempotent<ReassignResult>* idem) { return s.cases->reassign(req, authz.fn(), audit, idem); },
      [&](const Error& e) { return write_error(s, c, r, authz, e, "case", ""); });
}

// ---------------------------------------------------------------------------------------
// Prosecutions

Response create_prosecution(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"person", "person_id"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewProsecution np;
  np.case_id = r.param("id");
  np.person_id = errors.take(optional_uuid(*body, "person_id"));
  const json::value* person = body->if_contains("person");
  if (person != nullptr && person->is_null()) person = nullptr;
  if ((person != nullptr) == np.person_id.has_value()) {
    errors.take(Result<int>(Error::invalid("person", "give either person or person_id")));
  } else if (person != nullptr) {
    if (!person->is_object()) {
      errors.take(Result<int>(Error::invalid("person", "must be an object")));
    } else {
      const json::object& p = person->as_object();
      for (const auto& kv : p)
        if (kv.key() != "name" && kv.key() != "dob" && kv.key() != "aliases")
          errors.take(Result<int>(Error::invalid("person." + std::string(kv.key()), "unknown field")));
      np.person.name = errors.take(required_string(p, "name", 200));
      np.person.dob = errors.take(optional_date(p, "dob"));
      np.person.aliases = errors.take(optional_strings(p, "aliases", 200)).value_or(std::vector<std::string>{});
    }
  }
  if (!errors.ok()) return problem(errors.error());
  Response refusal;
  auto found = visible_case(s, c, r, Action::prosecution_create, refusal);
  if (!found) return refusal;
  Authz authz(c.principal(), Action::prosecution_create);
  const AuditEntry audit = audit_of(s, c, r, "prosecution.create");
  return idempotent<ProsecutionRecord>(
      s, c, r, [](const ProsecutionRecord& p) { return stored(201, prosecution_json(p)); },
      [&](const Idempotent<ProsecutionRecord>* idem) {
        return s.cases->create_prosecution(np, authz.fn(), audit, idem);
      },
      [&](const Error& e) { return write_error(s, c, r, authz, e, "case", found->id); });
}

// Loads a prosecution and asks the policy with its case's context.
Result<ProsecutionRecord> visible_prosecution(AppServices& s, const auth::Caller& c, const Request& r,
                                              const std::string& id, Action action, Response& refusal) {
  auto found = s.cases->get_prosecution(id);
  if (!found) {
    refusal = problem(found.error());
    return found.error();
  }
  if (!*found) {
    refusal = problem(404, "not found");
    return Error::of(ErrorCode::not_found, "not found");
  }
  if (Decision d = decide(c.principal(), action, &(*found)->access); !d.allowed()) {
    refusal = refuse(s, c, r, action, d, "prosecution", id);
    return d.error();
  }
  return std::move(**found);
}

Response get_prosecution(AppServices& s, const auth::Caller& c, const Request& r) {
  Response refusal;
  auto p = visible_prosecution(s, c, r, r.param("id"), Action::prosecution_read, refusal);
  if (!p) return refusal;
  return with_etag(json_response(200, prosecution_json(*p)), p->version);
}

Response post_event(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"event", "occurred_at", "charges", "lesser_offense", "trial_date",
                                  "next_appearance", "sentence"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  lifecycle::LifecycleEvent e;
  e.name = errors.take(required_string(*body, "event", 40));
  if (!e.name.empty()) {
    const auto& names = lifecycle::event_names();
    if (std::find(names.begin(), names.end(), e.name) == names.end())
      errors.take(Result<int>(Error::invalid("event", "unknown event \"" + e.name + "\"")));
  }
  const auto occurred = errors.take(required_string(*body, "occurred_at", 40));
  if (!occurred.empty()) e.occurred_at = errors.take(parse_rfc3339(occurred, "occurred_at"));
  e.charge_ids = errors.take(optional_strings(*body, "charges", 36, true)).value_or(std::vector<std::string>{});
  e.lesser_offense = errors.take(optional_bool(*body, "lesser_offense")).value_or(false);
  e.trial_date = errors.take(optional_date(*body, "trial_date"));
  e.next_appearance = errors.take(optional_date(*body, "next_appearance"));
  if (const json::value* sentence = body->if_contains("sentence"); sentence && !sentence->is_null()) {
    if (!sentence->is_object()) {
      errors.take(Result<int>(Error::invalid("sentence", "must be an object: charge id -> sentence")));
    } else if (sentence->as_object().size() > kMaxListItems) {
      errors.take(Result<int>(Error::invalid("sentence", "too many counts")));
    } else {
      for (const auto& kv : sentence->as_object()) {
        if (!is_uuid(kv.key())) {
          errors.take(Result<int>(Error::invalid("sentence", "keys must be charge ids")));
          continue;
        }
        e.sentences[std::string(kv.key())] = errors.take(sentence_text(kv.value(), "sentence"));
      }
    }
  }
  if (!errors.ok()) return problem(errors.error());
  if (auto local = CourtCalendar::local_date(e.occurred_at)) e.court_date = *local;
  auto expected = if_match(r);
  const std::string& id = r.param("id");
  Response refusal;
  auto p = visible_prosecution(s, c, r, id, Action::prosecution_event, refusal);
  if (!p) return refusal;
  if (!expected) return problem(expected.error());
  Authz authz(c.principal(), Action::prosecution_event);
  AuditEntry audit = audit_of(s, c, r, "prosecution.event");
  const EventDecider decider = lifecycle::decider_for(e);
  return idempotent<ProsecutionRecord>(
      s, c, r, [](const ProsecutionRecord& after) { return stored(200, prosecution_json(after)); },
      [&](const Idempotent<ProsecutionRecord>* idem) {
        return s.cases->apply_event(id, *expected, decider, authz.fn(), audit, idem);
      },
      [&](const Error& err) { return write_error(s, c, r, authz, err, "prosecution", id); });
}

Response get_history(AppServices& s, const auth::Caller& c, const Request& r) {
  auto page = page_of(r);
  if (!page) return problem(page.error());
  int after = 0;
  if (!page->cursor.empty()) {
    if (page->cursor.size() > 9 ||
        !std::all_of(page->cursor.begin(), page->cursor.end(), [](unsigned char ch) { return std::isdigit(ch); }))
      return problem(Error::invalid("cursor", "not a cursor from this list"));
    after = std::stoi(page->cursor);
  }
  const std::string& id = r.param("id");
  Response refusal;
  auto p = visible_prosecution(s, c, r, id, Action::prosecution_history, refusal);
  if (!p) return refusal;
  auto log = s.cases->history(id);
  if (!log) return problem(log.error());
  json::array items;
  json::value next = nullptr;
  for (const auto& h : *log) {
    if (h.seq <= after) continue;
    if (static_cast<int>(items.size()) == page->limit) {
      next = std::to_string(items.back().as_object().at("seq").as_int64());
      break;
    }
    boost::system::error_code ec;
    json::value fields = json::parse(h.fields, ec);
    if (ec) fields = json::object{};
    items.push_back(json::object{{"seq", h.seq},
                                 {"event", h.event},
                                 {"occurred_at", format_utc_micros(h.occurred_at)},
                                 {"recorded_at", format_utc_micros(h.recorded_at)},
                                 {"actor", h.actor_username},
                                 {"actor_id", h.actor_id.empty() ? json::value(nullptr) : json::value(h.actor_id)},
                                 {"from_stage", to_string(h.from_stage)},
                                 {"to_stage", to_string(h.to_stage)},
                                 {"fields", std::move(fields)}});
    if (h.originally_occurred_at) {
      auto& item = items.back().as_object();
      item["originally_occurred_at"] = format_utc_micros(*h.originally_occurred_at);
      item["correction_reason"] = h.correction_reason;
    }
  }
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

// ---------------------------------------------------------------------------------------
// Charges and statutes

Response list_statutes(const Request& r) {
  StatuteFilter f;
  FieldErrors errors;
  if (auto p = r.query_param("prop35"); p && !p->empty()) {
    if (*p == "true")
      f.prop35 = true;
    else if (*p == "false")
      f.prop35 = false;
    else
      errors.take(Result<int>(Error::invalid("prop35", "must be true or false")));
  }
  if (auto cat = r.query_param("category"); cat && !cat->empty()) {
    if (cat->size() > 100) errors.take(Result<int>(Error::invalid("category", "must be at most 100 characters")));
    f.category = *cat;
  }
  if (!errors.ok()) return problem(errors.error());
  json::array items;
  for (const auto& st : StatuteCatalog::builtin().filter(f))
    items.push_back(json::object{{"code", st.code},
                                 {"title", st.title},
                                 {"class", to_string(st.statute_class)},
                                 {"class_text", st.class_text},
                                 {"triad", st.term},
                                 {"max_fine", st.fine},
                                 {"registration", to_string(st.registration)},
                                 {"registration_text", st.registration_text},
                                 {"prop35", st.prop35},
                                 {"category", st.category},
                                 {"citation", st.citation},
                                 {"serious_felony", is_serious_felony(st)},
                                 {"unconfirmed", st.unconfirmed}});
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Response create_charge(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"statute", "count", "enhancements", "filed_on", "offense_date"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewCharge nc;
  nc.statute = errors.take(required_string(*body, "statute", 40));
  const StatuteCatalog& catalog = StatuteCatalog::builtin();
  if (!nc.statute.empty()) {
    const Statute* st = catalog.find(nc.statute);
    if (st == nullptr)
      errors.take(Result<int>(Error::invalid("statute", "not in the statute catalog")));
    else if (st->statute_class == StatuteClass::enhancement)
      errors.take(Result<int>(Error::invalid("statute", "an enhancement is not a count; list it in enhancements")));
  }
  nc.count = errors.take(optional_int(*body, "count", 1, 999));
  nc.enhancements = errors.take(optional_strings(*body, "enhancements", 40)).value_or(std::vector<std::string>{});
  for (const auto& code : nc.enhancements) {
    const Statute* st = catalog.find(code);
    if (st == nullptr || st->statute_class != StatuteClass::enhancement)
      errors.take(Result<int>(Error::invalid("enhancements", "not an enhancement of the catalog: " + code)));
  }
  nc.filed_on = errors.take(required_date(*body, "filed_on"));
  nc.offense_date = errors.take(optional_date(*body, "offense_date"));
  if (errors.ok() && nc.offense_date && *nc.offense_date > nc.filed_on)
    errors.take(Result<int>(Error::invalid("offense_date", "must not be after filed_on")));
  if (!errors.ok()) return problem(errors.error());
  const std::string& id = r.param("id");
  Response refusal;
  auto p = visible_prosecution(s, c, r, id, Action::charge_create, refusal);
  if (!p) return refusal;
  Authz authz(c.principal(), Action::charge_create);
  const AuditEntry audit = audit_of(s, c, r, "charge.create");
  auto new_id = std::make_shared<std::string>();
  return idempotent<ProsecutionRecord>(
      s, c, r,
      [new_id](const ProsecutionRecord& after) {
        for (const auto& ch : after.snapshot.charges)
          if (ch.id == *new_id) {
            json::object o = charge_json(ch, after.id);
            o["version"] = after.version;  // the prosecution's version: If-Match for PATCH /charges/{id}
            return stored(201, o);
          }
        return stored(201, prosecution_json(after));
      },
      [&](const Idempotent<ProsecutionRecord>* idem) {
        return s.cases->add_charge(id, nc, audit.at, authz.fn(), audit, *new_id, idem);
      },
      [&](const Error& e) { return write_error(s, c, r, authz, e, "prosecution", id); });
}

Response patch_charge(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"disposition", "disposition_date", "sentence"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  ChargePatch patch;
  if (auto d = errors.take(optional_string(*body, "disposition", 40))) {
    auto parsed = parse_disposition(*d);
    if (parsed)
      patch.disposition = *parsed;
    else
      errors.take(Result<int>(parsed.error()));
  }
  if (body->contains("disposition_date")) patch.disposition_date = errors.take(optional_date(*body, "disposition_date"));
  if (const json::value* sentence = body->if_contains("sentence")) {
    if (sentence->is_null())
      patch.sentence = std::optional<std::string>();
    else
      patch.sentence = std::optional<std::string>(errors.take(sentence_text(*sentence, "sentence")));
  }
  auto expected = if_match(r);
  if (!errors.ok()) return problem(errors.error());
  const std::string& charge_id = r.param("id");
  auto pid = s.cases->prosecution_of_charge(charge_id);
  if (!pid) return problem(pid.error());
  if (!*pid) return problem(404, "not found");
  Response refusal;
  auto p = visible_prosecution(s, c, r, **pid, Action::charge_update, refusal);
  if (!p) return refusal;
  if (!expected) return problem(expected.error());
  Authz authz(c.principal(), Action::charge_update);
  const AuditEntry audit = audit_of(s, c, r, "charge.update");
  auto after = s.cases->patch_charge(charge_id, *expected, patch, audit.at, authz.fn(), audit);
  if (!after) return write_error(s, c, r, authz, after.error(), "charge", charge_id);
  for (const auto& ch : after->snapshot.charges)
    if (ch.id == charge_id) {
      json::object o = charge_json(ch, after->id);
      o["version"] = after->version;
      return with_etag(json_response(200, o), after->version);
    }
  return problem(404, "not found");
}

}  // namespace

void add_case_routes(Router& router, AppServices& s) {
  auto route = [&](const char* method, const char* pattern, Action action,
                   Response (*fn)(AppServices&, const auth::Caller&, const Request&)) {
    router.add({.method = method, .pattern = pattern,
                .handler = guarded(s, action, [&s, fn](const auth::Caller& c, const Request& r) { return fn(s, c, r); })});
  };
  route("POST", "/api/v1/cases", Action::case_create, create_case);
  route("GET", "/api/v1/cases", Action::case_list, list_cases);
  route("POST", "/api/v1/cases/reassign", Action::case_reassign, reassign);
  route("GET", "/api/v1/cases/{id}", Action::case_read, get_case);
  route("PATCH", "/api/v1/cases/{id}", Action::case_update, patch_case);
  route("POST", "/api/v1/cases/{id}/prosecutions", Action::prosecution_create, create_prosecution);
  route("GET", "/api/v1/prosecutions/{id}", Action::prosecution_read, get_prosecution);
  route("POST", "/api/v1/prosecutions/{id}/events", Action::prosecution_event, post_event);
  route("GET", "/api/v1/prosecutions/{id}/history", Action::prosecution_history, get_history);
  route("POST", "/api/v1/prosecutions/{id}/charges", Action::charge_create, create_charge);
  route("PATCH", "/api/v1/charges/{id}", Action::charge_update, patch_charge);
  router.add({.method = "GET", .pattern = "/api/v1/statutes",
              .handler = guarded(s, Action::statute_list,
                                 [](const auth::Caller&, const Request& r) { return list_statutes(r); })});
}

}  // namespace heat::api

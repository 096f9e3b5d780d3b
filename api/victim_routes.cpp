// Victims, service plans, Marsy's-law rights entries and the notification inbox (issue 6).
// The pseudonymous victim record goes to whoever may read it; the sealed identity fields are
// opened (and the opening audited, in the same transaction) only for callers the access
// policy's field_visible() allows: the victim's advocate and the DDAs of linked cases.
#include "api/fields.hpp"
#include "api/guard.hpp"
#include "api/idempotency.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"
#include "engine/cases.hpp"
#include "engine/victims.hpp"
#include "workflows/service_plan_item.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <memory>

namespace heat::api {
namespace {

namespace json = boost::json;
using std::chrono::sys_days;

// ---------------------------------------------------------------------------------------
// JSON

json::value opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt_date(const std::optional<sys_days>& d) { return d ? json::value(format_date(*d)) : json::value(nullptr); }

json::object victim_json(const Victim& v) {
  json::array links;
  for (const auto& l : v.links)
    links.push_back(json::object{{"prosecution_id", l.prosecution_id}, {"case_id", l.case_id}, {"role", l.role}});
  return json::object{{"id", v.id},
                      {"unit", v.unit},
                      {"pseudonym", v.pseudonym},
                      {"gender", to_string(v.gender)},
                      {"race_ethnicity", opt(v.race_ethnicity)},
                      {"residence_city", opt(v.residence_city)},
                      {"residence_county", opt(v.residence_county)},
                      {"residence_state", opt(v.residence_state)},
                      {"advocate_id", v.advocate_id.empty() ? json::value(nullptr) : json::value(v.advocate_id)},
                      {"minor_at_offense", v.minor_at_offense ? json::value(*v.minor_at_offense) : json::value(nullptr)},
                      {"links", std::move(links)},
                      {"version", v.version},
                      {"created_at", format_utc_micros(v.created_at)}};
}

// Adds the identity fields the caller may see (each one checked on its own).
void add_identity(json::object& o, const VictimIdentity& id, const Principal& p, const RecordContext& ctx) {
  if (field_visible(p, Field::victim_legal_name, ctx)) o["legal_name"] = id.legal_name;
  if (field_visible(p, Field::victim_dob, ctx)) o["dob"] = opt_date(id.dob);
  if (field_visible(p, Field::victim_contact, ctx)) {
    json::value contact = nullptr;
    if (id.contact) {
      boost::system::error_code ec;
      contact = json::parse(*id.contact, ec);
      if (ec) contact = nullptr;
    }
    o["contact"] = contact;
  }
  if (field_visible(p, Field::victim_safety_notes, ctx)) o["safety_notes"] = opt(id.safety_notes);
}

bool any_identity_field_visible(const Principal& p, const RecordContext& ctx) {
  for (Field f : {Field::victim_legal_name, Field::victim_dob, Field::victim_contact, Field::victim_safety_notes})
    if (field_visible(p, f, ctx)) return true;
  return false;
}

json::object item_json(const ServiceItem& i) {
  json::array next;
  if (auto st = service_plan::parse_item_status(i.status))
    for (auto n : service_plan::allowed_next(*st)) next.push_back(json::string(service_plan::to_string(n)));
  return json::object{{"id", i.id},
                      {"victim_id", i.victim_id},
                      {"domain", i.domain},
                      {"provider", i.provider},
                      {"goal", i.goal},
                      {"status", i.status},
                      {"allowed_statuses", std::move(next)},
                      {"review_on", opt_date(i.review_on)},
                      {"version", i.version},
                      {"created_at", format_utc_micros(i.created_at)},
                      {"updated_at", format_utc_micros(i.updated_at)}};
}

json::object rights_json(const RightsEntry& e) {
  return json::object{{"id", e.id},
                      {"prosecution_id", e.prosecution_id},
                      {"victim_id", e.victim_id},
                      {"kind", e.kind},
                      {"at", format_utc_micros(e.at)},
                      {"notes", opt(e.notes)},
                      {"reason", opt(e.reason)},
                      {"recorded_by", e.recorded_by},
                      {"created_at", format_utc_micros(e.created_at)}};
}

json::object notification_json(const Notification& n) {
  boost::system::error_code ec;
  json::value payload = json::parse(n.payload, ec);
  if (ec) payload = json::object{};
  return json::object{{"id", n.id},
                      {"kind", n.kind},
                      {"subject_id", n.subject_id},
                      {"created_at", format_utc_micros(n.created_at)},
                      {"read", n.read_at.has_value()},
                      {"read_at", n.read_at ? json::value(format_utc_micros(*n.read_at)) : json::value(nullptr)},
                      {"delivered_at",
                       n.delivered_at ? json::value(format_utc_micros(*n.delivered_at)) : json::value(nullptr)},
                      {"payload", std::move(payload)}};
}

// ---------------------------------------------------------------------------------------
// Request helpers

Result<std::optional<sys_days>> optional_date(const json::object& body, const char* name) {
  auto text = optional_string(body, name, 10);
  if (!text) return text.error();
  if (!*text) return std::optional<sys_days>();
  auto d = parse_date(**text, name);
  if (!d) return d.error();
  return std::optional<sys_days>(*d);
}

// Loads a victim and decides `action` on it; on refusal `out` holds the answer (404 / 403).
std::optional<Victim> visible_victim(AppServices& s, const auth::Caller& c, const Request& r, Action action,
                                     Response& out) {
  auto v = s.victims->get_victim(r.param("id"));
  if (!v) {
    out = problem(v.error());
    return std::nullopt;
  }
  if (!*v) {
    out = problem(404, "no such victim");
    return std::nullopt;
  }
  if (Decision d = decide(c.principal(), action, &(*v)->access); !d.allowed()) {
    out = refuse(s, c, r, action, d, "victim", r.param("id"));
    return std::nullopt;
  }
  return std::move(**v);
}

// A prosecution's context with the advocates of its linked victims (for Marsy's-law routes).
std::optional<RecordContext> prosecution_context(AppServices& s, const std::string& id, Response& out,
                                                 std::vector<LinkedVictim>* victims = nullptr) {
  auto p = s.cases->get_prosecution(id);
  if (!p) {
    out = problem(p.error());
    return std::nullopt;
  }
  if (!*p) {
    out = problem(404, "no such prosecution");
    return std::nullopt;
  }
  auto linked = s.victims->linked_victims(id);
  if (!linked) {
    out = problem(linked.error());
    return std::nullopt;
  }
  RecordContext ctx = (*p)->access;
  for (const auto& v : *linked)
    if (!v.advocate_id.empty()) ctx.advocate_ids.push_back(v.advocate_id);
  if (victims != nullptr) *victims = std::move(*linked);
  return ctx;
}

// ---------------------------------------------------------------------------------------
// Victims

Response create_victim(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"legal_name", "dob", "gender", "race_ethnicity", "residence_city",
                                  "residence_county", "residence_state", "contact", "safety_notes", "advocate_id"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewVictim v;
  v.unit = c.user.unit;
  v.identity.legal_name = errors.take(required_string(*body, "legal_name", 200));
  v.identity.dob = errors.take(optional_date(*body, "dob"));
  if (auto g = errors.take(optional_string(*body, "gender", 20)))
    v.gender = errors.take(parse_gender(*g));
  v.race_ethnicity = errors.take(optional_string(*body, "race_ethnicity", 100));
  v.residence_city = errors.take(optional_string(*body, "residence_city", 100));
  v.residence_county = errors.take(optional_string(*body, "residence_county", 100));
  v.residence_state = errors.take(optional_string(*body, "residence_state", 50));
  v.identity.safety_notes = errors.take(optional_string(*body, "safety_notes", 4000));
  if (const json::value* contact = body->if_contains("contact"); contact && !contact->is_null()) {
    if (!contact->is_object())
      errors.take(Result<int>(Error::invalid("contact", "must be an object")));
    else if (json::serialize(*contact).size() > 4000)
      errors.take(Result<int>(Error::invalid("contact", "too long")));
    else
      v.identity.contact = json::serialize(*contact);
  }
  auto advocate = errors.take(optional_string(*body, "advocate_id", 36));
  if (!errors.ok()) return problem(errors.error());
  if (v.identity.dob && *v.identity.dob > std::chrono::floor<std::chrono::days>(s.clock->now()))
    return problem(Error::invalid("dob", "must not be in the future"));
  // An advocate who records a victim is that victim's advocate unless another is named.
  v.advocate_id = advocate ? *advocate : (c.user.role == Role::advocate ? c.user.id : std::string());
  RecordContext proposed;
  proposed.unit = v.unit;
  if (Decision d = decide(c.principal(), Action::victim_create, &proposed); !d.allowed())
    return refuse(s, c, r, Action::victim_create, d, "victim");
  const AuditEntry audit = audit_of(s, c, r, "victim.create");
  return idempotent<Victim>(
      s, c, r, [](const Victim& created) { return stored(201, victim_json(created)); },
      [&](const Idempotent<Victim>* idem) { return s.victims->create_victim(v, audit, idem); },
      [](const Error& e) { return problem(e); });
}

Response get_victim(AppServices& s, const auth::Caller& c, const Request& r) {
  Response refusal;
  auto v = visible_victim(s, c, r, Action::victim_read, refusal);
  if (!v) return refusal;
  json::object o = victim_json(*v);
  const Principal p = c.principal();
  if (any_identity_field_visible(p, v->access)) {
    AuditEntry audit = audit_of(s, c, r, "victim.identity_read");
    auto identity = s.victims->read_identity(v->id, audit);
    if (!identity) return problem(identity.error());
    add_identity(o, *identity, p, v->access);
  }
  return with_etag(json_response(200, o), v->version);
}

Response link_victim(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"prosecution_id", "role"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  auto prosecution_id = errors.take(required_string(*body, "prosecution_id", 36));
  auto role = errors.take(required_string(*body, "role", 20));
  if (errors.ok() && !is_link_role(role)) errors.take(Result<int>(Error::invalid("role", "must be named_victim or witness")));
  if (errors.ok() && !is_uuid(prosecution_id))
    errors.take(Result<int>(Error::invalid("prosecution_id", "must be a prosecution id")));
  if (!errors.ok()) return problem(errors.error());
  const std::string& id = r.param("id");
  Authz authz(c.principal(), Action::victim_link);
  const AuditEntry audit = audit_of(s, c, r, "victim.link");
  return idempotent<VictimLink>(
      s, c, r,
      [](const VictimLink& done) {
        return stored(201, json::object{{"victim_id", done.victim_id},
                                        {"prosecution_id", done.prosecution_id},
                                        {"case_id", done.case_id},
                                        {"role", done.role},
                                        {"created_at", format_utc_micros(done.created_at)}});
      },
      [&](const Idempotent<VictimLink>* idem) {
        return s.victims->link(id, prosecution_id, role, authz.fn(), audit, idem);
      },
      [&](const Error& e) { return write_error(s, c, r, authz, e, "victim", id); });
}

// ---------------------------------------------------------------------------------------
// Service plans

Response get_plan(AppServices& s, const auth::Caller& c, const Request& r) {
  Response refusal;
  auto v = visible_victim(s, c, r, Action::service_plan_read, refusal);
  if (!v) return refusal;
  auto items = s.victims->service_plan(v->id);
  if (!items) return problem(items.error());
  json::array out;
  for (const auto& i : *items) out.push_back(item_json(i));
  return json_response(200, json::object{{"victim_id", v->id}, {"pseudonym", v->pseudonym}, {"items", std::move(out)}});
}

Response add_item(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"domain", "provider", "goal", "status", "review_on"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewServiceItem item;
  item.domain = errors.take(required_string(*body, "domain", 40));
  item.provider = errors.take(required_string(*body, "provider", 200));
  item.goal = errors.take(required_string(*body, "goal", 1000));
  auto status = errors.take(optional_string(*body, "status", 20));
  item.review_on = errors.take(optional_date(*body, "review_on"));
  if (!item.domain.empty() && !is_service_domain(item.domain))
    errors.take(Result<int>(Error::invalid("domain", "must be one of safety_housing, medical, mental_health, "
                                                     "substance_use, education, employment, legal_immigration, family")));
  if (status) {
    if (auto st = service_plan::parse_item_status(*status))
      item.status = service_plan::to_string(*st);
    else
      errors.take(Result<int>(st.error()));
  }
  if (!errors.ok()) return problem(errors.error());
  Response refusal;
  auto v = visible_victim(s, c, r, Action::service_plan_write, refusal);
  if (!v) return refusal;
  const AuditEntry audit = audit_of(s, c, r, "service_plan.item_add");
  return idempotent<ServiceItem>(
      s, c, r, [](const ServiceItem& added) { return stored(201, item_json(added)); },
      [&](const Idempotent<ServiceItem>* idem) { return s.victims->add_service_item(v->id, item, audit, idem); },
      [](const Error& e) { return problem(e); });
}

Response patch_item(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"provider", "goal", "status", "review_on"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  ServiceItemPatch patch;
  patch.provider = errors.take(optional_string(*body, "provider", 200));
  patch.goal = errors.take(optional_string(*body, "goal", 1000));
  patch.status = errors.take(optional_string(*body, "status", 20));
  if (body->contains("review_on")) patch.review_on = errors.take(optional_date(*body, "review_on"));
  if (patch.provider && patch.provider->empty()) errors.take(Result<int>(Error::invalid("provider", "must not be empty")));
  if (patch.goal && patch.goal->empty()) errors.take(Result<int>(Error::invalid("goal", "must not be empty")));
  if (patch.status)
    if (auto st = service_plan::parse_item_status(*patch.status); !st) errors.take(Result<int>(st.error()));
  if (!errors.ok()) return problem(errors.error());
  auto expected = if_match(r);
  Response refusal;
  auto v = visible_victim(s, c, r, Action::service_plan_write, refusal);
  if (!v) return refusal;
  if (!expected) return problem(expected.error());
  const StatusDecider decider = [](const std::string& from, const std::string& to) -> Result<std::string> {
    auto f = service_plan::parse_item_status(from);
    auto t = service_plan::parse_item_status(to);
    if (!f) return f.error();
    if (!t) return t.error();
    auto next = service_plan::change_status(*f, *t);
    if (!next) return next.error();
    return std::string(service_plan::to_string(*next));
  };
  auto done = s.victims->patch_service_item(v->id, r.param("item_id"), *expected, patch, decider,
                                            audit_of(s, c, r, "service_plan.item_update"));
  if (!done) return problem(done.error());
  return with_etag(json_response(200, item_json(*done)), done->version);
}

// ---------------------------------------------------------------------------------------
// Marsy's Law

Response add_rights(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"victim_id", "kind", "at", "notes", "reason"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  RightsEntry e;
  e.prosecution_id = r.param("id");
  e.victim_id = errors.take(required_string(*body, "victim_id", 36));
  e.kind = errors.take(required_string(*body, "kind", 30));
  auto at = errors.take(required_string(*body, "at", 40));
  e.notes = errors.take(optional_string(*body, "notes", 4000));
  e.reason = errors.take(optional_string(*body, "reason", 2000));
  if (!e.kind.empty() && !is_rights_kind(e.kind))
    errors.take(Result<int>(Error::invalid("kind", "must be notice_requested, notice_sent, conferred or waived")));
  if (!at.empty()) {
    auto t = parse_rfc3339(at, "at");
    if (t) e.at = *t;
    else errors.take(Result<int>(t.error()));
  }
  if (e.kind == "waived" && (!e.reason || e.reason->empty()))
    errors.take(Result<int>(Error::invalid("reason", "a waiver needs a reason")));
  if (!errors.ok()) return problem(errors.error());
  Response refusal;
  std::vector<LinkedVictim> linked;
  auto ctx = prosecution_context(s, e.prosecution_id, refusal, &linked);
  if (!ctx) return refusal;
  const Principal p = c.principal();
  if (Decision d = decide(p, Action::victim_rights_write, &*ctx); !d.allowed())
    return refuse(s, c, r, Action::victim_rights_write, d, "prosecution", e.prosecution_id);
  // An advocate records entries for their own victims only (the narrowed context).
  if (p.role == Role::advocate) {
    RecordContext narrowed = *ctx;
    narrowed.advocate_ids.clear();
    for (const auto& v : linked)
      if (v.victim_id == e.victim_id && !v.advocate_id.empty()) narrowed.advocate_ids.push_back(v.advocate_id);
    if (Decision d = decide(p, Action::victim_rights_write, &narrowed); !d.allowed())
      return refuse(s, c, r, Action::victim_rights_write, d, "prosecution", e.prosecution_id);
  }
  if (e.kind == "waived")
    if (Decision d = decide(p, Action::victim_rights_waive, &*ctx); !d.allowed())
      return refuse(s, c, r, Action::victim_rights_waive, d, "prosecution", e.prosecution_id);
  const AuditEntry audit = audit_of(s, c, r, "victim_rights." + e.kind);
  return idempotent<RightsEntry>(
      s, c, r, [](const RightsEntry& added) { return stored(201, rights_json(added)); },
      [&](const Idempotent<RightsEntry>* idem) { return s.victims->add_rights_entry(e, audit, idem); },
      [](const Error& err) { return problem(err); });
}

Response list_rights(AppServices& s, const auth::Caller& c, const Request& r) {
  const std::string& id = r.param("id");
  Response refusal;
  std::vector<LinkedVictim> linked;
  auto ctx = prosecution_context(s, id, refusal, &linked);
  if (!ctx) return refusal;
  if (Decision d = decide(c.principal(), Action::victim_rights_read, &*ctx); !d.allowed())
    return refuse(s, c, r, Action::victim_rights_read, d, "prosecution", id);
  auto entries = s.victims->rights_entries(id);
  if (!entries) return problem(entries.error());
  json::array items;
  for (const auto& e : *entries) items.push_back(rights_json(e));
  // Per linked victim: whether a plea or dismissal may go ahead (conferred or waived).
  json::array victims;
  for (const auto& v : linked) {
    const bool ready = std::any_of(entries->begin(), entries->end(), [&](const RightsEntry& e) {
      return e.victim_id == v.victim_id && (e.kind == "conferred" || e.kind == "waived");
    });
    victims.push_back(json::object{{"victim_id", v.victim_id}, {"pseudonym", v.pseudonym}, {"conferral_done", ready}});
  }
  return json_response(200, json::object{{"items", std::move(items)}, {"victims", std::move(victims)},
                                         {"next_cursor", nullptr}});
}

// ---------------------------------------------------------------------------------------
// Notifications

Response list_notifications(AppServices& s, const auth::Caller& c, const Request& r) {
  auto page = page_of(r);
  if (!page) return problem(page.error());
  if (list_scope(c.principal(), Action::notification_list) != ListScope::own) return problem(403, "not allowed");
  NotificationFilter f;
  f.user_id = c.user.id;
  f.limit = page->limit + 1;
  f.cursor = page->cursor;
  if (auto u = r.query_param("unread")) {
    if (*u != "true" && *u != "false") return problem(Error::invalid("unread", "must be true or false"));
    f.unread_only = *u == "true";
  }
  auto rows = s.notifications->list(f);
  if (!rows) return problem(rows.error());
  json::array items;
  json::value next = nullptr;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    if (static_cast<int>(i) == page->limit) {
      const auto& last = (*rows)[i - 1];
      next = std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(last.created_at.time_since_epoch())
                                .count()) +
             "_" + last.id;
      break;
    }
    items.push_back(notification_json((*rows)[i]));
  }
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

Response mark_read(AppServices& s, const auth::Caller& c, const Request& r) {
  const std::string& id = r.param("id");
  auto n = s.notifications->get(id);
  if (!n) return problem(n.error());
  if (!*n) return problem(404, "no such notification");
  RecordContext ctx;
  ctx.owner_user_id = (*n)->user_id;
  if (Decision d = decide(c.principal(), Action::notification_mark_read, &ctx); !d.allowed())
    return refuse(s, c, r, Action::notification_mark_read, d, "notification", id);
  auto done = s.notifications->mark_read(id, s.clock->now());
  if (!done) return problem(done.error());
  return json_response(200, notification_json(*done));
}

// ---------------------------------------------------------------------------------------
// Safety Net

Result<std::vector<std::string>> string_list(const json::object& body, const char* name, std::size_t max_items,
                                             std::size_t max_length) {
  auto it = body.find(name);
  if (it == body.end() || it->value().is_null()) return Error::invalid(name, "is required");
  if (!it->value().is_array()) return Error::invalid(name, "must be a list of strings");
  const auto& a = it->value().as_array();
  if (a.size() > max_items) return Error::invalid(name, "too many entries");
  std::vector<std::string> out;
  for (const auto& v : a) {
    if (!v.is_string() || v.as_string().empty() || v.as_string().size() > max_length)
      return Error::invalid(name, "each entry must be a non-empty string");
    out.emplace_back(v.as_string());
  }
  return out;
}

Result<bool> required_bool(const json::object& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->value().is_bool()) return Error::invalid(name, "must be true or false");
  return it->value().as_bool();
}

json::object agency_json(const Agency& a) {
  json::array scope;
  for (Field f : a.mou_scope) scope.push_back(json::string(to_string(f)));
  return json::object{{"id", a.id}, {"name", a.name}, {"mou_scope", std::move(scope)}};
}

json::object meeting_json(const MdtMeeting& m) {
  json::array agencies;
  for (const auto& a : m.agency_ids) agencies.push_back(json::string(a));
  return json::object{{"id", m.id}, {"unit", m.unit}, {"date", format_date(m.date)}, {"agency_ids", std::move(agencies)}};
}

json::value steps_value(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(json::array{}) : v;
}

json::object review_json(const MdtReview& r) {
  json::array present;
  for (const auto& a : r.agencies_present) present.push_back(json::string(a));
  return json::object{{"id", r.id},
                      {"victim_id", r.victim_id},
                      {"meeting_date", format_date(r.meeting_date)},
                      {"agencies_present", std::move(present)},
                      {"whereabouts_known", r.whereabouts_known},
                      {"safe_and_stable", r.safe_and_stable},
                      {"receiving_services", r.receiving_services},
                      {"point_of_contact", r.point_of_contact},
                      {"risk_level", r.risk_level},
                      {"next_steps", steps_value(r.next_steps)},
                      {"next_review_on", opt_date(r.next_review_on)},
                      {"created_at", format_utc_micros(r.created_at)}};
}

Response create_agency(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"name", "mou_scope"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  Agency a;
  a.name = errors.take(required_string(*body, "name", 200));
  auto scope = errors.take(string_list(*body, "mou_scope", 20, 40));
  for (const auto& f : scope) {
    auto field = parse_field(f);
    if (!field || !is_mou_field(*field)) {
      errors.take(Result<int>(Error::invalid("mou_scope", "not an agenda field an MOU may grant: " + f)));
      break;
    }
    if (std::find(a.mou_scope.begin(), a.mou_scope.end(), *field) == a.mou_scope.end()) a.mou_scope.push_back(*field);
  }
  if (!errors.ok()) return problem(errors.error());
  if (Decision d = decide(c.principal(), Action::agency_create, nullptr); !d.allowed())
    return refuse(s, c, r, Action::agency_create, d, "agency");
  const AuditEntry audit = audit_of(s, c, r, "agency.create");
  return idempotent<Agency>(
      s, c, r, [](const Agency& created) { return stored(201, agency_json(created)); },
      [&](const Idempotent<Agency>* idem) { return s.victims->create_agency(a, audit, idem); },
      [](const Error& e) {
        if (e.code == ErrorCode::already_exists && e.message != kIdempotencyKeyTaken)
          return problem(Error::of(ErrorCode::already_exists, "an agency of that name exists"));
        return problem(e);
      });
}

Response create_meeting(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"date", "agency_ids"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  MdtMeeting m;
  m.unit = c.user.unit;
  auto date = errors.take(optional_date(*body, "date"));
  if (errors.ok() && !date) errors.take(Result<int>(Error::invalid("date", "is required")));
  m.agency_ids = errors.take(string_list(*body, "agency_ids", 50, 36));
  if (!errors.ok()) return problem(errors.error());
  m.date = *date;
  if (Decision d = decide(c.principal(), Action::mdt_meeting_create, nullptr); !d.allowed())
    return refuse(s, c, r, Action::mdt_meeting_create, d, "mdt_meeting");
  if (m.unit.empty()) return problem(Error::of(ErrorCode::domain_rule, "the caller belongs to no unit"));
  const AuditEntry audit = audit_of(s, c, r, "mdt.meeting_create");
  return idempotent<MdtMeeting>(
      s, c, r, [](const MdtMeeting& created) { return stored(201, meeting_json(created)); },
      [&](const Idempotent<MdtMeeting>* idem) { return s.victims->create_meeting(m, audit, idem); },
      [](const Error& e) {
        if (e.code == ErrorCode::already_exists && e.message != kIdempotencyKeyTaken)
          return problem(Error::of(ErrorCode::already_exists, "the unit already meets on that date"));
        return problem(e);
      });
}

Response create_review(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"victim_id", "meeting_date", "agencies_present", "whereabouts_known",
                                  "safe_and_stable", "receiving_services", "point_of_contact", "risk_level",
                                  "next_steps", "next_review_on"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  MdtReview v;
  v.victim_id = errors.take(required_string(*body, "victim_id", 36));
  auto meeting_date = errors.take(optional_date(*body, "meeting_date"));
  if (!meeting_date && errors.ok()) errors.take(Result<int>(Error::invalid("meeting_date", "is required")));
  v.agencies_present = errors.take(string_list(*body, "agencies_present", 50, 200));
  v.whereabouts_known = errors.take(required_bool(*body, "whereabouts_known"));
  v.safe_and_stable = errors.take(required_bool(*body, "safe_and_stable"));
  v.receiving_services = errors.take(required_bool(*body, "receiving_services"));
  v.point_of_contact = errors.take(required_string(*body, "point_of_contact", 200));
  v.risk_level = errors.take(required_string(*body, "risk_level", 10));
  if (!v.risk_level.empty() && !is_risk_level(v.risk_level))
    errors.take(Result<int>(Error::invalid("risk_level", "must be low, medium or high")));
  v.next_review_on = errors.take(optional_date(*body, "next_review_on"));
  if (const json::value* steps = body->if_contains("next_steps"); steps && !steps->is_null()) {
    bool ok = steps->is_string() && steps->as_string().size() <= 4000;
    if (steps->is_array() && steps->as_array().size() <= 50) {
      ok = true;
      for (const auto& step : steps->as_array()) {
        const json::object* o = step.if_object();
        const json::value* action = o ? o->if_contains("action") : nullptr;
        const json::value* owner = o ? o->if_contains("owner") : nullptr;
        if (!o || !action || !action->is_string() || action->as_string().empty() ||
            (owner && !owner->is_string() && !owner->is_null()) || o->size() > (owner ? 2u : 1u))
          ok = false;
      }
    }
    if (ok) v.next_steps = json::serialize(*steps);
    else errors.take(Result<int>(Error::invalid("next_steps", "a list of {\"action\", \"owner\"?} or a string")));
  }
  if (!errors.ok()) return problem(errors.error());
  v.meeting_date = *meeting_date;
  auto victim = s.victims->get_victim(v.victim_id);
  if (!victim) return problem(victim.error());
  if (!*victim) return problem(Error::invalid("victim_id", "no such victim"));
  if (Decision d = decide(c.principal(), Action::mdt_review_create, &(*victim)->access); !d.allowed())
    return refuse(s, c, r, Action::mdt_review_create, d, "victim", v.victim_id);
  const AuditEntry audit = audit_of(s, c, r, "mdt.review_create");
  return idempotent<MdtReview>(
      s, c, r, [](const MdtReview& created) { return stored(201, review_json(created)); },
      [&](const Idempotent<MdtReview>* idem) { return s.victims->add_review(v, audit, idem); },
      [](const Error& e) { return problem(e); });
}

// The agenda packet: each field of each youth only where field_visible() allows it — for an
// MDT partner, only the fields its agency's MOU grants.
Response get_agenda(AppServices& s, const auth::Caller& c, const Request& r) {
  auto date = parse_date(r.query_param("date").value_or(""), "date");
  if (!date) return problem(date.error());
  const Principal p = c.principal();
  std::vector<Field> scope;
  if (p.role == Role::mdt_partner) {
    auto agency = s.victims->get_agency(p.agency_id);
    if (!agency) return problem(agency.error());
    if (*agency) scope = (*agency)->mou_scope;
  }
  auto meetings = s.victims->meetings_on(*date);
  if (!meetings) return problem(meetings.error());
  std::optional<Decision> refused;
  json::array items, shown;
  for (const auto& m : *meetings) {
    RecordContext ctx;
    ctx.unit = m.unit;
    ctx.agency_ids = m.agency_ids;
    ctx.mou_scope = scope;
    if (Decision d = decide(p, Action::mdt_agenda_read, &ctx); !d.allowed()) {
      if (!refused) refused = d;
      continue;
    }
    shown.push_back(meeting_json(m));
    auto agenda = s.victims->agenda(m);
    if (!agenda) return problem(agenda.error());
    auto visible = [&](Field f) { return field_visible(p, f, ctx); };
    for (const auto& a : *agenda) {
      json::object o{{"meeting_id", m.id}};
      if (p.role != Role::mdt_partner) o["victim_id"] = a.victim_id;
      if (visible(Field::agenda_pseudonym)) o["pseudonym"] = a.pseudonym;
      if (visible(Field::agenda_court_dates)) {
        json::array dates;
        for (const auto& d : a.court_dates) dates.push_back(json::string(d));
        o["court_dates"] = std::move(dates);
      }
      if (visible(Field::agenda_service_items)) {
        json::array open;
        for (const auto& i : a.open_service_items)
          open.push_back(json::object{{"domain", i.domain}, {"provider", i.provider}, {"goal", i.goal},
                                      {"status", i.status}, {"review_on", opt_date(i.review_on)}});
        o["service_items"] = std::move(open);
      }
      const MdtReview* last = a.last_review ? &*a.last_review : nullptr;
      if (visible(Field::agenda_keys))
        o["keys"] = last ? json::value(json::object{{"meeting_date", format_date(last->meeting_date)},
                                                    {"whereabouts_known", last->whereabouts_known},
                                                    {"safe_and_stable", last->safe_and_stable},
                                                    {"receiving_services", last->receiving_services},
                                                    {"point_of_contact", last->point_of_contact}})
                         : json::value(nullptr);
      if (visible(Field::agenda_risk_level)) o["risk_level"] = last ? json::value(last->risk_level) : json::value(nullptr);
      if (visible(Field::agenda_next_steps)) o["next_steps"] = last ? steps_value(last->next_steps) : json::value(nullptr);
      items.push_back(std::move(o));
    }
  }
  if (shown.empty()) {
    if (refused) return refuse(s, c, r, Action::mdt_agenda_read, *refused, "mdt_meeting", format_date(*date));
    return problem(404, "no Safety Net meeting on that date");
  }
  return json_response(200, json::object{{"date", format_date(*date)}, {"meetings", std::move(shown)},
                                         {"items", std::move(items)}});
}

// ---------------------------------------------------------------------------------------
// Protective orders (PC 136.2)

Response create_protective_order(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"protected_victim_ids", "issued_on", "expires_on", "terms"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  ProtectiveOrder o;
  o.prosecution_id = r.param("id");
  o.protected_victim_ids = errors.take(string_list(*body, "protected_victim_ids", 50, 36));
  auto issued = errors.take(optional_date(*body, "issued_on"));
  auto expires = errors.take(optional_date(*body, "expires_on"));
  o.terms = errors.take(required_string(*body, "terms", 4000));
  if (errors.ok() && !issued) errors.take(Result<int>(Error::invalid("issued_on", "is required")));
  if (errors.ok() && !expires) errors.take(Result<int>(Error::invalid("expires_on", "is required")));
  if (errors.ok() && o.protected_victim_ids.empty())
    errors.take(Result<int>(Error::invalid("protected_victim_ids", "names at least one victim")));
  if (errors.ok() && *expires < *issued)
    errors.take(Result<int>(Error::invalid("expires_on", "must not be before issued_on")));
  if (!errors.ok()) return problem(errors.error());
  o.issued_on = *issued;
  o.expires_on = *expires;
  Response refusal;
  auto ctx = prosecution_context(s, o.prosecution_id, refusal);
  if (!ctx) return refusal;
  if (Decision d = decide(c.principal(), Action::protective_order_create, &*ctx); !d.allowed())
    return refuse(s, c, r, Action::protective_order_create, d, "prosecution", o.prosecution_id);
  const AuditEntry audit = audit_of(s, c, r, "protective_order.create");
  return idempotent<ProtectiveOrder>(
      s, c, r,
      [](const ProtectiveOrder& created) {
        json::array protected_ids;
        for (const auto& v : created.protected_victim_ids) protected_ids.push_back(json::string(v));
        return stored(201, json::object{{"id", created.id},
                                        {"prosecution_id", created.prosecution_id},
                                        {"protected_victim_ids", std::move(protected_ids)},
                                        {"issued_on", format_date(created.issued_on)},
                                        {"expires_on", format_date(created.expires_on)},
                                        {"terms", created.terms},
                                        {"created_at", format_utc_micros(created.created_at)}});
      },
      [&](const Idempotent<ProtectiveOrder>* idem) { return s.victims->add_protective_order(o, audit, idem); },
      [](const Error& e) { return problem(e); });
}

template <class F>
Handler route(AppServices& s, Action action, F f) {
  return guarded(s, action, [&s, f](const auth::Caller& c, const Request& r) { return f(s, c, r); });
}

}  // namespace

void add_victim_routes(Router& router, AppServices& s) {
  router.add({.method = "POST", .pattern = "/api/v1/victims", .handler = route(s, Action::victim_create, create_victim)});
  router.add({.method = "GET", .pattern = "/api/v1/victims/{id}", .handler = route(s, Action::victim_read, get_victim)});
  router.add({.method = "POST", .pattern = "/api/v1/victims/{id}/links",
              .handler = route(s, Action::victim_link, link_victim)});
  router.add({.method = "GET", .pattern = "/api/v1/victims/{id}/service-plan",
              .handler = route(s, Action::service_plan_read, get_plan)});
  router.add({.method = "POST", .pattern = "/api/v1/victims/{id}/service-plan/items",
              .handler = route(s, Action::service_plan_write, add_item)});
  router.add({.method = "PATCH", .pattern = "/api/v1/victims/{id}/service-plan/items/{item_id}",
              .handler = route(s, Action::service_plan_write, patch_item)});
  router.add({.method = "POST", .pattern = "/api/v1/prosecutions/{id}/victim-rights",
              .handler = route(s, Action::victim_rights_write, add_rights)});
  router.add({.method = "GET", .pattern = "/api/v1/prosecutions/{id}/victim-rights",
              .handler = route(s, Action::victim_rights_read, list_rights)});
  router.add({.method = "POST", .pattern = "/api/v1/agencies", .handler = route(s, Action::agency_create, create_agency)});
  router.add({.method = "POST", .pattern = "/api/v1/mdt/meetings",
              .handler = route(s, Action::mdt_meeting_create, create_meeting)});
  router.add({.method = "POST", .pattern = "/api/v1/mdt/reviews",
              .handler = route(s, Action::mdt_review_create, create_review)});
  router.add({.method = "GET", .pattern = "/api/v1/mdt/agenda", .handler = route(s, Action::mdt_agenda_read, get_agenda)});
  router.add({.method = "POST", .pattern = "/api/v1/prosecutions/{id}/protective-orders",
              .handler = route(s, Action::protective_order_create, create_protective_order)});
  router.add({.method = "GET", .pattern = "/api/v1/notifications",
              .handler = route(s, Action::notification_list, list_notifications)});
  router.add({.method = "POST", .pattern = "/api/v1/notifications/{id}/read",
              .handler = route(s, Action::notification_mark_read, mark_read)});
}

}  // namespace heat::api

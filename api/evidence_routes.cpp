// Evidence, chain of custody, verification, disclosures and the discovery manifest (issue 8;
// API.md "Evidence"). Handlers decode and validate first (nothing is written for a rejected
// request), ask the access policy with the case's context (refusals audited through
// refuse()), and call the EvidenceStore, which re-checks the policy under the row lock and
// audits the write in its transaction. Custody purposes that move the item are decided by
// workflows/evidence_item under the item's lock; a refused move is 409 with the statuses
// allowed now. Every disclosure and manifest runs the redaction check first (PC 1054.2).
#include "api/idempotency.hpp"
#include "api/auth/crypto.hpp"
#include "api/fields.hpp"
#include "api/guard.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"
#include "engine/evidence.hpp"
#include "workflows/evidence_item.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <memory>

namespace heat::api {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------
// JSON

json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::object item_json(const EvidenceItem& i) {
  json::array next;
  if (auto status = evidence::parse_item_status(i.status))
    for (auto s : evidence::allowed_next(*status)) next.emplace_back(evidence::to_string(s));
  return {{"id", i.id},
          {"case_id", i.case_id},
          {"label", i.label},
          {"kind", i.kind},
          {"description", i.description},
          {"source", i.source},
          {"collected_by", i.collected_by},
          {"collected_at", format_utc_micros(i.collected_at)},
          {"location", i.location},
          {"storage_location", i.storage_location},
          {"sha256", text_or_null(i.sha256)},
          {"status", i.status},
          {"allowed_statuses", std::move(next)},
          {"version", i.version},
          {"created_at", format_utc_micros(i.created_at)}};
}

json::object event_json(const CustodyEvent& e) {
  return {{"id", e.id},
          {"item_id", e.item_id},
          {"seq", e.seq},
          {"from", e.from},
          {"to", e.to},
          {"purpose", e.purpose},
          {"at", e.at_text},
          {"location", e.location},
          {"recorded_by", e.recorded_by},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

json::object disclosure_json(const Disclosure& d) {
  json::array items;
  for (const auto& id : d.item_ids) items.emplace_back(id);
  return {{"id", d.id},
          {"case_id", d.case_id},
          {"prosecution_id", text_or_null(d.prosecution_id)},
          {"to", d.to_counsel},
          {"at", format_utc_micros(d.at)},
          {"method", d.method},
          {"bates", text_or_null(d.bates)},
          {"item_ids", std::move(items)},
          {"override_reason", text_or_null(d.override_reason)},
          {"created_by", text_or_null(d.created_by)},
          {"created_at", format_utc_micros(d.created_at)}};
}

json::object verification_json(const ChainVerification& v) {
  return {{"valid", v.valid},
          {"broken_at", v.broken_at ? json::value(*v.broken_at) : json::value(nullptr)},
          {"checked", v.checked}};
}

// ---------------------------------------------------------------------------------------
// Helpers

bool is_sha256_hex(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

// Loads an item and decides `action` on it; an error response when absent or refused.
struct Loaded {
  std::optional<EvidenceItem> item;
  std::optional<Response> error;
};
Loaded load_item(AppServices& s, const auth::Caller& c, const Request& r, Action action) {
  auto item = s.evidence->get_item(r.param("id"));
  if (!item) return {std::nullopt, problem(item.error())};
  if (!*item) return {std::nullopt, problem(404, "no such evidence item")};
  if (Decision d = decide(c.principal(), action, &(*item)->access); !d.allowed())
    return {std::nullopt, refuse(s, c, r, action, d, "evidence_item", r.param("id"))};
  return {std::move(*item), std::nullopt};
}

// The redaction check over these items: nullopt when clean (or overridden), else the 422.
Result<std::vector<RedactionFinding>> findings_for(AppServices& s, const std::string& case_id,
                                                   const std::vector<EvidenceItem>& items) {
  std::vector<VictimIdentityValue> identities;
  if (s.victim_identities != nullptr) {
    auto got = s.victim_identities->identities_for_case(case_id);
    if (!got) return got.error();
    identities = std::move(*got);
  }
  std::vector<ItemText> texts;
  for (const auto& i : items)
    for (auto& t : item_texts(i)) texts.push_back(std::move(t));
  return redaction_findings(texts, identities);
}

json::array findings_json(const std::vector<RedactionFinding>& findings) {
  json::array out;
  for (const auto& f : findings)
    out.push_back(json::object{{"item_id", f.item_id}, {"item_field", f.item_field}, {"identity_field", f.identity_field}});
  return out;
}

// 422: the victim identity fields found, and where (never the values).
Response redaction_refused(const std::vector<RedactionFinding>& findings) {
  Error e = Error::of(ErrorCode::domain_rule,
                      "the redaction check found a linked victim's identifying information in the items' metadata "
                      "(PC 1054.2); redact it, or a DDA may override with override_reason");
  std::vector<std::string> seen;
  for (const auto& f : findings) {
    e.fields.push_back({f.identity_field, "found in " + f.item_field + " of item " + f.item_id});
  }
  Response r = problem(e);
  json::value body = json::parse(r.body);
  json::array fields;
  for (const auto& f : findings)
    if (std::find(seen.begin(), seen.end(), f.identity_field) == seen.end()) {
      seen.push_back(f.identity_field);
      fields.emplace_back(f.identity_field);
    }
  body.as_object()["identity_fields"] = std::move(fields);
  body.as_object()["redaction"] = findings_json(findings);
  r.body = json::serialize(body);
  return r;
}

// An override of the redaction check is for the DDAs who may disclose (team write), never a
// reader of the log.
bool may_override(const auth::Caller& c, const RecordContext& ctx) {
  const Role role = c.principal().role;
  return (role == Role::dda || role == Role::supervisor) &&
         decide(c.principal(), Action::disclosure_create, &ctx).allowed();
}

std::vector<std::string> overridden_fields(const std::vector<RedactionFinding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings)
    if (std::find(out.begin(), out.end(), f.identity_field) == out.end()) out.push_back(f.identity_field);
  return out;
}

// ---------------------------------------------------------------------------------------
// Handlers

Response create_item(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"label", "kind", "description", "source", "collected_by", "collected_at", "location",
                                  "storage_location", "sha256"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewEvidenceItem n;
  n.case_id = r.param("id");
  n.label = errors.take(required_string(*body, "label", 200));
  n.kind = errors.take(required_string(*body, "kind", 40));
  n.description = errors.take(required_string(*body, "description", 4000));
  n.source = errors.take(optional_string(*body, "source", 500)).value_or("");
  n.collected_by = errors.take(required_string(*body, "collected_by", 200));
  auto collected_at = errors.take(required_string(*body, "collected_at", 64));
  n.location = errors.take(optional_string(*body, "location", 500)).value_or("");
  n.storage_location = errors.take(optional_string(*body, "storage_location", 500)).value_or("");
  n.sha256 = errors.take(optional_string(*body, "sha256", 64)).value_or("");
  if (!errors.ok()) return problem(errors.error());
  if (!is_evidence_kind(n.kind))
    return problem(Error::invalid("kind", "must be one of physical, digital, document, online_ad, financial_record, "
                                          "device_extraction, other"));
  auto at = parse_rfc3339(collected_at, "collected_at");
  if (!at) return problem(at.error());
  n.collected_at = *at;
  std::transform(n.sha256.begin(), n.sha256.end(), n.sha256.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (!n.sha256.empty() && !is_sha256_hex(n.sha256))
    return problem(Error::invalid("sha256", "must be 64 hexadecimal characters"));
  n.recorded_by = c.user.username;
  Authz authz(c.principal(), Action::evidence_create);
  const AuditEntry audit = audit_of(s, c, r, "evidence.create");
  return idempotent<EvidenceItem>(
      s, c, r, [](const EvidenceItem& i) { return stored(201, item_json(i)); },
      [&](const Idempotent<EvidenceItem>* idem) { return s.evidence->create_item(n, authz.fn(), audit, idem); },
      [&](const Error& e) { return write_error(s, c, r, authz, e, "case", r.param("id")); });
}

Response get_item(AppServices& s, const auth::Caller& c, const Request& r) {
  auto loaded = load_item(s, c, r, Action::evidence_custody_read);
  if (loaded.error) return *loaded.error;
  return with_etag(json_response(200, item_json(*loaded.item)), loaded.item->version);
}

Response patch_item(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"label", "description", "source", "location", "storage_location"});
  if (!body) return problem(body.error());
  auto expected = if_match(r);
  if (!expected) return problem(expected.error());
  FieldErrors errors;
  EvidencePatch p;
  p.label = errors.take(optional_string(*body, "label", 200));
  p.description = errors.take(optional_string(*body, "description", 4000));
  p.source = errors.take(optional_string(*body, "source", 500));
  p.location = errors.take(optional_string(*body, "location", 500));
  p.storage_location = errors.take(optional_string(*body, "storage_location", 500));
  if (!errors.ok()) return problem(errors.error());
  if (p.label && p.label->empty()) return problem(Error::invalid("label", "must not be empty"));
  if (p.description && p.description->empty()) return problem(Error::invalid("description", "must not be empty"));
  Authz authz(c.principal(), Action::evidence_create);
  auto item = s.evidence->patch_item(r.param("id"), *expected, p, authz.fn(), audit_of(s, c, r, "evidence.update"));
  if (!item) return write_error(s, c, r, authz, item.error(), "evidence_item", r.param("id"));
  return with_etag(json_response(200, item_json(*item)), item->version);
}

Response add_custody(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"to", "purpose", "at", "location"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewCustodyEvent n;
  n.to = errors.take(required_string(*body, "to", 200));
  n.purpose = errors.take(required_string(*body, "purpose", 100));
  auto at_text = errors.take(required_string(*body, "at", 64));
  n.location = errors.take(optional_string(*body, "location", 500)).value_or("");
  if (!errors.ok()) return problem(errors.error());
  auto at = parse_rfc3339(at_text, "at");
  if (!at) return problem(at.error());
  n.at = *at;
  n.recorded_by = c.user.username;
  // The machine decides under the item's lock: a purpose that moves the item must be a move
  // the machine allows; any other purpose keeps the status (refused once released/destroyed).
  EvidenceStatusDecider decider = [purpose = n.purpose](const std::string& current) -> Result<std::string> {
    auto from = evidence::parse_item_status(current);
    if (!from) return from.error();
    auto target = status_for_purpose(purpose);
    auto to = target ? evidence::parse_item_status(*target) : Result<evidence::ItemStatus>(*from);
    if (!to) return to.error();
    auto next = evidence::change_status(*from, *to);
    if (!next) return next.error();
    return std::string(evidence::to_string(*next));
  };
  Authz authz(c.principal(), Action::evidence_custody);
  const AuditEntry audit = audit_of(s, c, r, "evidence.custody");
  return idempotent<CustodyAppended>(
      s, c, r,
      [](const CustodyAppended& done) {
        json::object out = event_json(done.event);
        out["item"] = item_json(done.item);
        return stored(201, out);
      },
      [&](const Idempotent<CustodyAppended>* idem) {
        return s.evidence->append_custody(r.param("id"), n, decider, authz.fn(), audit, idem);
      },
      [&](const Error& e) { return write_error(s, c, r, authz, e, "evidence_item", r.param("id")); });
}

Response list_custody(AppServices& s, const auth::Caller& c, const Request& r) {
  auto loaded = load_item(s, c, r, Action::evidence_custody_read);
  if (loaded.error) return *loaded.error;
  auto events = s.evidence->custody(r.param("id"));
  if (!events) return problem(events.error());
  json::array items;
  for (const auto& e : *events) items.push_back(event_json(e));
  // A chain is read whole (it is verified whole); next_cursor is always null.
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Response verify(AppServices& s, const auth::Caller& c, const Request& r) {
  auto loaded = load_item(s, c, r, Action::evidence_verify);
  if (loaded.error) return *loaded.error;
  auto v = s.evidence->verify(r.param("id"));
  if (!v) return problem(v.error());
  return json_response(200, verification_json(*v));
}

Response add_disclosure(AppServices& s, const auth::Caller& c, const Request& r) {
  auto body = parse_json_body(r, {"to", "at", "method", "prosecution_id", "bates", "override_reason"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  NewDisclosure n;
  n.to_counsel = errors.take(required_string(*body, "to", 200));
  auto at_text = errors.take(required_string(*body, "at", 64));
  n.method = errors.take(required_string(*body, "method", 100));
  n.prosecution_id = errors.take(optional_string(*body, "prosecution_id", 64)).value_or("");
  n.bates = errors.take(optional_string(*body, "bates", 200)).value_or("");
  n.override_reason = errors.take(optional_string(*body, "override_reason", 2000)).value_or("");
  if (!errors.ok()) return problem(errors.error());
  auto at = parse_rfc3339(at_text, "at");
  if (!at) return problem(at.error());
  n.at = *at;
  if (!n.prosecution_id.empty() && !is_uuid(n.prosecution_id))
    return problem(Error::invalid("prosecution_id", "must be a prosecution id"));

  auto loaded = load_item(s, c, r, Action::disclosure_create);
  if (loaded.error) return *loaded.error;
  const EvidenceItem& item = *loaded.item;
  auto findings = findings_for(s, item.case_id, {item});
  if (!findings) return problem(findings.error());
  if (!findings->empty()) {
    if (n.override_reason.empty() || !may_override(c, item.access)) return redaction_refused(*findings);
    n.overridden_fields = overridden_fields(*findings);
  }
  n.case_id = item.case_id;
  n.item_ids = {item.id};
  n.created_by = c.user.id;
  Authz authz(c.principal(), Action::disclosure_create);
  const AuditEntry audit = audit_of(s, c, r, "disclosure.create");
  return idempotent<Disclosure>(
      s, c, r,
      [](const Disclosure& done) {
        json::object out = disclosure_json(done);
        json::array met;
        for (const auto& id : done.deadlines_met) met.emplace_back(id);
        out["deadlines_met"] = std::move(met);
        return stored(201, out);
      },
      [&](const Idempotent<Disclosure>* idem) { return s.evidence->record_disclosure(n, authz.fn(), audit, idem); },
      [&](const Error& e) { return write_error(s, c, r, authz, e, "evidence_item", r.param("id")); });
}

// The case's context for a case-scoped read, or the error response.
std::optional<Response> check_case(AppServices& s, const auth::Caller& c, const Request& r, Action action,
                                   RecordContext* context_out) {
  auto found = s.cases->get_case(r.param("id"));
  if (!found) return problem(found.error());
  if (!*found) return problem(404, "no such case");
  RecordContext ctx = (*found)->context();
  if (Decision d = decide(c.principal(), action, &ctx); !d.allowed())
    return refuse(s, c, r, action, d, "case", r.param("id"));
  if (context_out != nullptr) *context_out = std::move(ctx);
  return std::nullopt;
}

Response list_disclosures(AppServices& s, const auth::Caller& c, const Request& r) {
  auto page = page_of(r);
  if (!page) return problem(page.error());
  DisclosureFilter f;
  f.case_id = r.param("id");
  f.limit = page->limit + 1;
  if (auto pid = r.query_param("prosecution_id")) {
    if (!is_uuid(*pid)) return problem(Error::invalid("prosecution_id", "must be a prosecution id"));
    f.prosecution_id = *pid;
  }
  if (!page->cursor.empty()) {
    const auto sep = page->cursor.find('_');
    auto at = sep == std::string::npos ? Result<TimePoint>(Error::invalid("cursor", "not a cursor from this list"))
                                       : parse_rfc3339(page->cursor.substr(0, sep), "cursor");
    if (!at || !is_uuid(page->cursor.substr(sep + 1)))
      return problem(Error::invalid("cursor", "not a cursor from this list"));
    f.after_at = *at;
    f.after_id = page->cursor.substr(sep + 1);
  }
  if (auto refused = check_case(s, c, r, Action::disclosure_list, nullptr)) return *refused;
  auto rows = s.evidence->disclosures(f);
  if (!rows) return problem(rows.error());
  json::array items;
  json::value next = nullptr;
  for (std::size_t i = 0; i < rows->size() && static_cast<int>(i) < page->limit; ++i)
    items.push_back(disclosure_json((*rows)[i]));
  if (static_cast<int>(rows->size()) > page->limit) {
    const Disclosure& last = (*rows)[static_cast<std::size_t>(page->limit) - 1];
    next = format_utc_micros(last.at) + "_" + last.id;
  }
  return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

// GET /api/v1/cases/{id}/discovery-manifest[?override_reason=...]: every item with its
// content hash and chain head, after the redaction check. An override is audited.
Response manifest(AppServices& s, const auth::Caller& c, const Request& r) {
  RecordContext ctx;
  if (auto refused = check_case(s, c, r, Action::disclosure_list, &ctx)) return *refused;
  auto items = s.evidence->items_of_case(r.param("id"));
  if (!items) return problem(items.error());
  auto findings = findings_for(s, r.param("id"), *items);
  if (!findings) return problem(findings.error());
  const std::string override_reason = r.query_param("override_reason").value_or("");
  if (!findings->empty()) {
    if (override_reason.empty() || !may_override(c, ctx)) return redaction_refused(*findings);
  }
  json::array out;
  for (const auto& i : *items) {
    auto events = s.evidence->custody(i.id);
    if (!events) return problem(events.error());
    json::object o = item_json(i);
    o["custody_events"] = static_cast<std::int64_t>(events->size());
    o["custody_head"] = events->empty() ? json::value(nullptr) : json::value(events->back().hash);
    out.push_back(std::move(o));
  }
  AuditEntry a = audit_of(s, c, r, "discovery.manifest");
  a.entity = "case";
  a.entity_id = r.param("id");
  json::array fields;
  for (const auto& f : overridden_fields(*findings)) fields.emplace_back(f);
  json::object details{{"items", static_cast<std::int64_t>(items->size())}};
  if (!findings->empty()) {
    details["override_reason"] = override_reason;
    details["overridden_fields"] = std::move(fields);
  }
  a.details = json::serialize(details);
  if (auto st = s.audit->append(a); !st) return problem(st.error());
  return json_response(200, json::object{{"case_id", r.param("id")},
                                         {"generated_at", format_utc_micros(s.clock->now())},
                                         {"items", std::move(out)}});
}

}  // namespace

void add_evidence_routes(Router& router, AppServices& s) {
  auto add = [&](const char* method, const char* pattern, Action action,
                 Response (*fn)(AppServices&, const auth::Caller&, const Request&)) {
    router.add({.method = method, .pattern = pattern,
                .handler = guarded(s, action, [&s, fn](const auth::Caller& c, const Request& r) { return fn(s, c, r); })});
  };
  add("POST", "/api/v1/cases/{id}/evidence", Action::evidence_create, create_item);
  add("GET", "/api/v1/evidence/{id}", Action::evidence_custody_read, get_item);
  add("PATCH", "/api/v1/evidence/{id}", Action::evidence_create, patch_item);
  add("POST", "/api/v1/evidence/{id}/custody", Action::evidence_custody, add_custody);
  add("GET", "/api/v1/evidence/{id}/custody", Action::evidence_custody_read, list_custody);
  add("GET", "/api/v1/evidence/{id}/verify", Action::evidence_verify, verify);
  add("POST", "/api/v1/evidence/{id}/disclosures", Action::disclosure_create, add_disclosure);
  add("GET", "/api/v1/cases/{id}/disclosures", Action::disclosure_list, list_disclosures);
  add("GET", "/api/v1/cases/{id}/discovery-manifest", Action::disclosure_list, manifest);
}

}  // namespace heat::api
